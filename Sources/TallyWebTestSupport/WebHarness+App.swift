import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import TallyDatabase
import TallyTestSupport
import TallyWeb

extension WebHarness {
    /// A logger that keeps quiet (critical messages only), for apps built without a harness.
    public static var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    /// The production router over `pool`, with the standard access services and the system clock:
    /// for tests of the app itself (start-up, operations routes, disconnects) rather than of its
    /// pages, which use a harness and its test clock.
    public static func makeRouter(pool: PostgresPool, migrations: [Migration], logger: Logger = quietLogger) throws -> Router<AppRequestContext> {
        let pages = try Pages(directory: configuration.templatesDirectory, reloadOnChange: false, strict: true, logger: logger)
        let services = AppServices(pool: pool, migrations: migrations, pages: pages)
        return TallyApplication.makeRouter(configuration: configuration, services: services, logger: logger)
    }

    /// Runs `body` with an in-process client of the production router over a pool on `conninfo`
    /// (any database, reachable or not), then shuts the pool down. `extraRoutes` may add
    /// test-only routes first.
    public static func withApp<Result: Sendable>(
        conninfo: String, migrations: [Migration], maxConnections: Int = 4, statementTimeout: Duration? = nil,
        logger: Logger = quietLogger, extraRoutes: (Router<AppRequestContext>, PostgresPool) -> Void = { _, _ in },
        _ body: @Sendable (any TestClientProtocol, PostgresPool) async throws -> Result
    ) async throws -> Result {
        let pool = PostgresPool(
            configuration: .init(
                conninfo: conninfo, maxConnections: maxConnections, acquireTimeout: .milliseconds(500), sharedConnections: 1,
                statementTimeout: statementTimeout),
            logger: logger)
        return try await withPool(pool) { pool in
            let router = try makeRouter(pool: pool, migrations: migrations, logger: logger)
            extraRoutes(router, pool)
            return try await Application(router: router, logger: logger).test(.router) { client in try await body(client, pool) }
        }
    }
}
