import Postgres
import TallyTestSupport
import Testing

/// A statement that never ends on its own: each test stops it with the statement timeout.
private let endless: PostgresQuery = "SELECT pg_sleep(60)"

@Suite("Statement timeout")
struct StatementTimeoutTests {
    @Test("a statement past the pool's timeout fails with 57014 (unavailable), and its connection is reused, healthy")
    func leasedStatementTimesOut() async throws {
        try await TestDatabase.withPool(maxConnections: 1, statementTimeout: .milliseconds(50)) { database, pool in
            let pid = try await backendPID(pool)
            let error = try await #require(throws: PostgresError.self) { _ = try await pool.query(endless) }
            #expect(error.sqlState == "57014")
            #expect(error.isStatementTimeout)
            #expect(error.isUnavailable)
            #expect(try await backendPID(pool) == pid)
            #expect(try await pool.query("SHOW statement_timeout").first?.decode(String.self, at: 0) == "50ms")
            let statistics = pool.statistics
            #expect(statistics.opened == 1)
            #expect(statistics.closed == 0)
            #expect(statistics.inUse == 0)
        }
    }

    @Test("a timed-out statement rolls its transaction back; the connection comes back outside any transaction")
    func timeoutInTransaction() async throws {
        try await TestDatabase.withPool(maxConnections: 1, statementTimeout: .milliseconds(50)) { database, pool in
            let pid = try await backendPID(pool)
            let error = try await #require(throws: PostgresError.self) {
                try await pool.withTransaction { connection in
                    try await connection.execute("CREATE TEMPORARY TABLE kept_if_committed (id int8)")
                    _ = try await connection.query(endless)
                }
            }
            #expect(error.isStatementTimeout)
            #expect(try await backendPID(pool) == pid)
            #expect(try await pool.query("SELECT to_regclass('pg_temp.kept_if_committed')::text").first?.decode(String?.self, at: 0) == nil)
            #expect(pool.statistics.closed == 0)
        }
    }

    @Test("reads on the shared connections run under the same timeout, and the lane keeps its connection")
    func sharedReadTimesOut() async throws {
        try await TestDatabase.withPool(maxConnections: 1, sharedConnections: 1, statementTimeout: .milliseconds(50)) { database, pool in
            let pid = try await pool.read(["SELECT pg_backend_pid()::int8"])[0].first?.decode(Int.self, at: 0)
            let error = try await #require(throws: PostgresError.self) { _ = try await pool.read([endless]) }
            #expect(error.isStatementTimeout)
            let after = try await pool.read(["SELECT pg_backend_pid()::int8", "SHOW statement_timeout"])
            #expect(try after[0].first?.decode(Int.self, at: 0) == pid)
            #expect(try after[1].first?.decode(String.self, at: 0) == "50ms")
        }
    }

    @Test("a transaction may raise its own statements' limit; the session's is back after it")
    func transactionRaisesItsLimit() async throws {
        // The session's limit is long enough for a loaded machine to run BEGIN and SHOW under it.
        try await TestDatabase.withPool(maxConnections: 1, statementTimeout: .seconds(20)) { database, pool in
            let inside = try await pool.withTransaction { connection in
                try connection.setStatementTimeoutForTransaction(.seconds(300))
                return try await connection.query("SHOW statement_timeout").first?.decode(String.self, at: 0)
            }
            #expect(inside == "5min")
            #expect(try await pool.query("SHOW statement_timeout").first?.decode(String.self, at: 0) == "20s")
        }
    }

    @Test("without a configured limit the server's setting stands; zero turns the limit off")
    func serverSettingAndOff() async throws {
        try await TestDatabase.with { database in
            let unset = try await database.withPool(maxConnections: 1) { pool in
                try await pool.query("SHOW statement_timeout").first?.decode(String.self, at: 0)
            }
            #expect(unset == "0")
            let connection = try await PostgresConnection.connect(
                to: database.appConninfo, logger: database.logger, statementTimeout: .zero)
            #expect(try await connection.query("SHOW statement_timeout").first?.decode(String.self, at: 0) == "0")
            connection.close()
            let rounded = try await PostgresConnection.connect(
                to: database.appConninfo, logger: database.logger, statementTimeout: .microseconds(1500))
            #expect(try await rounded.query("SHOW statement_timeout").first?.decode(String.self, at: 0) == "2ms")
            rounded.close()
        }
    }

    private func backendPID(_ pool: PostgresPool) async throws -> Int? {
        try await pool.query("SELECT pg_backend_pid()::int8").first?.decode(Int.self, at: 0)
    }
}
