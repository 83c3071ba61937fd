import CLibPQ

/// Several statements in one round trip, through libpq's pipeline mode.
///
/// A transaction's opening statements (`BEGIN`, then the data scope) return nothing the caller
/// reads, so ``PostgresConnection/sendWithNextStatement(_:)`` holds them back and they travel
/// with the next statement: a scoped transaction of N statements costs N + 1 round trips
/// (its statements and COMMIT) instead of N + 3.
extension PostgresConnection {
    /// One statement of a pipeline: its SQL, parameter types and values, and how the
    /// connection's statement cache runs it.
    struct PipelinedStatement: Sendable {
        let sql: String
        let types: [UInt32]
        let parameters: BoundParameters
        let plan: PreparedStatements.Plan
    }

    /// Sends `statements` in one pipeline and waits for all their results; returns them in
    /// order. The first failure is thrown (statements after it are skipped by the server), after
    /// every result has been read, so the connection stays usable.
    static func blockingPipeline(
        _ handle: OpaquePointer, _ statements: [PipelinedStatement]
    ) throws(PostgresError) -> [PostgresResult] {
        guard PQenterPipelineMode(handle) == 1 else { throw connectionError(handle) }
        do throws(PostgresError) {
            try sendUnit(handle, statements)
        } catch {
            abandonPipeline(handle)
            throw error
        }
        let outcome = readUnit(handle, statements)
        _ = PQexitPipelineMode(handle)
        return try outcome.get()
    }

    /// Sends `statements` and a sync point after them: one implicit transaction (outside an
    /// explicit one). A failed send means the connection is broken.
    static func sendUnit(_ handle: OpaquePointer, _ statements: [PipelinedStatement]) throws(PostgresError) {
        for statement in statements {
            let sent: Int32 = statement.parameters.withLibPQArguments { values, lengths, formats in
                statement.types.withUnsafeBufferPointer { typeBuffer in
                    let count = Int32(statement.parameters.count)
                    switch statement.plan {
                    case .unprepared:
                        return PQsendQueryParams(handle, statement.sql, count, typeBuffer.baseAddress, values, lengths, formats, 0)
                    case .prepared(let name):
                        return PQsendQueryPrepared(handle, name, count, values, lengths, formats, 0)
                    case .prepare(let name):
                        guard PQsendPrepare(handle, name, statement.sql, count, typeBuffer.baseAddress) == 1 else { return 0 }
                        return PQsendQueryPrepared(handle, name, count, values, lengths, formats, 0)
                    }
                }
            }
            guard sent == 1 else { throw connectionError(handle) }
        }
        guard PQpipelineSync(handle) == 1 else { throw connectionError(handle) }
    }

    /// Reads the answers to one unit sent by `sendUnit` and its sync point: the statements'
    /// results in order, or the first failure (the statements after it were skipped). A
    /// `connectionLost` failure means the connection is unusable and later units' answers will
    /// not come.
    static func readUnit(_ handle: OpaquePointer, _ statements: [PipelinedStatement]) -> Result<[PostgresResult], PostgresError> {
        var firstError: PostgresError?
        var results: [PostgresResult] = []
        results.reserveCapacity(statements.count)
        for statement in statements {
            // A prepare-then-execute statement answers twice; the execution is its result.
            let answers = if case .prepare = statement.plan { 2 } else { 1 }
            for answer in 0..<answers {
                guard let result = PQgetResult(handle) else { return .failure(firstError ?? connectionError(handle)) }
                // Each answer is followed by a NULL.
                while let extra = PQgetResult(handle) { PQclear(extra) }
                let status = PQresultStatus(result)
                let succeeded = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY
                if succeeded && answer == answers - 1 {
                    results.append(PostgresResult(result))
                } else {
                    if !succeeded && status != PGRES_PIPELINE_ABORTED && firstError == nil {
                        firstError = serverError(result, connection: handle)
                    }
                    PQclear(result)
                }
            }
        }
        // The sync point.
        guard let sync = PQgetResult(handle) else { return .failure(connectionError(handle)) }
        let synced = PQresultStatus(sync) == PGRES_PIPELINE_SYNC
        PQclear(sync)
        if let firstError { return .failure(firstError) }
        guard synced, results.count == statements.count else { return .failure(connectionError(handle)) }
        return .success(results)
    }

    /// Leaves pipeline mode after a failed send; the connection is then discarded by its pool
    /// (a failed send means the connection is broken).
    static func abandonPipeline(_ handle: OpaquePointer) {
        while let result = PQgetResult(handle) { PQclear(result) }
        _ = PQexitPipelineMode(handle)
    }

    static func connectionError(_ handle: OpaquePointer) -> PostgresError {
        let message = String(cString: PQerrorMessage(handle))
        let kind: PostgresError.Kind = PQstatus(handle) == CONNECTION_OK ? .server : .connectionLost
        return PostgresError(kind, serverMessage: message)
    }
}

extension PostgresConnection.PipelinedStatement {
    /// `bound`, to run as `plan` says.
    init(_ bound: BoundStatement, plan: PreparedStatements.Plan) {
        self.init(sql: bound.sql, types: bound.types, parameters: bound.parameters, plan: plan)
    }
}
