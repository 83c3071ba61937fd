/// A statement's SQL and its bound parameters, before a connection's statement cache plans it.
struct BoundStatement: Sendable {
    let sql: String
    let types: [UInt32]
    let parameters: BoundParameters

    init(_ query: PostgresQuery) throws(PostgresError) {
        sql = query.sql
        types = query.binds.map { type(of: $0).postgresType.oid }
        parameters = try BoundParameters(query.binds)
    }
}

/// A bound statement and how a connection's statement cache runs it.
struct PipelinedStatement: Sendable {
    let sql: String
    let types: [UInt32]
    let parameters: BoundParameters
    let plan: PreparedStatements.Plan

    /// `bound`, to run as `plan` says.
    init(_ bound: BoundStatement, plan: PreparedStatements.Plan) {
        sql = bound.sql
        types = bound.types
        parameters = bound.parameters
        self.plan = plan
    }
}
