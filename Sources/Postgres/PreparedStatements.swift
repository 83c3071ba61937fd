/// A connection's cache of prepared statements, keyed by SQL text and parameter types.
///
/// Only statements with binds are cached: those are the ones an application repeats, while
/// statements without binds are mostly one-off set-up and DDL. The cache is bounded; past the
/// bound, statements simply run unprepared.
struct PreparedStatements {
    enum Plan: Sendable {
        /// Run through PQexecParams (the unnamed statement).
        case unprepared
        /// Already prepared under this name.
        case prepared(String)
        /// Prepare under this name, then execute.
        case prepare(String)
    }

    struct Key: Hashable {
        let sql: String
        let types: [UInt32]
    }

    static let capacity = 256
    private var names: [Key: String] = [:]
    private var counter = 0

    mutating func lookup(sql: String, types: [UInt32]) -> Plan {
        guard !types.isEmpty else { return .unprepared }
        if let name = names[Key(sql: sql, types: types)] { return .prepared(name) }
        guard names.count < Self.capacity else { return .unprepared }
        counter += 1
        return .prepare("tally_s\(counter)")
    }

    mutating func succeeded(_ plan: Plan, sql: String, types: [UInt32]) {
        if case .prepare(let name) = plan { names[Key(sql: sql, types: types)] = name }
    }

    /// After a failure the statement is forgotten: if PREPARE succeeded but EXECUTE failed, or
    /// the server dropped the plan (a schema change altered its result type), it is prepared
    /// again under a new name next time. A leftover server-side statement costs only memory.
    mutating func failed(_ plan: Plan, sql: String, types: [UInt32], error: PostgresError) {
        if case .prepared = plan, error.sqlState == "0A000" || error.sqlState == "26000" {
            names[Key(sql: sql, types: types)] = nil
        }
    }

    /// Records the outcome of statements sent together: each succeeded, or the round trip
    /// failed with `failure`.
    mutating func settle(_ sent: [PipelinedStatement], failure: PostgresError?) {
        for statement in sent {
            if let failure {
                failed(statement.plan, sql: statement.sql, types: statement.types, error: failure)
            } else {
                succeeded(statement.plan, sql: statement.sql, types: statement.types)
            }
        }
    }
}
