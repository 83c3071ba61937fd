import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import Synchronization
import TallyTestSupport
import TallyWeb
import TallyWebTestSupport
import Testing

@Suite("Database limits seen from the web")
struct DatabaseLimitsTests {
    @Test("a statement past its timeout answers 503 with Retry-After, not 500, and is logged as timed out")
    func statementTimeoutIs503() async throws {
        let log = MessageLog()
        try await TestDatabase.with { database in
            try await WebHarness.withApp(
                conninfo: database.appConninfo, migrations: database.migrations, statementTimeout: .milliseconds(50),
                logger: log.logger,
                extraRoutes: { router, pool in
                    router.get("/slow") { _, _ -> String in
                        _ = try await pool.query("SELECT pg_sleep(60)")
                        return "finished"
                    }
                }
            ) { client, pool in
                let page = try await client.execute(uri: "/slow", method: .get, headers: [.accept: "text/html"])
                #expect(page.status == .serviceUnavailable)
                #expect(page.headers[.retryAfter] == "2")
                let api = try await client.execute(uri: "/slow", method: .get, headers: [.accept: "application/json"])
                #expect(api.status == .serviceUnavailable)
                #expect(api.headers[.contentType] == "application/json; charset=utf-8")
                #expect(log.messages.filter { $0 == "database statement timed out" }.count == 2)
                #expect(pool.statistics.closed == 0)
            }
        }
    }
}

/// Keeps the message of every log line.
final class MessageLog: Sendable {
    private let lines = Mutex<[String]>([])

    var messages: [String] { lines.withLock { $0 } }

    var logger: Logger {
        var logger = Logger(label: "test") { _ in Handler(log: self) }
        logger.logLevel = .info
        return logger
    }

    private struct Handler: LogHandler {
        let log: MessageLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            log.lines.withLock { $0.append("\(event.message)") }
        }
    }
}
