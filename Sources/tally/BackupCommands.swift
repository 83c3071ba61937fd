import ArgumentParser
import Foundation
import Logging
import TallyDatabase
import TallyWeb

/// `tally backup FILE`.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a backup of the whole database to FILE.",
        discussion: """
            Runs pg_dump (custom format: compressed, one file) as the owner role: on the embedded \
            cluster that is automatic, also beside a running `tally serve`; on an existing \
            PostgreSQL set TALLY_OWNER_DATABASE_URL (or --owner-database-url). The backup is a \
            consistent snapshot taken while Tally keeps serving. FILE must not exist; it appears \
            only once the backup is complete. Restore it with `tally restore FILE`.
            """)

    @Argument(help: "The backup file to write (it must not exist yet).")
    var file: String

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await withOwnerDatabase(database, migrate: true) { backup in
            let started = Date()
            let bytes = try await backup.backUp(to: file, progress: printProgress("backing up"))
            let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
            print("Backed up to \(file): \(ByteCountFormatter.string(fromByteCount: bytes, countStyle: .file)) in \(seconds) s.")
        }
    }
}

/// `tally restore FILE`.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a backup made by `tally backup` into an empty database.",
        discussion: """
            Runs pg_restore as the owner role, in one transaction: if it fails, the database \
            stays empty. Refused when the database already holds tables, so a restore never \
            mixes with live data: point TALLY_DATA_DIR (or --data-dir) at a new folder for the \
            embedded cluster, or create a new database for the owner role on an existing \
            PostgreSQL. Migrations newer than the backup are applied afterwards by `tally serve` \
            (embedded) or `tally migrate`.
            """)

    @Argument(help: "The backup file to read.")
    var file: String

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await withOwnerDatabase(database, migrate: false) { backup in
            let started = Date()
            try await backup.restore(from: file, progress: printProgress("restoring"))
            let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
            print("Restored \(file) in \(seconds) s.")
        }
    }
}

/// Opens the configured database as for a one-shot command (the embedded cluster started, or
/// used beside a running `tally serve`), runs `body` with a ``DatabaseBackup`` over the owner
/// role, and closes it all, also on SIGINT or SIGTERM.
private func withOwnerDatabase(
    _ options: DatabaseOptions, migrate: Bool, _ body: (DatabaseBackup) async throws -> Void
) async throws {
    let configuration = try options.configuration()
    let logger = bootstrapLogging(level: configuration.logLevel)
    let host: DatabaseHost
    do {
        host = try await DatabaseHost.open(
            configuration.database, migrate: migrate && configuration.database.isEmbedded, shareRunningCluster: true, logger: logger)
    } catch {
        throw fail("\(error)")
    }
    let signals = await stopOnSignal(host, logger: logger)
    defer { signals.cancel() }
    guard let owner = host.ownerConninfo else {
        await host.close()
        throw fail("the owner role's URL is needed: set TALLY_OWNER_DATABASE_URL or pass --owner-database-url")
    }
    do {
        try await body(DatabaseBackup(ownerConninfo: owner, logger: logger))
        await host.close()
    } catch {
        await host.close()
        throw fail("\(error)")
    }
}

/// A progress line on stderr, rewritten in place: `restoring: 12/31 tables (usage_events)`.
private func printProgress(_ verb: String) -> @Sendable (DatabaseBackup.Progress) -> Void {
    { progress in
        let end = progress.done == progress.total ? "\n" : ""
        FileHandle.standardError.write(
            Data("\r\u{1B}[K\(verb): \(progress.done)/\(progress.total) tables (\(progress.table))\(end)".utf8))
    }
}
