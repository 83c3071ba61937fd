import EmbeddedPostgres
import Foundation
import Logging
import Postgres
import TallyTestSupport
import Testing

@Suite("Connection pool")
struct PoolTests {
    /// Leases `pool`'s connection until `release` is called; returns once it is held.
    private func holdTheOnlyConnection(of pool: PostgresPool) async -> (holder: Task<Void, any Error>, release: @Sendable () -> Void) {
        let holding = AsyncStream<Void>.makeStream()
        let release = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await pool.withConnection { _ in
                holding.continuation.yield()
                for await _ in release.stream { break }
            }
        }
        for await _ in holding.stream { break }
        return (holder, { release.continuation.yield() })
    }

    @Test("a caller that cannot get a connection in time gets poolTimeout, not a hang")
    func acquireTimeout() async throws {
        try await TestDatabase.withPool(maxConnections: 1, acquireTimeout: .milliseconds(300)) { database, pool in
            let (holder, release) = await holdTheOnlyConnection(of: pool)
            do {
                _ = try await pool.query("SELECT 1")
                Issue.record("the second caller should time out")
            } catch let error as PostgresError {
                #expect(error.kind == .poolTimeout)
                #expect(error.isUnavailable)
            }
            #expect(pool.statistics.timeouts == 1)
            release()
            try await holder.value
            // Once the connection is back, callers are served again.
            #expect(try await pool.query("SELECT 1::int8").first?.decode(Int.self, at: 0) == 1)
        }
    }

    @Test("every waiter that cannot be served in time times out, wave after wave")
    func waitersTimeOutInWaves() async throws {
        try await TestDatabase.withPool(maxConnections: 1, acquireTimeout: .milliseconds(200)) { database, pool in
            let (holder, release) = await holdTheOnlyConnection(of: pool)
            // Two waves: the second arrives after the first timed out, so the timeout sweeper must
            // start again for it.
            for wave in 1...2 {
                let outcomes = await withTaskGroup(of: PostgresError.Kind?.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            do {
                                _ = try await pool.query("SELECT 1")
                                return nil
                            } catch let error as PostgresError {
                                return error.kind
                            } catch {
                                return nil
                            }
                        }
                    }
                    return await group.reduce(into: [PostgresError.Kind?]()) { $0.append($1) }
                }
                #expect(outcomes == Array(repeating: .poolTimeout, count: 8))
                #expect(pool.statistics.timeouts == 8 * wave)
                #expect(pool.statistics.waiting == 0)
            }
            release()
            try await holder.value
            #expect(try await pool.query("SELECT 1::int8").first?.decode(Int.self, at: 0) == 1)
        }
    }

    @Test("waiters are served in turn when connections come back")
    func waitersServed() async throws {
        // The timeout is generous: this is about order and hand-over, not speed (the suite runs in
        // parallel with everything else on a busy machine).
        try await TestDatabase.withPool(maxConnections: 2, acquireTimeout: .seconds(120)) { database, pool in
            // Both connections wait for a lock the test holds, so the other 38 queries certainly
            // queue for a connection; then the test lets go.
            let holder = try await database.connect(as: .superuser)
            defer { holder.close() }
            let key = 4_244
            _ = try await holder.query("SELECT pg_advisory_lock(\(key)::int8)")
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        try await pool.query("SELECT \(index)::int8, pg_advisory_xact_lock_shared(\(key)::int8)").first!.decode(Int.self, at: 0)
                    }
                }
                let waited: Void? = try? await database.waitForLockWaiters(2)
                _ = try await holder.query("SELECT pg_advisory_unlock(\(key)::int8)")
                #expect(waited != nil, "both connections should wait for the test's lock")
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(results.sorted() == Array(0..<40))
            let statistics = pool.statistics
            #expect(statistics.opened <= 2)
            #expect(statistics.inUse == 0)
        }
    }

    @Test("a connection returned inside a transaction is discarded, not reused")
    func returnedInTransactionDiscarded() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { database, pool in
            let firstPID = try await pool.withConnection { connection in
                try await connection.execute("BEGIN")
                return try await connection.query("SELECT pg_backend_pid()::int8").first!.decode(Int.self, at: 0)
            }
            #expect(pool.statistics.closed == 1)
            let secondPID = try await pool.query("SELECT pg_backend_pid()::int8").first!.decode(Int.self, at: 0)
            #expect(secondPID != firstPID)
            #expect(pool.statistics.opened == 2)
        }
    }

    @Test("a connection the server killed is dropped and replaced")
    func killedConnectionReplaced() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { database, pool in
            let pid = try await pool.query("SELECT pg_backend_pid()::int8").first!.decode(Int.self, at: 0)
            let admin = try await database.connect(as: .superuser)
            defer { admin.close() }
            // With a timeout, the call returns once the backend has exited (true), so the pool's
            // connection is certainly dead before the next query.
            let terminated = try await admin.query("SELECT pg_terminate_backend(\(pid)::int4, \(60_000)::int8)")
            #expect(try terminated.first?.decode(Bool.self, at: 0) == true)
            let newPID = try await pool.query("SELECT pg_backend_pid()::int8").first!.decode(Int.self, at: 0)
            #expect(newPID != pid)
        }
    }

    @Test("after the server restarts the pool recovers by itself")
    func recoversAfterRestart() async throws {
        let folder = "/tmp/tally-pt-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let cluster = try await EmbeddedPostgres(options: .init(dataDirectory: folder, durability: .fast), logger: logger).start()
        let pool = PostgresPool(
            configuration: .init(
                conninfo: cluster.connectionString(database: "postgres"), maxConnections: 3,
                acquireTimeout: .milliseconds(500)),
            logger: logger)
        do {
            try await withPool(pool) { pool in
                #expect(try await pool.query("SELECT 1::int8").first?.decode(Int.self, at: 0) == 1)
                try await cluster.stopServerOnly()
                do {
                    _ = try await pool.query("SELECT 1")
                    Issue.record("a query with the server down should fail")
                } catch let error as PostgresError {
                    #expect(error.isUnavailable)
                }
                try await cluster.startServerAgain()
                #expect(try await pool.query("SELECT 2::int8").first?.decode(Int.self, at: 0) == 2)
            }
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
    }
}
