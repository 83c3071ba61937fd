import ArgumentParser
import Foundation
import Logging
import TallyDatabase
import TallyWeb

/// Database flags shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "App-role URL of an existing PostgreSQL (env DATABASE_URL). Unset: the embedded cluster.")
    var databaseURL: String?

    @Option(name: .customLong("owner-database-url"), help: "Owner-role URL, for migrations on an existing PostgreSQL (env TALLY_OWNER_DATABASE_URL).")
    var ownerDatabaseURL: String?

    @Option(name: .customLong("data-dir"), help: "Embedded cluster folder (env TALLY_DATA_DIR; default .tally/postgres).")
    var dataDirectory: String?

    @Option(name: .customLong("migrations-dir"), help: "Migrations folder (env TALLY_MIGRATIONS_DIR; default migrations).")
    var migrationsDirectory: String?

    /// The configuration from the environment, with these flags applied on top.
    func configuration() throws -> TallyConfiguration {
        var configuration = try TallyConfiguration.load(environment: ProcessInfo.processInfo.environment)
        if let databaseURL { configuration.database.appURL = databaseURL }
        if let ownerDatabaseURL { configuration.database.ownerURL = ownerDatabaseURL }
        if let dataDirectory { configuration.database.dataDirectory = dataDirectory }
        if let migrationsDirectory { configuration.database.migrationsDirectory = migrationsDirectory }
        return configuration
    }
}

/// Sets up logging once per process: one line per event on stderr, with metadata.
func bootstrapLogging(level: Logger.Level) -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
    return Logger(label: "tally")
}

/// Prints a one-line error for the operator and exits non-zero (no stack, no internals).
func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("tally: \(message)\n".utf8))
    return ExitCode.failure
}
