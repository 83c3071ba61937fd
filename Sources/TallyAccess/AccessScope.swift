import Postgres
import TallyDatabase

/// Whose rows a store call may see, enforced by row-level security (migration 0003): the
/// database's `DataScope` (`.account(id)`, `.staff`, `.service`).
public typealias AccessScope = DataScope

/// Runs a store's SQL in a transaction limited to a scope: COMMIT on return, ROLLBACK on throw.
/// Every query of the access stores goes through this; none uses a bare pool.
public protocol ScopedTransactions: Sendable {
    /// Runs `body` in a transaction whose scope is set first with `set_config(…, true)`.
    func withTransaction<Result: Sendable>(
        scope: AccessScope, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result

    /// One statement limited to a scope, in its own (implicit) transaction.
    func query(_ query: PostgresQuery, scope: AccessScope) async throws -> PostgresRows

    /// One read limited to a scope, in its own read-only transaction, for the reads every
    /// request makes (the pool sends these over its shared connections).
    func read(_ query: PostgresQuery, scope: AccessScope) async throws -> PostgresRows
}

/// The pool sets the scope itself (`TallyDatabase`), so the SQL that sets a scope lives in one
/// place only.
extension PostgresPool: ScopedTransactions {}

extension ScopedTransactions {
    /// One statement for its effect in its own scoped transaction; returns the rows affected.
    @discardableResult
    func execute(_ query: PostgresQuery, scope: AccessScope) async throws -> Int {
        try await self.query(query, scope: scope).affectedRows
    }
}
