import Postgres

extension TestDatabase {
    /// Returns once `condition` (a query answering one boolean) holds, read as the superuser, who
    /// sees every session. Each look is a round trip, so the wait needs no sleeping of its own; it
    /// gives up after `looks` with ``ConditionNeverHeld``.
    public func waitUntil(_ condition: PostgresQuery, looks: Int = 100_000) async throws {
        try await PostgresConnection.withConnection(to: superuserConninfo, logger: logger) { observer in
            for _ in 0..<looks {
                if try await observer.query(condition).first?.decode(Bool?.self, at: 0) == true { return }
            }
            throw ConditionNeverHeld(condition: condition.sql)
        }
    }

    /// Returns once the server's backend `pid` is inside `pg_sleep`, as its activity view shows.
    public func waitUntilSleeping(_ pid: Int, looks: Int = 100_000) async throws {
        try await waitUntil("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = \(pid) AND wait_event = 'PgSleep')", looks: looks)
    }

    /// Returns once `count` sessions of this database (not the test cluster's other databases)
    /// wait for a lock they have not been granted: a statement blocked on a row, a table or an
    /// advisory lock that a test holds.
    public func waitForLockWaiters(_ count: Int = 1, looks: Int = 100_000) async throws {
        try await waitUntil(
            """
            SELECT count(*) >= \(count) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE NOT l.granted AND a.datname = current_database()
            """,
            looks: looks)
    }

    /// The state and last statement of backend `pid` (`pg_stat_activity`), read as the superuser.
    public func activity(of pid: Int) async throws -> (state: String?, query: String?) {
        try await PostgresConnection.withConnection(to: superuserConninfo, logger: logger) { observer in
            let row = try await observer.query("SELECT state, query FROM pg_stat_activity WHERE pid = \(pid)").first
            return (try row?.decode(String?.self, at: 0), try row?.decode(String?.self, at: 1))
        }
    }
}

/// A wait looked as often as it may and never saw its condition hold.
public struct ConditionNeverHeld: Error, CustomStringConvertible {
    /// What was waited for (SQL, or a description).
    public let condition: String
    public var description: String { "never held: \(condition)" }
}
