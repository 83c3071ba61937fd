import EmbeddedPostgres
import Foundation
import Logging
import Postgres
import TallyDatabase

/// One PostgreSQL cluster per test process, started on first use, with the Tally roles and a
/// migrated template database that each test's database is copied from.
///
/// With `TALLY_TEST_DATABASE_URL` (a conninfo string such as `host=/run/postgresql user=postgres`
/// naming a superuser) an existing server is used instead of a private cluster.
actor TestCluster {
    static let shared = TestCluster()
    static let templateName = "tally_test_template"

    struct Info: Sendable {
        /// conninfo without dbname/user; `conninfo(database:user:)` appends them.
        let base: String
        let superuser: String
        let migrations: [Migration]

        func conninfo(database: String, user: String? = nil) -> String {
            "\(base) dbname=\(quoted(database)) user=\(quoted(user ?? superuser))"
        }

        private func quoted(_ value: String) -> String {
            "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }
    }

    private var starting: Task<Info, any Error>?
    private var nextDatabase = 0
    let logger: Logger = {
        var logger = Logger(label: "tally.test")
        logger.logLevel = .warning
        return logger
    }()

    /// The cluster, started on first call.
    func info() async throws -> Info {
        if let starting { return try await starting.value }
        let task = Task { try await start() }
        starting = task
        return try await task.value
    }

    /// A new unique database name for this process.
    func makeDatabaseName() -> String {
        nextDatabase += 1
        return "t\(getpid())_\(nextDatabase)"
    }

    private func start() async throws -> Info {
        let migrations = try MigrationSource.load(from: TestPaths.repositoryRoot + "/migrations")
        let info: Info
        if let external = ProcessInfo.processInfo.environment["TALLY_TEST_DATABASE_URL"], !external.isEmpty {
            info = Info(base: external, superuser: "postgres", migrations: migrations)
        } else {
            TestClusterJanitor.removeAbandonedClusters()
            let folder = TestClusterJanitor.newClusterFolder()
            let cluster = try await EmbeddedPostgres(
                // PostgreSQL's default buffer cache: every test creates and drops a database, and
                // each drop scans the whole cache (with 2 GiB, connections began to time out).
                options: .init(dataDirectory: folder, durability: .fast, maxConnections: 600, sharedBuffersMiB: 128),
                logger: logger
            ).start()
            TestClusterJanitor.stopAtExit(cluster, folder: folder)
            // A parallel run starts every test at once, each creating its database from the
            // template: on two cores a connection can wait well past the server's default 5 s
            // for the postmaster. Tests are not about connect times, so allow a minute.
            info = Info(
                base: "host='\(cluster.socketDirectory)' port=\(cluster.port) connect_timeout=60",
                superuser: cluster.superuser, migrations: migrations)
        }
        try await prepareTemplate(info)
        return info
    }

    /// Roles, then a template database migrated as the owner, which tests copy.
    private func prepareTemplate(_ info: Info) async throws {
        try await withConnection(info.conninfo(database: "postgres")) { connection in
            try await connection.execute("DROP DATABASE IF EXISTS \(identifier: Self.templateName) WITH (FORCE)")
            try await DatabaseRoles.bootstrap(database: Self.templateName, superuser: connection)
        }
        try await withConnection(info.conninfo(database: Self.templateName)) {
            try await DatabaseRoles.prepareSchema(superuser: $0)
        }
        let migrator = Migrator(migrations: info.migrations, logger: logger)
        try await withConnection(info.conninfo(database: Self.templateName, user: DatabaseRoles.owner)) {
            try await migrator.migrate(on: $0)
        }
    }

    @discardableResult
    nonisolated func withConnection<T: Sendable>(_ conninfo: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await PostgresConnection.withConnection(to: conninfo, logger: logger, body)
    }
}

/// Where the repository is, found from this file's path.
enum TestPaths {
    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }
}
