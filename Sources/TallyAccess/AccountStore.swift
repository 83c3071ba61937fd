import Metering
import Postgres
import TallyDatabase

/// Reads and writes `accounts`. Minimal: create and look up; the metering issue extends it.
///
/// Creating and finding by external id are operator commands (service scope); a request finds
/// an account in its own scope, so a customer can only ever load their own.
public struct AccountStore: Sendable {
    let database: any ScopedTransactions

    /// Creates a store whose queries run through `database`.
    public init(database: any ScopedTransactions) {
        self.database = database
    }

    /// Creates an account.
    ///
    /// - Throws: ``AccessError/externalIDTaken`` or ``AccessError/invalidAccountField(_:)``.
    public func create(externalID: String, name: String) async throws -> Account {
        let externalID = IdentityText.normalized(externalID)
        guard (1...200).contains(externalID.unicodeScalars.count) else { throw AccessError.invalidAccountField("external id") }
        guard (1...200).contains(name.count) else { throw AccessError.invalidAccountField("name") }
        do {
            let rows = try await database.query(
                """
                INSERT INTO accounts (external_id, name) VALUES (\(externalID), \(name))
                RETURNING id
                """, scope: .service)
            guard let row = rows.first else { throw AccessError.accountNotFound(externalID: externalID) }
            return Account(id: try row.decode(Int64.self, at: 0), externalID: externalID, name: name)
        } catch let error as PostgresError where error.sqlState == "23505" {
            throw AccessError.externalIDTaken
        }
    }

    /// The account with this external id, or nil (service scope: the `tally` commands).
    public func find(externalID: String) async throws -> Account? {
        let rows = try await database.query(
            "SELECT id, external_id, name FROM accounts WHERE external_id = \(IdentityText.normalized(externalID))", scope: .service)
        return try rows.first.map { row in
            let (id, externalID, name) = try row.decode((Int64, String, String).self)
            return Account(id: id, externalID: externalID, name: name)
        }
    }

    /// The account with this id as `scope` sees it: nil when it does not exist or belongs to
    /// another account than a customer scope's.
    public func find(id: Int64, in scope: AccessScope) async throws -> Account? {
        let rows = try await database.query("SELECT id, external_id, name FROM accounts WHERE id = \(id)", scope: scope)
        return try rows.first.map { row in
            let (id, externalID, name) = try row.decode((Int64, String, String).self)
            return Account(id: id, externalID: externalID, name: name)
        }
    }
}
