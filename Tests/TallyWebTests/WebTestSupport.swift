import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import TallyDatabase
import TallyTestSupport
import TallyWeb

/// Builds the real router for tests, on a test database (or any conninfo).
struct WebHarness {
    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    static var configuration: ServerConfiguration {
        ServerConfiguration(
            publicDirectory: repositoryRoot + "/public", templatesDirectory: repositoryRoot + "/templates")
    }

    static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    /// Runs `body` with a client for the app and its pool, then shuts the pool down.
    static func withApp<Result: Sendable>(
        conninfo: String, migrations: [Migration], maxConnections: Int = 4, statementTimeout: Duration? = nil,
        logger: Logger = WebHarness.logger, extraRoutes: (Router<AppRequestContext>, PostgresPool) -> Void = { _, _ in },
        _ body: @Sendable (any TestClientProtocol, PostgresPool) async throws -> Result
    ) async throws -> Result {
        let pool = PostgresPool(
            configuration: .init(
                conninfo: conninfo, maxConnections: maxConnections, acquireTimeout: .milliseconds(500), sharedConnections: 1,
                statementTimeout: statementTimeout),
            logger: logger)
        let pages = try Pages(directory: configuration.templatesDirectory, reloadOnChange: false, strict: true, logger: logger)
        let services = AppServices(pool: pool, migrations: migrations, pages: pages)
        let router = TallyApplication.makeRouter(configuration: configuration, services: services, logger: logger)
        extraRoutes(router, pool)
        let app = Application(router: router, logger: logger)
        do {
            let result = try await app.test(.router) { client in try await body(client, pool) }
            await pool.shutdown()
            return result
        } catch {
            await pool.shutdown()
            throw error
        }
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}
