import Foundation
import Postgres
import TallyCrypto
import TallyDatabase

/// What an API key may do.
public enum APIKeyScope: String, Sendable, Hashable, CaseIterable {
    /// Send usage events (and ask entitlement questions).
    case ingest
    /// Read usage and entitlements.
    case read
}

/// An authenticated API key: never the key itself.
public struct APIKeyIdentity: Sendable, Hashable {
    /// Database id.
    public let id: Int64
    /// The key's name.
    public let name: String
    /// The recognisable start of the key, e.g. `tly_AbC12xYz`.
    public let prefix: String
    /// What it may do.
    public let scope: APIKeyScope
    /// The external id of the account a customer's key is bound to (it reads only that
    /// account's usage); nil for the operator's keys.
    public var boundAccount: String?
}

/// A freshly created key: `secret` is shown once and never stored.
public struct CreatedAPIKey: Sendable {
    /// The stored part.
    public let identity: APIKeyIdentity
    /// The whole key, `tly_` + 43 base64url characters (256 random bits).
    public let secret: String
}

/// Creates, revokes and authenticates API keys. Only a key's SHA-256 is stored.
public struct APIKeyStore: Sendable {
    /// Every key starts with this, so it is recognisable in a config file or a leak scanner.
    public static let keyPrefix = "tly_"
    /// Characters of the key kept in clear to recognise it: the prefix and 8 more.
    static let recognisableLength = 12

    let pool: PostgresPool

    /// A store over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Creates a key named `name` (unique among active keys).
    public func create(name: String, scope: APIKeyScope, now: Date) async throws -> CreatedAPIKey {
        guard (1...100).contains(name.count) else { throw Refused(APIKeyProblem.name) }
        let secret = Self.keyPrefix + Base64URL.encode(SecureRandom.bytes(count: 32))
        let prefix = String(secret.prefix(Self.recognisableLength))
        let hash = Data(SHA256.hash(secret))
        do {
            let rows = try await pool.withTransaction(scope: .service) {
                try await $0.query(
                """
                INSERT INTO api_keys (name, prefix, key_hash, scope, created_at)
                VALUES (\(name), \(prefix), \(hash), \(scope.rawValue), \(now))
                RETURNING id
                """)
            }
            let id = try rows.first!.decode(Int64.self, at: 0)
            return CreatedAPIKey(identity: APIKeyIdentity(id: id, name: name, prefix: prefix, scope: scope), secret: secret)
        } catch let error as PostgresError where error.sqlState == "23505" {
            throw Refused(APIKeyProblem.nameTaken)
        }
    }

    /// Revokes the operator's active key with this name or prefix; it fails on its next use.
    /// Keys of customer accounts are theirs to revoke (`AccountAPIKeys`).
    public func revoke(nameOrPrefix: String, now: Date) async throws -> APIKeyIdentity {
        let rows = try await pool.withTransaction(scope: .service) {
            try await $0.query(
            """
            UPDATE api_keys SET revoked_at = \(now)
            WHERE revoked_at IS NULL AND account_id IS NULL AND (name = \(nameOrPrefix) OR prefix = \(nameOrPrefix))
            RETURNING id, name, prefix, scope
            """)
        }
        guard let row = rows.first else { throw CatalogError.apiKeyNotFound(nameOrPrefix) }
        return try Self.identity(row)
    }

    /// The active key whose SHA-256 matches `secret`'s, or nil (unknown, malformed or revoked).
    public func authenticate(_ secret: String) async throws -> APIKeyIdentity? {
        guard let hash = Self.hash(ofPresented: secret) else { return nil }
        // One statement: api_keys has row-level security, and this function sets the service
        // scope for its own statement only (migration 0006).
        let rows = try await pool.query(
            "SELECT id, name, prefix, scope, key_hash, account FROM api_key_by_hash(\(Data(hash)))")
        guard let row = rows.first else { return nil }
        guard var identity = try Self.verifiedIdentity(row, hash: hash) else { return nil }
        identity.boundAccount = try row.decode(String?.self, at: 5)
        return identity
    }

    /// The SHA-256 of a key as presented by a client, or nil when it cannot be a key at all
    /// (no `tly_` prefix, or absurdly long), which then needs no database lookup.
    static func hash(ofPresented secret: String) -> [UInt8]? {
        guard secret.hasPrefix(keyPrefix), secret.utf8.count <= 200 else { return nil }
        return SHA256.hash(secret)
    }

    /// The identity in `row`'s columns `id, name, prefix, scope, key_hash` from `offset` on, when
    /// the stored hash equals `hash`. The index finds the row; the comparison that decides is
    /// constant-time.
    static func verifiedIdentity(_ row: PostgresRow, hash: [UInt8], from offset: Int = 0) throws -> APIKeyIdentity? {
        let stored = try row.decode(Data.self, at: offset + 4)
        guard ConstantTime.equals([UInt8](stored), hash) else { return nil }
        return try identity(row, from: offset)
    }

    /// The identity of the key with these stored columns, when `storedHash` equals `presented`
    /// (compared in constant time).
    static func verifiedIdentity(
        id: Int64, name: String, prefix: String, scope: String, storedHash: Data, presented: [UInt8]
    ) -> APIKeyIdentity? {
        guard ConstantTime.equals([UInt8](storedHash), presented) else { return nil }
        return identity(id: id, name: name, prefix: prefix, scope: scope)
    }

    private static func identity(_ row: PostgresRow, from offset: Int = 0) throws -> APIKeyIdentity {
        let id = try row.decode(Int64.self, at: offset)
        let name = try row.decode(String.self, at: offset + 1)
        let prefix = try row.decode(String.self, at: offset + 2)
        let scope = try row.decode(String.self, at: offset + 3)
        return identity(id: id, name: name, prefix: prefix, scope: scope)
    }

    /// An unknown scope in the database reads as the weakest, `read`.
    private static func identity(id: Int64, name: String, prefix: String, scope: String) -> APIKeyIdentity {
        APIKeyIdentity(id: id, name: name, prefix: prefix, scope: APIKeyScope(rawValue: scope) ?? .read)
    }
}
