import EmbeddedPostgres
import Foundation
import Logging
import Postgres
import TallyCrypto

/// The database Tally runs on: an external one named by URLs, or the embedded cluster, which it
/// creates, starts, bootstraps and migrates, and stops again.
public final class DatabaseHost: Sendable {
    /// The database the embedded cluster holds.
    public static let embeddedDatabaseName = "tally"

    /// Conninfo for the app role (what `tally serve` uses).
    public let appConninfo: String
    /// Conninfo for the owner role (what migrations use), when known.
    public let ownerConninfo: String?
    /// The embedded cluster, when Tally runs one.
    public let cluster: RunningCluster?
    /// The migrations this Tally knows.
    public let migrations: [Migration]
    let logger: Logger

    private init(appConninfo: String, ownerConninfo: String?, cluster: RunningCluster?, migrations: [Migration], logger: Logger) {
        self.appConninfo = appConninfo
        self.ownerConninfo = ownerConninfo
        self.cluster = cluster
        self.migrations = migrations
        self.logger = logger
    }

    /// Opens the configured database. With no app URL this starts the embedded cluster and creates
    /// the roles and the database. With `migrate`, pending migrations are applied as the owner.
    ///
    /// With `shareRunningCluster`, an embedded cluster that another tally (a running `tally serve`)
    /// holds is used through its socket instead of refused; the server must pass false.
    public static func open(
        _ configuration: DatabaseConfiguration, migrate: Bool, shareRunningCluster: Bool = false, logger: Logger
    ) async throws -> DatabaseHost {
        let migrations = try MigrationSource.load(from: configuration.migrationsDirectory)
        guard configuration.isEmbedded else {
            let host = DatabaseHost(
                appConninfo: configuration.appURL ?? "", ownerConninfo: configuration.ownerURL, cluster: nil,
                migrations: migrations, logger: logger)
            if migrate { try await host.migrate() }
            return host
        }
        let cluster: RunningCluster
        switch try await startCluster(configuration, shareRunningCluster: shareRunningCluster, logger: logger) {
        case .started(let started):
            cluster = started
        case .heldElsewhere(let embedded):
            let host = DatabaseHost(
                appConninfo: try embedded.connectionStringWhileHeldElsewhere(database: embeddedDatabaseName, user: DatabaseRoles.app),
                ownerConninfo: try embedded.connectionStringWhileHeldElsewhere(database: embeddedDatabaseName, user: DatabaseRoles.owner),
                cluster: nil, migrations: migrations, logger: logger)
            if migrate { try await host.migrate() }
            return host
        }
        do {
            let host = DatabaseHost(
                appConninfo: cluster.connectionString(database: embeddedDatabaseName, user: DatabaseRoles.app),
                ownerConninfo: cluster.connectionString(database: embeddedDatabaseName, user: DatabaseRoles.owner),
                cluster: cluster, migrations: migrations, logger: logger)
            try await host.bootstrapEmbedded()
            if migrate { try await host.migrate() }
            return host
        } catch {
            try? await cluster.stop()
            throw error
        }
    }

    /// Whether this process started the cluster or another tally holds it.
    private enum ClusterAccess {
        case started(RunningCluster)
        case heldElsewhere(EmbeddedPostgres)
    }

    /// Starts the embedded cluster. As root, the server runs as the postgres user; when that user
    /// cannot reach the *default* folder (a clone under /root, say), a folder under
    /// /var/lib/tally named for the working directory is used instead, and the log says so.
    private static func startCluster(
        _ configuration: DatabaseConfiguration, shareRunningCluster: Bool, logger: Logger
    ) async throws -> ClusterAccess {
        do {
            return try await start(configuration.dataDirectory, sharing: shareRunningCluster, logger: logger)
        } catch let error as EmbeddedPostgresError {
            guard case .folderNotReachable = error,
                configuration.dataDirectory == DatabaseConfiguration.defaultDataDirectory
            else { throw error }
            let fallback = fallbackDataDirectory()
            logger.notice(
                "the postgres user cannot reach the default data folder; using another",
                metadata: ["folder": "\(fallback)", "hint": "set TALLY_DATA_DIR to choose"])
            return try await start(fallback, sharing: shareRunningCluster, logger: logger)
        }
    }

    private static func start(_ folder: String, sharing: Bool, logger: Logger) async throws -> ClusterAccess {
        let embedded = EmbeddedPostgres(options: .init(dataDirectory: folder), logger: logger)
        do {
            return .started(try await embedded.start())
        } catch let error as EmbeddedPostgresError {
            guard sharing, case .inUse = error else { throw error }
            return .heldElsewhere(embedded)
        }
    }

    /// `/var/lib/tally/<12 hex digits of the working directory's SHA-256>/postgres`.
    static func fallbackDataDirectory() -> String {
        let workingDirectory = FileManager.default.currentDirectoryPath
        return "/var/lib/tally/\(SHA256.hex(workingDirectory).prefix(12))/postgres"
    }

    private func bootstrapEmbedded() async throws {
        guard let cluster else { return }
        try await withConnection(cluster.connectionString(database: "postgres", user: cluster.superuser)) { connection in
            try await DatabaseRoles.bootstrap(database: Self.embeddedDatabaseName, superuser: connection)
        }
        try await withConnection(cluster.connectionString(database: Self.embeddedDatabaseName, user: cluster.superuser)) {
            try await DatabaseRoles.prepareSchema(superuser: $0)
        }
    }

    /// Applies pending migrations as the owner role; returns what it applied.
    @discardableResult
    public func migrate() async throws -> [Migration] {
        guard let ownerConninfo else { throw DatabaseHostError.ownerURLMissing }
        let migrator = Migrator(migrations: migrations, logger: logger)
        return try await withConnection(ownerConninfo) { try await migrator.migrate(on: $0) }
    }

    /// After a bulk load (the demo seed): `VACUUM (ANALYZE)` as the owner, so the planner has
    /// statistics and index-only scans a visibility map from the first request instead of after
    /// autovacuum gets round to it. Does nothing without the owner's URL (an external database
    /// the operator maintains); returns whether it ran.
    @discardableResult
    public func refreshStatistics() async throws -> Bool {
        guard let ownerConninfo else { return false }
        try await withConnection(ownerConninfo) { try await $0.unsafeExecuteScript("VACUUM (ANALYZE)") }
        return true
    }

    /// Where the database stands against the known migrations (read as the owner when known).
    public func status() async throws -> Migrator.Status {
        let migrator = Migrator(migrations: migrations, logger: logger)
        return try await withConnection(ownerConninfo ?? appConninfo) { try await migrator.status(on: $0) }
    }

    /// Stops the embedded cluster, if any.
    public func close() async {
        guard let cluster else { return }
        do {
            try await cluster.stop()
        } catch {
            logger.error("could not stop the embedded database", metadata: ["error": "\(error)"])
        }
    }

    /// A small pool of app-role connections for work that rightly runs long (the demo seeder's
    /// bulk load, a one-shot command), its statements under
    /// `DatabaseConfiguration.maintenanceStatementTimeout` rather than the requests' limit.
    public func makeMaintenancePool(sharedConnections: Int = 0) -> PostgresPool {
        PostgresPool(
            configuration: .init(
                conninfo: appConninfo, maxConnections: 2, sharedConnections: sharedConnections,
                statementTimeout: DatabaseConfiguration.maintenanceStatementTimeout),
            logger: logger)
    }

    /// Runs `body` on a one-off connection under the maintenance statement timeout: set-up,
    /// migrations and `VACUUM` may rightly take long (a migration that builds an index on a large
    /// table).
    func withConnection<T: Sendable>(_ conninfo: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await PostgresConnection.withConnection(
            to: conninfo, logger: logger, statementTimeout: DatabaseConfiguration.maintenanceStatementTimeout, body)
    }
}

/// Misconfiguration of an external database.
public enum DatabaseHostError: Error, Sendable, CustomStringConvertible {
    /// Migrating an external database needs the owner role's URL.
    case ownerURLMissing

    public var description: String {
        switch self {
        case .ownerURLMissing:
            return "migrating an external database needs TALLY_OWNER_DATABASE_URL (a URL for the role that owns the tables)"
        }
    }
}
