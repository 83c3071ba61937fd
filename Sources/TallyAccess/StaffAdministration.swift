import Foundation
import Passwords
import Postgres
import TallyDatabase

/// Why an admin's change to a user was refused (thrown as `Refused<UserProblem>`; a missing
/// user, or one the page does not manage, is `NotFound`).
public enum UserProblem: Hashable, Sendable {
    /// The email is empty, too long, has no `@` or holds spaces.
    case invalidEmail
    /// The role does not fit: customer roles need an account, staff roles have none.
    case roleMismatch
    /// Another user has this email.
    case emailTaken
    /// An admin tried to disable their own user.
    case disablingYourself
    /// The user is disabled already.
    case alreadyDisabled
}

/// A staff user as the staff page lists them.
public struct StaffMember: Sendable, Equatable {
    /// The user's id.
    public let id: Int64
    /// Their email.
    public let email: String
    /// `admin` or `sales`.
    public let role: UserRole
    /// When they were created.
    public let createdAt: Date
    /// When they were disabled; nil while active.
    public let disabledAt: Date?
    /// Their last successful login, from the login record; nil when never (or pruned).
    public let lastLoginAt: Date?
}

/// Admin changes to users from the admin pages: staff (admin, sales) and an account's customer
/// users (owner, member). Passwords are generated (120 bits, shown once by the page) and hashed
/// before the transaction; the user and its audit row commit together. Disabling ends sessions.
public struct StaffAdministration: Sendable {
    let database: PostgresPool
    let hasher: PasswordHasher

    /// Changes through `database`, hashing with `hasher`.
    public init(database: PostgresPool, hasher: PasswordHasher) {
        self.database = database
        self.hasher = hasher
    }

    /// Creates a user with a generated password; returns the user and the password, which is
    /// stored only as its hash. Customers need `accountID`; staff must have none.
    public func createUser(
        email rawEmail: String, role: UserRole, accountID: Int64?, by actor: AuditActor, now: Date
    ) async throws -> (user: User, password: String) {
        let email = rawEmail.trimmingCharacters(in: .whitespaces)
        guard email.count <= 320, let at = email.firstIndex(of: "@"), at != email.startIndex,
              email.index(after: at) != email.endIndex, !email.contains(where: \.isWhitespace)
        else { throw Refused(UserProblem.invalidEmail) }
        guard role.needsAccount == (accountID != nil) else {
            throw Refused(UserProblem.roleMismatch)
        }
        let password = UserAdministration.generatePassword()
        let hash = try await hasher.hash(password)
        let user = try await database.withTransaction(scope: .staff) { connection in
            if let accountID, try await connection.query("SELECT 1 FROM accounts WHERE id = \(accountID)").first == nil {
                throw NotFound()
            }
            let rows: PostgresRows
            do {
                rows = try await connection.query(
                    """
                    INSERT INTO users (email, password_hash, role, account_id, created_at, password_changed_at)
                    VALUES (\(email), \(hash), \(role.rawValue), \(accountID), \(now), \(now))
                    RETURNING id
                    """)
            } catch let error as PostgresError where error.sqlState == "23505" {
                throw Refused(UserProblem.emailTaken)
            }
            let id = try rows.first!.decode(Int64.self, at: 0)
            try await AuditTrail.record(
                AuditChange(
                    action: "user.create", objectKind: "user", objectID: String(id), accountID: accountID, before: nil,
                    after: ["email": email, "role": role.rawValue, "status": "active"]),
                by: actor, at: now, on: connection)
            return User(id: id, email: email, role: role, accountID: accountID, disabledAt: nil, passwordHash: hash)
        }
        return (user, password)
    }

    /// Disables a user and ends all of their sessions in the same transaction. `staffOnly`
    /// limits it to admin and sales users (the staff page). Nobody disables themselves.
    @discardableResult
    public func disable(userID: Int64, staffOnly: Bool, by actor: AuditActor, now: Date) async throws -> User {
        guard actor.userID != userID else {
            throw Refused(UserProblem.disablingYourself)
        }
        return try await database.withTransaction(scope: .staff) { connection in
            let rows = try await connection.query(
                "SELECT email, role, account_id, disabled_at FROM users WHERE id = \(userID) FOR UPDATE")
            guard let row = rows.first else { throw NotFound() }
            let (email, roleName, accountID, disabledAt) = try row.decode((String, String, Int64?, Date?).self)
            guard let role = UserRole(rawValue: roleName), !staffOnly || role.isStaff else { throw NotFound() }
            guard disabledAt == nil else {
                throw Refused(UserProblem.alreadyDisabled)
            }
            try await connection.execute("UPDATE users SET disabled_at = \(now) WHERE id = \(userID)")
            try await connection.execute("DELETE FROM sessions WHERE user_id = \(userID)")
            try await AuditTrail.record(
                AuditChange(
                    action: "user.disable", objectKind: "user", objectID: String(userID), accountID: accountID,
                    before: ["email": email, "role": roleName, "status": "active"],
                    after: ["email": email, "role": roleName, "status": "disabled"]),
                by: actor, at: now, on: connection)
            return User(id: userID, email: email, role: role, accountID: accountID, disabledAt: now, passwordHash: "")
        }
    }

    /// Every staff user, active first, then by email, with their last successful login.
    public func staff() async throws -> [StaffMember] {
        // login_attempts is keyed by the lowercased email and read in the service scope only.
        let rows = try await database.withTransaction(scope: .service) { connection in
            try await connection.query(
                """
                SELECT u.id, u.email, u.role, u.created_at, u.disabled_at,
                       (SELECT max(l.attempted_at) FROM login_attempts l
                         WHERE l.key = 'email:' || lower(u.email) AND l.succeeded)
                FROM users u WHERE u.role IN ('admin', 'sales')
                ORDER BY u.disabled_at IS NOT NULL, lower(u.email)
                """)
        }
        return try rows.map { row in
            let (id, email, role, created, disabled, lastLogin) = try row.decode((Int64, String, String, Date, Date?, Date?).self)
            return StaffMember(
                id: id, email: email, role: UserRole(rawValue: role) ?? .sales, createdAt: created,
                disabledAt: disabled, lastLoginAt: lastLogin)
        }
    }
}
