import Postgres

/// Reads and writes `accounts`. Minimal: create and look up; the metering issue extends it.
public struct AccountStore: Sendable {
    let pool: PostgresPool

    /// Creates a store over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Creates an account.
    ///
    /// - Throws: ``AccessError/externalIDTaken`` or ``AccessError/invalidAccountField(_:)``.
    public func create(externalID: String, name: String) async throws -> Account {
        guard (1...200).contains(externalID.count) else { throw AccessError.invalidAccountField("external id") }
        guard (1...200).contains(name.count) else { throw AccessError.invalidAccountField("name") }
        do {
            let rows = try await pool.query(
                """
                INSERT INTO accounts (external_id, name) VALUES (\(externalID), \(name))
                RETURNING id
                """)
            guard let row = rows.first else { throw AccessError.accountNotFound(externalID: externalID) }
            return Account(id: try row.decode(Int64.self, at: 0), externalID: externalID, name: name)
        } catch let error as PostgresError where error.sqlState == "23505" {
            throw AccessError.externalIDTaken
        }
    }

    /// The account with this external id, or nil.
    public func find(externalID: String) async throws -> Account? {
        let rows = try await pool.query(
            "SELECT id, external_id, name FROM accounts WHERE external_id = \(externalID)")
        return try rows.first.map { row in
            let (id, externalID, name) = try row.decode((Int64, String, String).self)
            return Account(id: id, externalID: externalID, name: name)
        }
    }

    /// The account with this id, or nil.
    public func find(id: Int64) async throws -> Account? {
        let rows = try await pool.query("SELECT id, external_id, name FROM accounts WHERE id = \(id)")
        return try rows.first.map { row in
            let (id, externalID, name) = try row.decode((Int64, String, String).self)
            return Account(id: id, externalID: externalID, name: name)
        }
    }
}
