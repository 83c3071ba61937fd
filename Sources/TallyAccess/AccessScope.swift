import Postgres

/// Whose rows a store call may see, enforced by row-level security (migration 0003).
///
/// The same three scopes as `TallyDatabase.DataScope`. TallyAccess does not depend on
/// TallyDatabase, so it names the scope and leaves setting it to a ``ScopedTransactions``
/// (TallyWeb's `ScopedPool`, which calls `PostgresPool.withTransaction(scope:)`): the SQL that
/// sets a scope lives in one place only.
public enum AccessScope: Sendable, Equatable {
    /// A customer request: only rows of this account.
    case account(Int64)
    /// A staff request (admin or sales): every account.
    case staff
    /// Login, session lookup and the `tally` commands: before any account is known.
    case service
}

/// Runs a store's SQL in a transaction limited to a scope: COMMIT on return, ROLLBACK on throw.
/// Every query of the access stores goes through this; none uses a bare pool.
public protocol ScopedTransactions: Sendable {
    /// Runs `body` in a transaction whose scope is set first with `set_config(…, true)`.
    func withTransaction<Result: Sendable>(
        scope: AccessScope, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result
}

extension ScopedTransactions {
    /// One statement in its own scoped transaction.
    func query(_ query: PostgresQuery, scope: AccessScope) async throws -> PostgresRows {
        try await withTransaction(scope: scope) { try await $0.query(query) }
    }

    /// One statement for its effect in its own scoped transaction; returns the rows affected.
    @discardableResult
    func execute(_ query: PostgresQuery, scope: AccessScope) async throws -> Int {
        try await withTransaction(scope: scope) { try await $0.execute(query) }
    }
}
