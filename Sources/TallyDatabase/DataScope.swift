import Postgres

/// Whose data a transaction may see, enforced by row-level security (migration 0003).
///
/// The scope is set with `set_config(…, true)` inside the transaction, so it ends with it and
/// never leaks to the next user of a pooled connection.
public enum DataScope: Sendable, Equatable {
    /// A customer request: only rows of this account.
    case account(Int64)
    /// A staff request (admin or sales): every account.
    case staff
    /// The operator's backend (the API) and Tally's own jobs: every account.
    case service
}

extension PostgresPool {
    /// Runs `body` in a transaction limited to `scope`: COMMIT on return, ROLLBACK on throw.
    /// `BEGIN` and the scope travel with the body's first statement, so a transaction of N
    /// statements costs N + 1 round trips.
    @discardableResult
    public func withTransaction<Result: Sendable>(
        scope: DataScope, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withTransaction { connection in
            try connection.setDataScope(scope)
            return try await body(connection)
        }
    }

    /// One statement limited to `scope`, in one round trip: the scope and the statement go out
    /// together in one pipeline, which PostgreSQL runs as one implicit transaction; the scope
    /// ends with it.
    public func query(_ query: PostgresQuery, scope: DataScope) async throws -> PostgresRows {
        try await withConnection { connection in
            try connection.sendWithNextStatement(scope.setting)
            return try await connection.query(query)
        }
    }

    /// A read limited to `scope`: like ``query(_:scope:)``, but read-only and over the pool's
    /// shared connections (``PostgresPool/read(_:)``), for the short reads of every request.
    public func read(_ query: PostgresQuery, scope: DataScope) async throws -> PostgresRows {
        try await read([scope.setting, query])[1]
    }

    /// Several reads limited to `scope`, in one round trip and one read-only implicit
    /// transaction over the pool's shared connections; their rows, in order.
    public func read(_ queries: [PostgresQuery], scope: DataScope) async throws -> [PostgresRows] {
        guard !queries.isEmpty else { return [] }
        return Array(try await read([scope.setting] + queries).dropFirst())
    }
}

extension DataScope {
    /// The statement that sets the scope for the rest of the transaction.
    var setting: PostgresQuery {
        switch self {
        case .account(let id):
            "SELECT set_config('app.scope', 'account', true), set_config('app.account_id', \(String(id)), true)"
        case .staff:
            "SELECT set_config('app.scope', 'staff', true), set_config('app.account_id', '', true)"
        case .service:
            "SELECT set_config('app.scope', 'service', true), set_config('app.account_id', '', true)"
        }
    }
}

extension PostgresConnection {
    /// Sets the scope for the rest of the current transaction. The statement travels with the
    /// transaction's next one (it returns nothing anyone reads), so setting it costs no round trip.
    public func setDataScope(_ scope: DataScope) throws {
        try sendWithNextStatement(scope.setting)
    }
}
