import Postgres

/// Runs `body` with `pool` and shuts the pool down afterwards, also when `body` throws: the one
/// place tests end a pool (``TestDatabase/withPool(as:maxConnections:acquireTimeout:sharedConnections:statementTimeout:_:)``
/// makes one over a test database; pass any other pool here).
@discardableResult
public func withPool<Result: Sendable>(
    _ pool: PostgresPool, _ body: (PostgresPool) async throws -> Result
) async throws -> Result {
    do {
        let result = try await body(pool)
        await pool.shutdown()
        return result
    } catch {
        await pool.shutdown()
        throw error
    }
}
