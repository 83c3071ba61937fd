import Foundation
import Postgres
import TallyDatabase

/// Reads and writes `users`. Disabling a user or setting a new password ends their sessions in
/// the same transaction.
///
/// Login and the `tally user` commands run before any account is known, so their methods use
/// the service scope; ``find(id:in:)`` takes the caller's scope.
public struct UserStore: Sendable {
    let database: any ScopedTransactions

    /// Creates a store whose queries run through `database`.
    public init(database: any ScopedTransactions) {
        self.database = database
    }

    /// Inserts a user with an already computed password hash.
    ///
    /// - Throws: ``AccessError/emailTaken``, ``AccessError/invalidEmail`` or
    ///   ``AccessError/accountMismatch(role:)``.
    public func create(
        email: String, passwordHash: String, role: UserRole, accountID: Int64?, now: Date
    ) async throws -> User {
        guard email.contains("@"), email.count <= 320 else { throw AccessError.invalidEmail }
        guard role.needsAccount == (accountID != nil) else { throw AccessError.accountMismatch(role: role) }
        do {
            let rows = try await database.query(
                """
                INSERT INTO users (email, password_hash, role, account_id, created_at, password_changed_at)
                VALUES (\(email), \(passwordHash), \(role.rawValue), \(accountID), \(now), \(now))
                RETURNING id
                """, scope: .service)
            let id = try rows.first?.decode(Int64.self, at: 0) ?? 0
            return User(id: id, email: email, role: role, accountID: accountID, disabledAt: nil, passwordHash: passwordHash)
        } catch let error as PostgresError where error.sqlState == "23505" {
            throw AccessError.emailTaken
        }
    }

    /// The user with this email (case-insensitive), disabled or not; nil when there is none.
    /// Service scope: login and the commands look users up before any account is known.
    public func find(email: String) async throws -> User? {
        let rows = try await database.query(
            """
            SELECT id, email, role, account_id, disabled_at, password_hash
              FROM users WHERE lower(email) = lower(\(email))
            """, scope: .service)
        return try rows.first.map(Self.user)
    }

    /// How many users exist, disabled ones included (service scope): `tally serve` says how to
    /// create the first one when there is none.
    public func count() async throws -> Int {
        let rows = try await database.query("SELECT count(*)::int8 FROM users", scope: .service)
        return try rows.first?.decode(Int.self, at: 0) ?? 0
    }

    /// The user with this id as `scope` sees it: nil when there is none, and for a customer
    /// scope also when the user is staff or belongs to another account.
    public func find(id: Int64, in scope: AccessScope) async throws -> User? {
        let rows = try await database.query(
            "SELECT id, email, role, account_id, disabled_at, password_hash FROM users WHERE id = \(id)", scope: scope)
        return try rows.first.map(Self.user)
    }

    /// Disables the user and deletes their sessions; returns the user, or nil when no user has
    /// this email. Disabling twice keeps the first time.
    @discardableResult
    public func disable(email: String, now: Date) async throws -> User? {
        try await database.withTransaction(scope: .service) { connection in
            let rows = try await connection.query(
                """
                UPDATE users SET disabled_at = coalesce(disabled_at, \(now))
                 WHERE lower(email) = lower(\(email))
                RETURNING id, email, role, account_id, disabled_at, password_hash
                """)
            guard let user = try rows.first.map(Self.user) else { return nil }
            try await connection.execute("DELETE FROM sessions WHERE user_id = \(user.id)")
            return user
        }
    }

    /// Stores a new password hash chosen by a person and ends every session of the user.
    public func setPassword(userID: Int64, passwordHash: String, now: Date) async throws {
        try await database.withTransaction(scope: .service) { connection in
            try await connection.execute(
                """
                UPDATE users SET password_hash = \(passwordHash), password_changed_at = \(now)
                 WHERE id = \(userID)
                """)
            try await connection.execute("DELETE FROM sessions WHERE user_id = \(userID)")
        }
    }

    /// Replaces the hash of an unchanged password (a rehash at login with stronger parameters).
    /// Sessions stay: the password did not change. Only replaces `oldHash`, so a password changed
    /// meanwhile is never overwritten.
    func upgradeHash(userID: Int64, from oldHash: String, to newHash: String) async throws {
        try await database.execute(
            """
            UPDATE users SET password_hash = \(newHash)
             WHERE id = \(userID) AND password_hash = \(oldHash)
            """, scope: .service)
    }

    /// The stored hash of a user, for tests and audits of the hash format.
    public func passwordHash(userID: Int64) async throws -> String? {
        try await database.query("SELECT password_hash FROM users WHERE id = \(userID)", scope: .service)
            .first?.decode(String.self, at: 0)
    }

    private static func user(_ row: PostgresRow) throws -> User {
        let (id, email, role, accountID, disabledAt, hash) = try row.decode((Int64, String, String, Int64?, Date?, String).self)
        guard let parsedRole = UserRole(rawValue: role) else {
            throw PostgresDecodingError(column: "role", expectedType: "UserRole", actual: role, file: #fileID, line: #line)
        }
        return User(id: id, email: email, role: parsedRole, accountID: accountID, disabledAt: disabledAt, passwordHash: hash)
    }
}
