import ArgumentParser
import Foundation
import TallyDatabase
import TallyWeb

/// `tally migrate`.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending database migrations.",
        discussion: """
            Runs as the owner role: on the embedded cluster that is automatic; on an existing \
            PostgreSQL set TALLY_OWNER_DATABASE_URL (or --owner-database-url). Each migration runs \
            in its own transaction; an advisory lock makes concurrent runs safe. A migration file \
            that changed after it was applied is refused.
            """
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let configuration = try database.configuration()
        let logger = bootstrapLogging(level: configuration.logLevel)
        let host: DatabaseHost
        do {
            host = try await DatabaseHost.open(configuration.database, migrate: false, shareRunningCluster: true, logger: logger)
        } catch {
            throw fail("\(error)")
        }
        do {
            let applied = try await host.migrate()
            await host.close()
            if applied.isEmpty {
                print("Nothing to migrate: all \(host.migrations.count) migration(s) are applied.")
            } else {
                for migration in applied { print("applied \(migration.name)") }
                print("Applied \(applied.count) migration(s).")
            }
        } catch {
            await host.close()
            throw fail("\(error)")
        }
    }
}

/// `tally db …`.
struct Database: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Inspect the database.", subcommands: [DatabaseStatus.self])
}

/// `tally db status`.
struct DatabaseStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "List applied and pending migrations.",
        discussion: "Exits 0 when the database is up to date, 1 when migrations are pending or need attention.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let configuration = try database.configuration()
        let logger = bootstrapLogging(level: configuration.logLevel)
        let status: Migrator.Status
        do {
            let host = try await DatabaseHost.open(configuration.database, migrate: false, shareRunningCluster: true, logger: logger)
            do {
                status = try await host.status()
                await host.close()
            } catch {
                await host.close()
                throw error
            }
        } catch {
            throw fail("\(error)")
        }
        let formatter = ISO8601DateFormatter()
        for applied in status.applied {
            print("applied  \(applied.name)  \(formatter.string(from: applied.appliedAt))")
        }
        for pending in status.pending { print("pending  \(pending.name)") }
        for problem in status.problems { print("problem  \(problem)") }
        print("\(status.applied.count) applied, \(status.pending.count) pending")
        if !status.pending.isEmpty || !status.problems.isEmpty { throw ExitCode.failure }
    }
}
