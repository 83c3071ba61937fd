/// A shared lane's connection: a read-only session with its own statement cache, and the
/// pipeline calls the lane makes on it.
///
/// Used only on its lane's thread, where blocking is expected; closed when the lane lets it go.
final class LaneConnection {
    private let handle: LibPQHandle
    private var statements = PreparedStatements()

    /// Connects to `conninfo`. The session's transactions are read-only: a unit never waits for
    /// a row lock, so it cannot stall the units behind it on the lane; and its statements run
    /// under `statementTimeout` like the pool's others.
    init(conninfo: String, statementTimeout: Duration?) throws(PostgresError) {
        handle = try LibPQHandle.connect(conninfo, readOnly: true, statementTimeout: statementTimeout)
    }

    deinit { handle.finish() }

    /// True while the connection is open and not broken.
    var isOK: Bool { handle.isOK }

    /// The statement with its plan in this connection's cache. A statement another unit of the
    /// same round trip is preparing runs unprepared here: whether that PREPARE succeeds is only
    /// known once its unit's answers are read (a failure earlier in that unit skips it), so
    /// nothing else in the round trip may rely on it. It counts as prepared once its unit
    /// succeeded (`settle`).
    func plan(_ statement: BoundStatement, preparing: inout Set<PreparedStatements.Key>) -> PipelinedStatement {
        var plan = statements.lookup(sql: statement.sql, types: statement.types)
        if case .prepare = plan, !preparing.insert(PreparedStatements.Key(sql: statement.sql, types: statement.types)).inserted {
            plan = .unprepared
        }
        return PipelinedStatement(statement, plan: plan)
    }

    /// Records the outcome of a unit's statements in the statement cache.
    func settle(_ unit: [PipelinedStatement], failure: PostgresError?) {
        statements.settle(unit, failure: failure)
    }

    /// Starts a round trip; fails only when the connection is broken.
    func beginRoundTrip() throws(PostgresError) {
        try handle.enterPipelineMode()
    }

    /// Sends one unit and its sync point; a failure means the connection is broken.
    func send(_ unit: [PipelinedStatement]) throws(PostgresError) {
        try handle.sendUnit(unit)
    }

    /// The answers to the next unit sent (see `LibPQHandle.readUnit`).
    func read(_ unit: [PipelinedStatement]) -> Result<[PostgresResult], PostgresError> {
        handle.readUnit(unit)
    }

    /// Ends a round trip whose answers have all been read.
    func endRoundTrip() {
        handle.exitPipelineMode()
    }
}
