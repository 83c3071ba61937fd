import Postgres

extension TestDatabase {
    /// Returns once the server's backend `pid` is inside `pg_sleep`, as its activity view shows
    /// (read as the superuser, who sees every session). Each look is a round trip, so the wait
    /// needs no sleeping of its own; it gives up after `looks`.
    public func waitUntilSleeping(_ pid: Int, looks: Int = 100_000) async throws {
        try await PostgresConnection.withConnection(to: superuserConninfo, logger: logger) { observer in
            for _ in 0..<looks {
                let row = try await observer.query("SELECT wait_event FROM pg_stat_activity WHERE pid = \(pid)").first
                if try row?.decode(String?.self, at: 0) == "PgSleep" { return }
            }
            throw BackendNeverSlept(pid: pid)
        }
    }

    /// The state and last statement of backend `pid` (`pg_stat_activity`), read as the superuser.
    public func activity(of pid: Int) async throws -> (state: String?, query: String?) {
        try await PostgresConnection.withConnection(to: superuserConninfo, logger: logger) { observer in
            let row = try await observer.query("SELECT state, query FROM pg_stat_activity WHERE pid = \(pid)").first
            return (try row?.decode(String?.self, at: 0), try row?.decode(String?.self, at: 1))
        }
    }
}

/// `TestDatabase.waitUntilSleeping` looked as often as it may and never saw the backend sleep.
public struct BackendNeverSlept: Error, CustomStringConvertible {
    /// The backend.
    public let pid: Int
    public var description: String { "backend \(pid) never started sleeping" }
}
