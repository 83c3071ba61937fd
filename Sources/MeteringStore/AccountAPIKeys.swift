import Foundation
import Postgres
import TallyCrypto
import TallyDatabase

/// A customer's read-only API key as its Team page lists it: never the key itself.
public struct AccountAPIKey: Sendable, Hashable {
    /// Database id.
    public let id: Int64
    /// The name the owner gave it.
    public let name: String
    /// The recognisable start of the key, e.g. `tly_AbC12xYz`.
    public let prefix: String
    /// The key's last four characters.
    public let lastFour: String
    /// When it was created.
    public let createdAt: Date
}

/// Why an account key could not be created or revoked (worded by the web layer).
public enum AccountAPIKeyError: Error, Sendable, Hashable {
    /// The name is empty or longer than 100 characters.
    case invalidName
    /// Another active key of the account has this name.
    case nameTaken
    /// The account already has the most active keys it may have.
    case tooManyKeys
    /// No active key of the account has this id (missing, revoked, or another account's).
    case notFound
}

/// Read-only API keys that a customer owner creates for their own account: scope `read`, bound
/// to the account (`api_keys.account_id`), so they read only that account's usage
/// (`APIKeyAccountBinding` in the web layer). Every query runs in the caller's account scope, so
/// row-level security keeps one account away from another's keys and from the operator's.
public struct AccountAPIKeys: Sendable {
    /// Active keys one account may hold.
    public static let maximumActiveKeys = 20

    let pool: PostgresPool

    /// A store over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The account's active keys, newest first.
    public func list(accountID: Int64) async throws -> [AccountAPIKey] {
        try await pool.withTransaction(scope: .account(accountID)) { connection in
            try await connection.query(
                """
                SELECT id, name, prefix, coalesce(last_four, '····'), created_at FROM api_keys
                WHERE account_id = \(accountID) AND revoked_at IS NULL
                ORDER BY created_at DESC, id DESC
                """
            ).map(Self.key)
        }
    }

    /// The active key with this id, or nil (also for another account's key).
    public func find(id: Int64, accountID: Int64) async throws -> AccountAPIKey? {
        try await pool.withTransaction(scope: .account(accountID)) { connection in
            try await connection.query(
                """
                SELECT id, name, prefix, coalesce(last_four, '····'), created_at FROM api_keys
                WHERE id = \(id) AND account_id = \(accountID) AND revoked_at IS NULL
                """
            ).first.map(Self.key)
        }
    }

    /// Creates a read-only key for the account; the secret in the result is shown once.
    /// Audited as `actor` in the same transaction.
    public func create(name: String, accountID: Int64, by actor: AuditActor, now: Date) async throws -> CreatedAPIKey {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else { throw AccountAPIKeyError.invalidName }
        let secret = APIKeyStore.keyPrefix + Base64URL.encode(SecureRandom.bytes(count: 32))
        let prefix = String(secret.prefix(APIKeyStore.recognisableLength))
        let lastFour = String(secret.suffix(4))
        let hash = Data(SHA256.hash(secret))
        do {
            let id = try await pool.withTransaction(scope: .account(accountID)) { connection in
                // Count under a lock on the account row so two concurrent creations cannot both pass.
                _ = try await connection.query("SELECT 1 FROM accounts WHERE id = \(accountID) FOR UPDATE")
                let active = try await connection.query(
                    "SELECT count(*)::int8 FROM api_keys WHERE account_id = \(accountID) AND revoked_at IS NULL"
                ).first?.decode(Int.self, at: 0) ?? 0
                guard active < Self.maximumActiveKeys else { throw AccountAPIKeyError.tooManyKeys }
                let id = try await connection.query(
                    """
                    INSERT INTO api_keys (name, prefix, key_hash, scope, created_at, account_id, last_four)
                    VALUES (\(name), \(prefix), \(hash), 'read', \(now), \(accountID), \(lastFour))
                    RETURNING id
                    """
                ).first?.decode(Int64.self, at: 0) ?? 0
                try await AuditTrail.record(
                    AuditChange(
                        action: "api_key.create", objectKind: "api_key", objectID: String(id), accountID: accountID,
                        before: nil, after: ["name": name, "prefix": prefix, "scope": "read"]),
                    by: actor, at: now, on: connection)
                return id
            }
            return CreatedAPIKey(
                identity: APIKeyIdentity(id: id, name: name, prefix: prefix, scope: .read), secret: secret)
        } catch let error as PostgresError where error.sqlState == "23505" {
            throw AccountAPIKeyError.nameTaken
        }
    }

    /// Revokes the account's active key `id`: it fails on its next use. Audited as `actor` in
    /// the same transaction.
    public func revoke(id: Int64, accountID: Int64, by actor: AuditActor, now: Date) async throws -> AccountAPIKey {
        try await pool.withTransaction(scope: .account(accountID)) { connection in
            let rows = try await connection.query(
                """
                UPDATE api_keys SET revoked_at = \(now)
                WHERE id = \(id) AND account_id = \(accountID) AND revoked_at IS NULL
                RETURNING id, name, prefix, coalesce(last_four, '····'), created_at
                """)
            guard let key = try rows.first.map(Self.key) else { throw AccountAPIKeyError.notFound }
            try await AuditTrail.record(
                AuditChange(
                    action: "api_key.revoke", objectKind: "api_key", objectID: String(key.id), accountID: accountID,
                    before: ["name": key.name, "state": "active"], after: ["name": key.name, "state": "revoked"]),
                by: actor, at: now, on: connection)
            return key
        }
    }

    private static func key(_ row: PostgresRow) throws -> AccountAPIKey {
        let (id, name, prefix, lastFour, createdAt) = try row.decode((Int64, String, String, String, Date).self)
        return AccountAPIKey(id: id, name: name, prefix: prefix, lastFour: lastFour, createdAt: createdAt)
    }
}
