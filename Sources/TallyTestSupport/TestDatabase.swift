import Foundation
import Logging
import Postgres
import TallyDatabase

/// A migrated database of its own for one test, dropped when the test ends.
///
/// ```swift
/// try await TestDatabase.with { database in
///     let pool = database.makePool()
///     …
/// }
/// ```
public struct TestDatabase: Sendable {
    /// The database's name.
    public let name: String
    /// conninfo as the app role (no ownership, row-level security applies).
    public let appConninfo: String
    /// conninfo as the owner role.
    public let ownerConninfo: String
    /// conninfo as the superuser.
    public let superuserConninfo: String
    /// The migrations applied to it.
    public let migrations: [Migration]
    /// A quiet logger for the test.
    public let logger: Logger

    /// Creates a database copied from the migrated template (or an empty one, owned by the owner
    /// role, when `migrated` is false), runs `body`, and drops it, also when `body` throws.
    @discardableResult
    public static func with<Result: Sendable>(
        migrated: Bool = true, _ body: (TestDatabase) async throws -> Result
    ) async throws -> Result {
        let cluster = TestCluster.shared
        let info = try await cluster.info()
        let name = await cluster.makeDatabaseName()
        let template = migrated ? TestCluster.templateName : "template0"
        try await cluster.withConnection(info.conninfo(database: "postgres")) {
            try await $0.execute(
                "CREATE DATABASE \(identifier: name) TEMPLATE \(identifier: template) OWNER \(identifier: DatabaseRoles.owner)")
        }
        if !migrated {
            try await cluster.withConnection(info.conninfo(database: name)) { try await DatabaseRoles.prepareSchema(superuser: $0) }
        }
        let database = TestDatabase(
            name: name, appConninfo: info.conninfo(database: name, user: DatabaseRoles.app),
            ownerConninfo: info.conninfo(database: name, user: DatabaseRoles.owner),
            superuserConninfo: info.conninfo(database: name), migrations: info.migrations, logger: cluster.logger)
        do {
            let result = try await body(database)
            try await drop(name, cluster: cluster, info: info)
            return result
        } catch {
            try? await drop(name, cluster: cluster, info: info)
            throw error
        }
    }

    private static func drop(_ name: String, cluster: TestCluster, info: TestCluster.Info) async throws {
        try await cluster.withConnection(info.conninfo(database: "postgres")) {
            try await $0.execute("DROP DATABASE IF EXISTS \(identifier: name) WITH (FORCE)")
        }
    }

    /// A pool of app-role connections; shut it down before the test ends. One shared connection
    /// (not the server's two) keeps the many databases of a parallel test run under the test
    /// cluster's connection limit. No statement timeout unless asked (a busy test machine).
    public func makePool(
        maxConnections: Int = 4, acquireTimeout: Duration = .seconds(2), sharedConnections: Int = 1,
        statementTimeout: Duration? = nil
    ) -> PostgresPool {
        PostgresPool(
            configuration: .init(
                conninfo: appConninfo, maxConnections: maxConnections, acquireTimeout: acquireTimeout,
                sharedConnections: sharedConnections, statementTimeout: statementTimeout),
            logger: logger)
    }

    /// A single connection as `role` (`.app`, `.owner` or `.superuser`); the caller closes it.
    public func connect(as role: Role = .app) async throws -> PostgresConnection {
        let conninfo: String
        switch role {
        case .app: conninfo = appConninfo
        case .owner: conninfo = ownerConninfo
        case .superuser: conninfo = superuserConninfo
        }
        return try await PostgresConnection.connect(to: conninfo, logger: logger)
    }

    /// Which database role a connection uses.
    public enum Role: Sendable {
        case app, owner, superuser
    }
}
