import CLibPQ

/// One statement at a time, through libpq's blocking calls.
extension LibPQHandle {
    /// Runs `statement` as its plan says: unprepared, prepared already, or prepared now and then
    /// executed.
    func execute(_ statement: PipelinedStatement) throws(PostgresError) -> PostgresResult {
        switch statement.plan {
        case .unprepared:
            return try execute(sql: statement.sql, types: statement.types, parameters: statement.parameters)
        case .prepared(let name):
            return try executePrepared(name: name, parameters: statement.parameters)
        case .prepare(let name):
            try prepare(name: name, sql: statement.sql, types: statement.types)
            return try executePrepared(name: name, parameters: statement.parameters)
        }
    }

    /// Runs SQL text through the simple query protocol (several statements, no binds).
    func executeScript(_ sql: String) throws(PostgresError) -> PostgresResult {
        try checked(PQexec(pointer, sql))
    }

    private func execute(sql: String, types: [UInt32], parameters: BoundParameters) throws(PostgresError) -> PostgresResult {
        let result: OpaquePointer? = parameters.withLibPQArguments { values, lengths, formats in
            types.withUnsafeBufferPointer { typeBuffer in
                PQexecParams(pointer, sql, Int32(parameters.count), typeBuffer.baseAddress, values, lengths, formats, 0)
            }
        }
        return try checked(result)
    }

    private func prepare(name: String, sql: String, types: [UInt32]) throws(PostgresError) {
        let result = types.withUnsafeBufferPointer { typeBuffer in
            PQprepare(pointer, name, sql, Int32(types.count), typeBuffer.baseAddress)
        }
        _ = try checked(result)
    }

    private func executePrepared(name: String, parameters: BoundParameters) throws(PostgresError) -> PostgresResult {
        let result: OpaquePointer? = parameters.withLibPQArguments { values, lengths, formats in
            PQexecPrepared(pointer, name, Int32(parameters.count), values, lengths, formats, 0)
        }
        return try checked(result)
    }
}
