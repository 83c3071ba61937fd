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
    @discardableResult
    public func withTransaction<Result: Sendable>(
        scope: DataScope, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withTransaction { connection in
            try await connection.setDataScope(scope)
            return try await body(connection)
        }
    }
}

extension PostgresConnection {
    /// Sets the scope for the rest of the current transaction.
    public func setDataScope(_ scope: DataScope) async throws {
        switch scope {
        case .account(let id):
            try await execute(
                "SELECT set_config('app.scope', 'account', true), set_config('app.account_id', \(String(id)), true)")
        case .staff:
            try await execute("SELECT set_config('app.scope', 'staff', true), set_config('app.account_id', '', true)")
        case .service:
            try await execute("SELECT set_config('app.scope', 'service', true), set_config('app.account_id', '', true)")
        }
    }
}
