import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MeteringStore
import NIOCore
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

extension DatabaseLimitsTests {
    /// A standby before its promotion, or a primary turned read-only: every write fails with
    /// SQLSTATE 25006. That is the database being unavailable for now (503), not a bug (500).
    @Test("a read-only database (a standby) answers writes with 503 and Retry-After, not 500")
    func readOnlyDatabaseIs503() async throws {
        try await TestDatabase.with { database in
            let key = try await database.withPool { setup in
                try await APIKeyStore(pool: setup).create(name: "ingest", scope: .ingest, now: Date())
            }
            let superuser = try await database.connect(as: .superuser)
            try await superuser.execute("ALTER DATABASE \(identifier: database.name) SET default_transaction_read_only = on")
            superuser.close()
            try await WebHarness.withApp(conninfo: database.appConninfo, migrations: database.migrations) { client, _ in
                let ingest = try await client.execute(
                    uri: "/api/v1/events", method: .post,
                    headers: [.authorization: "Bearer \(key.secret)", .contentType: "application/json"],
                    body: ByteBuffer(string: #"{"events": [{"id": "e1", "account": "acme", "feature": "chat"}]}"#))
                #expect(ingest.status == .serviceUnavailable)
                #expect(ingest.headers[.retryAfter] == "2")
                #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
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
