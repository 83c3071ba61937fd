import Postgres
import TallyTestSupport
import Testing

@Suite("Query cancellation")
struct CancellationTests {
    @Test("cancelling the task that waits for a statement stops it on the server; the connection is back in the pool, healthy")
    func cancelledTaskCancelsItsStatement() async throws {
        try await TestDatabase.with { database in
            let pool = database.makePool(maxConnections: 1)
            let started = AsyncStream<Int>.makeStream()
            let task = Task {
                try await pool.withConnection { connection in
                    started.continuation.yield(try await backendPID(connection))
                    _ = try await connection.query("SELECT pg_sleep(60)")
                }
            }
            let pid = try #require(await started.stream.first { _ in true })
            try await database.waitUntilSleeping(pid)
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }

            let statistics = pool.statistics
            #expect(statistics.inUse == 0)
            #expect(statistics.idle == 1)
            #expect(statistics.closed == 0)
            #expect(statistics.errors == 0)
            let activity = try await database.activity(of: pid)
            #expect(activity.state == "idle")
            #expect(activity.query == "SELECT pg_sleep(60)")
            #expect(try await pool.withConnection { try await backendPID($0) } == pid)
            await pool.shutdown()
        }
    }

    @Test("a statement cancelled inside a transaction rolls it back; the connection comes back outside any transaction")
    func cancelledInsideTransaction() async throws {
        try await TestDatabase.with { database in
            let pool = database.makePool(maxConnections: 1)
            let started = AsyncStream<Int>.makeStream()
            let task = Task {
                try await pool.withTransaction { connection in
                    try await connection.execute("CREATE TEMPORARY TABLE kept_if_committed (id int8)")
                    started.continuation.yield(try await backendPID(connection))
                    _ = try await connection.query("SELECT pg_sleep(60)")
                }
            }
            let pid = try #require(await started.stream.first { _ in true })
            try await database.waitUntilSleeping(pid)
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            try await pool.withConnection { connection in
                #expect(try await backendPID(connection) == pid)
                let table = try await connection.query("SELECT to_regclass('pg_temp.kept_if_committed')::text").first
                #expect(try table?.decode(String?.self, at: 0) == nil)
            }
            #expect(pool.statistics.closed == 0)
            await pool.shutdown()
        }
    }

    @Test("a cancel never reaches the statement after the one it was meant for")
    func cancelsNeverStray() async throws {
        try await TestDatabase.with { database in
            let pool = database.makePool(maxConnections: 1)
            for round in 0..<100 {
                // Cancelled at whatever point the short statement has reached: queued, running or done.
                let task = Task { try await pool.query("SELECT \(round)::int8") }
                for _ in 0..<(round % 4) { await Task.yield() }
                task.cancel()
                _ = try? await task.value
                let next = try await pool.query("SELECT \(round)::int8").first?.decode(Int.self, at: 0)
                #expect(next == round)
            }
            #expect(pool.statistics.closed == 0)
            await pool.shutdown()
        }
    }

    @Test("a task that is already cancelled still runs its statements (how ROLLBACK and unlocks get through)")
    func alreadyCancelledTaskStillRuns() async throws {
        try await TestDatabase.with { database in
            let pool = database.makePool(maxConnections: 1)
            let holding = AsyncStream<Void>.makeStream()
            let gate = AsyncStream<Void>.makeStream()
            let task = Task {
                try await pool.withConnection { connection in
                    holding.continuation.yield()
                    // Ends when the task is cancelled.
                    for await _ in gate.stream {}
                    return try await connection.query("SELECT 42::int8").first?.decode(Int.self, at: 0)
                }
            }
            for await _ in holding.stream { break }
            task.cancel()
            let answer = try await task.value
            #expect(answer == 42)
            await pool.shutdown()
        }
    }
}

private func backendPID(_ connection: PostgresConnection) async throws -> Int {
    try await connection.query("SELECT pg_backend_pid()::int8").first!.decode(Int.self, at: 0)
}
