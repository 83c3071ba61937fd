import ArgumentParser
import Foundation
import Logging
import Postgres
import TallyAccess
import TallyDatabase
import TallyWeb
import UnixSignals

/// Opens the database for a one-shot command (the embedded cluster is started and migrated,
/// an external one is used as the app role), runs `body` with a small pool, and closes it all.
@discardableResult
func withAccessDatabase<T: Sendable>(
    _ options: DatabaseOptions, _ body: (PostgresPool, Logger) async throws -> T
) async throws -> T {
    try await withAccessDatabase(options) { pool, _, logger in try await body(pool, logger) }
}

/// ``withAccessDatabase(_:_:)`` for a command that also needs the host (its owner connection).
func withAccessDatabase<T: Sendable>(
    _ options: DatabaseOptions, _ body: (PostgresPool, DatabaseHost, Logger) async throws -> T
) async throws -> T {
    let configuration = try options.configuration()
    let logger = bootstrapLogging(level: configuration.logLevel)
    let host: DatabaseHost
    do {
        host = try await DatabaseHost.open(
            configuration.database, migrate: configuration.database.isEmbedded, shareRunningCluster: true, logger: logger)
    } catch {
        throw fail("\(error)")
    }
    // SIGINT or SIGTERM mid-command still stops the embedded cluster this command started.
    let signals = await stopOnSignal(host, logger: logger)
    defer { signals.cancel() }
    // The maintenance statement timeout: a command's work (the demo seeder's bulk load, say)
    // may take minutes, and the operator who started it is there to stop it.
    let pool = host.makeMaintenancePool(sharedConnections: 1)
    do {
        let result = try await body(pool, host, logger)
        await pool.shutdown()
        await host.close()
        return result
    } catch {
        await pool.shutdown()
        await host.close()
        if let error = error as? AccessError { throw fail(error.description) }
        if error is ExitCode { throw error }
        throw fail("\(error)")
    }
}

/// Watches for SIGINT and SIGTERM while a one-shot command runs: on either, stops the embedded
/// cluster `host` started (what a transaction left unfinished rolls back) and exits with
/// 128 + the signal's number, as a shell expects. Cancel the task when the command ends.
func stopOnSignal(_ host: DatabaseHost, logger: Logger) async -> Task<Void, Never> {
    let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
    return Task {
        for await signal in signals {
            logger.notice("interrupted; stopping", metadata: ["signal": "\(signal)"])
            await host.close()
            exit(128 + signal.rawValue)
        }
    }
}

/// A new password: read from stdin when it is piped or redirected from a file (one trailing line
/// break removed, nothing else trimmed), otherwise (a terminal, /dev/null) generated. Returns the
/// password and whether it was generated.
func readOrGeneratePassword() -> (password: String, generated: Bool) {
    guard stdinIsPipeOrFile() else { return (UserAdministration.generatePassword(), true) }
    let data = FileHandle.standardInput.readDataToEndOfFile()
    var text = String(decoding: data, as: UTF8.self)
    if text.hasSuffix("\r\n") {
        text.removeLast(2)
    } else if text.hasSuffix("\n") {
        text.removeLast()
    }
    return (text, false)
}

/// True when stdin is a pipe, socket or regular file; false for terminals and other devices.
private func stdinIsPipeOrFile() -> Bool {
    var status = stat()
    guard fstat(STDIN_FILENO, &status) == 0 else { return false }
    let kind = status.st_mode & S_IFMT
    return kind == S_IFIFO || kind == S_IFREG || kind == S_IFSOCK
}
