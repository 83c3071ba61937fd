import CLibPQ

/// Several statements in one round trip, through libpq's pipeline mode.
///
/// A leased connection sends a transaction's opening statements (`BEGIN`, then the data scope)
/// with the next statement this way (``PostgresConnection/sendWithNextStatement(_:)``): a scoped
/// transaction of N statements costs N + 1 round trips (its statements and COMMIT) instead of
/// N + 3. A shared lane sends many callers' units in one pipeline, each with its own sync point.
extension LibPQHandle {
    /// Sends `statements` in one pipeline and waits for all their results; returns them in
    /// order. The first failure is thrown (statements after it are skipped by the server), after
    /// every result has been read, so the connection stays usable.
    func pipeline(_ statements: [PipelinedStatement]) throws(PostgresError) -> [PostgresResult] {
        try enterPipelineMode()
        do throws(PostgresError) {
            try sendUnit(statements)
        } catch {
            abandonPipeline()
            throw error
        }
        let outcome = readUnit(statements)
        exitPipelineMode()
        return try outcome.get()
    }

    /// Enters pipeline mode; fails only when the connection is broken or busy.
    func enterPipelineMode() throws(PostgresError) {
        guard PQenterPipelineMode(pointer) == 1 else { throw connectionError() }
    }

    /// Leaves pipeline mode once every answer has been read.
    func exitPipelineMode() {
        _ = PQexitPipelineMode(pointer)
    }

    /// Sends `statements` and a sync point after them: one implicit transaction (outside an
    /// explicit one). A failed send means the connection is broken.
    func sendUnit(_ statements: [PipelinedStatement]) throws(PostgresError) {
        for statement in statements {
            let sent: Int32 = statement.parameters.withLibPQArguments { values, lengths, formats in
                statement.types.withUnsafeBufferPointer { typeBuffer in
                    let count = Int32(statement.parameters.count)
                    switch statement.plan {
                    case .unprepared:
                        return PQsendQueryParams(pointer, statement.sql, count, typeBuffer.baseAddress, values, lengths, formats, 0)
                    case .prepared(let name):
                        return PQsendQueryPrepared(pointer, name, count, values, lengths, formats, 0)
                    case .prepare(let name):
                        guard PQsendPrepare(pointer, name, statement.sql, count, typeBuffer.baseAddress) == 1 else { return 0 }
                        return PQsendQueryPrepared(pointer, name, count, values, lengths, formats, 0)
                    }
                }
            }
            guard sent == 1 else { throw connectionError() }
        }
        guard PQpipelineSync(pointer) == 1 else { throw connectionError() }
    }

    /// Reads the answers to one unit sent by `sendUnit` and its sync point: the statements'
    /// results in order, or the first failure (the statements after it were skipped). A
    /// `connectionLost` failure means the connection is unusable and later units' answers will
    /// not come.
    func readUnit(_ statements: [PipelinedStatement]) -> Result<[PostgresResult], PostgresError> {
        var firstError: PostgresError?
        var results: [PostgresResult] = []
        results.reserveCapacity(statements.count)
        for statement in statements {
            // A prepare-then-execute statement answers twice; the execution is its result.
            let answers = if case .prepare = statement.plan { 2 } else { 1 }
            for answer in 0..<answers {
                guard let result = PQgetResult(pointer) else { return .failure(firstError ?? connectionError()) }
                // Each answer is followed by a NULL.
                while let extra = PQgetResult(pointer) { PQclear(extra) }
                let status = PQresultStatus(result)
                let succeeded = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY
                if succeeded && answer == answers - 1 {
                    results.append(PostgresResult(result))
                } else {
                    if !succeeded && status != PGRES_PIPELINE_ABORTED && firstError == nil {
                        firstError = serverError(result)
                    }
                    PQclear(result)
                }
            }
        }
        // The sync point.
        guard let sync = PQgetResult(pointer) else { return .failure(connectionError()) }
        let synced = PQresultStatus(sync) == PGRES_PIPELINE_SYNC
        PQclear(sync)
        if let firstError { return .failure(firstError) }
        guard synced, results.count == statements.count else { return .failure(connectionError()) }
        return .success(results)
    }

    /// Leaves pipeline mode after a failed send; the connection is then discarded by its owner
    /// (a failed send means the connection is broken).
    func abandonPipeline() {
        while let result = PQgetResult(pointer) { PQclear(result) }
        exitPipelineMode()
    }
}
