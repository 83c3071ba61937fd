import Postgres
import TallyTestSupport

extension TestDatabase {
    /// A fresh database and, for the length of `body`, a pool of owner connections (tests create
    /// tables) with `shared` shared connections, two leased ones, and a patient acquire timeout:
    /// it only guards against a hang, since hundreds of queued reads on a loaded machine can wait
    /// well over a minute with nothing wrong.
    static func withOwnerPool<Result: Sendable>(
        sharedConnections shared: Int, _ body: (TestDatabase, PostgresPool) async throws -> Result
    ) async throws -> Result {
        try await withPool(as: .owner, maxConnections: 2, acquireTimeout: .seconds(600), sharedConnections: shared, body)
    }
}
