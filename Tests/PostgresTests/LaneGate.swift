@testable import Postgres
import TallyTestSupport

/// Holds the shared lanes (or, without them, one leased connection) in a statement that waits for
/// an advisory lock the test holds, so that reads asked meanwhile queue up and travel together.
/// Nothing here sleeps: each step waits for what the next one needs (the busy statements blocked
/// on the lock, the reads queued in the pool).
struct LaneGate {
    static let lockKey = 4_242
    let pool: PostgresPool
    let holder: PostgresConnection
    let busy: [Task<[PostgresRows], any Error>]

    static func close(_ database: TestDatabase, _ pool: PostgresPool, lanes: Int) async throws -> LaneGate {
        let holder = try await database.connect(as: .superuser)
        _ = try await holder.query("SELECT pg_advisory_lock(\(lockKey)::int8)")
        let waiting = max(lanes, 1)
        let busy = (0..<waiting).map { _ in
            Task { try await pool.read(["SELECT pg_advisory_xact_lock_shared(\(lockKey)::int8)"]) }
        }
        try await database.waitForLockWaiters(waiting)
        return LaneGate(pool: pool, holder: holder, busy: busy)
    }

    /// Returns once `count` reads wait for a lane.
    func waitForQueuedReads(_ count: Int) async throws {
        try await waitUntil("\(count) reads waiting for a lane") { pool.sharedReadsWaiting >= count }
    }

    /// Once `count` reads wait for a lane, lets the lanes go and waits for the busy statements.
    func open(once count: Int) async throws {
        try await waitForQueuedReads(count)
        _ = try await holder.query("SELECT pg_advisory_unlock(\(Self.lockKey)::int8)")
        for task in busy { _ = try await task.value }
        holder.close()
    }
}
