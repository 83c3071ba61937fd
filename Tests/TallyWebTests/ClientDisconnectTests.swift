import Hummingbird
import HummingbirdTesting
import Postgres
import TallyTestSupport
import TallyWeb
import Testing

@Suite("A client that goes away")
struct ClientDisconnectTests {
    /// How the slow route's wait for the database ended.
    enum Outcome: Sendable, Equatable {
        case finished, cancelled, failed(String)
    }

    @Test("a client that disconnects during a slow statement frees its database connection at once")
    func disconnectCancelsTheStatement() async throws {
        try await TestDatabase.with { database in
            let pool = database.makePool(maxConnections: 1)
            let pids = AsyncStream<Int>.makeStream()
            let outcomes = AsyncStream<Outcome>.makeStream()
            let router = try Self.router(database: database, pool: pool)
            router.get("/slow") { _, _ -> String in
                do {
                    try await pool.withConnection { connection in
                        pids.continuation.yield(try await connection.query("SELECT pg_backend_pid()::int8").first!.decode(Int.self, at: 0))
                        _ = try await connection.query("SELECT pg_sleep(60)")
                    }
                    outcomes.continuation.yield(.finished)
                } catch {
                    outcomes.continuation.yield(error is CancellationError ? .cancelled : .failed("\(error)"))
                    throw error
                }
                return "finished"
            }
            try await Self.live(router).test(.live) { client in
                let browser = TestClient(host: "127.0.0.1", port: try #require(client.port))
                browser.connect()
                try await browser.executeAndDontWaitForResponse(.init("/slow", method: .get))
                let pid = try #require(await pids.stream.first { _ in true })
                try await database.waitUntilSleeping(pid)

                try await browser.close(mode: .all)
                // Without the cancel the route would wait out the minute's sleep and finish.
                #expect(await outcomes.stream.first { _ in true } == .cancelled)
                let statistics = pool.statistics
                #expect(statistics.inUse == 0)
                #expect(statistics.idle == 1)
                #expect(statistics.closed == 0)
                let activity = try await database.activity(of: pid)
                #expect(activity.state == "idle")
                #expect(activity.query == "SELECT pg_sleep(60)")
                // The one connection, free again, serves the next request.
                #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
                try? await browser.shutdown()
            }
            await pool.shutdown()
        }
    }

    @Test("a client that stays gets every answer over the same connection")
    func keepAliveUnchanged() async throws {
        try await TestDatabase.with { database in
            let pool = database.makePool(maxConnections: 1)
            try await Self.live(try Self.router(database: database, pool: pool)).test(.live) { client in
                let browser = TestClient(host: "127.0.0.1", port: try #require(client.port))
                browser.connect()
                let channel = try await browser.getChannel()
                for _ in 0..<3 {
                    #expect(try await browser.get("/readyz").status == .ok)
                }
                #expect(try await browser.getChannel() === channel)
                #expect(channel.isActive)
                try await browser.shutdown()
            }
            await pool.shutdown()
        }
    }

    @Test("a cancelled request answers 499 (client closed request) for the log and the metrics, not 500")
    func cancelledRequestIs499() async throws {
        try await TestDatabase.with { database in
            let pool = database.makePool(maxConnections: 1)
            let router = try Self.router(database: database, pool: pool)
            router.get("/cancelled") { _, _ -> String in throw CancellationError() }
            try await Application(router: router, logger: WebHarness.logger).test(.router) { client in
                let response = try await client.execute(uri: "/cancelled", method: .get, headers: [.accept: "application/json"])
                #expect(response.status.code == 499)
                #expect(response.text.contains("The client closed the request."))
            }
            await pool.shutdown()
        }
    }

    /// The production router over `pool`.
    private static func router(database: TestDatabase, pool: PostgresPool) throws -> Router<AppRequestContext> {
        let pages = try Pages(directory: WebHarness.configuration.templatesDirectory, reloadOnChange: false, strict: true, logger: WebHarness.logger)
        let services = AppServices(pool: pool, migrations: database.migrations, pages: pages)
        return TallyApplication.makeRouter(configuration: WebHarness.configuration, services: services, logger: WebHarness.logger)
    }

    /// `router` served over a socket by the production server, on a free port.
    private static func live(_ router: Router<AppRequestContext>) -> some ApplicationProtocol {
        Application(
            router: router, server: TallyApplication.httpServer(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: WebHarness.logger)
    }
}
