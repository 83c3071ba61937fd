import Postgres
import TallyAccess
import TallyDatabase

/// The access stores' way into the database: each call is a transaction on `pool` whose scope
/// is set by `PostgresPool.withTransaction(scope:)` (TallyDatabase), so row-level security
/// applies to every query the stores make.
public struct ScopedPool: ScopedTransactions {
    /// The pool of app-role connections.
    public let pool: PostgresPool

    /// Wraps `pool`.
    public init(_ pool: PostgresPool) {
        self.pool = pool
    }

    /// Runs `body` in a transaction limited to `scope`.
    public func withTransaction<Result: Sendable>(
        scope: AccessScope, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await pool.withTransaction(scope: DataScope(scope), body)
    }
}

extension DataScope {
    /// The database scope of an access scope (the same three cases).
    public init(_ scope: AccessScope) {
        switch scope {
        case .account(let id): self = .account(id)
        case .staff: self = .staff
        case .service: self = .service
        }
    }
}
