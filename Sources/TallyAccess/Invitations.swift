import Foundation
import Passwords
import Postgres
import TallyCrypto
import TallyDatabase

/// An open invitation as the Team page lists it (never its token).
public struct Invitation: Sendable, Hashable {
    /// The invitation's id.
    public let id: Int64
    /// The account it joins.
    public let accountID: Int64
    /// Who is invited.
    public let email: String
    /// The role they get.
    public let role: UserRole
    /// When it was made.
    public let createdAt: Date
    /// The first instant it no longer works.
    public let expiresAt: Date
}

/// An invitation link as its visitor sees it: which account, which email.
public struct InvitationDetails: Sendable, Hashable {
    /// The invitation.
    public let invitation: Invitation
    /// The account's display name.
    public let accountName: String
}

/// Why an invitation could not be made, used or revoked (worded by the web layer).
public enum InvitationError: Error, Sendable, Hashable {
    /// The email is empty, too long or has no `@`.
    case invalidEmail
    /// The role is not `owner` or `member`.
    case invalidRole
    /// The person is already on the team.
    case alreadyMember
    /// An open invitation for this email exists.
    case alreadyInvited
    /// Unknown, used, revoked or expired: the page says the same for each.
    case notValid
    /// The new user's password breaks the policy.
    case weakPassword(PasswordViolation)
    /// Someone with this email already has a Tally sign-in (of another account, say).
    case emailTaken
    /// No open invitation of the account has this id.
    case notFound
}

/// Team invitations: an owner invites an email with a role; the invitee gets a single-use link
/// valid for ``lifetime``, shown once to the owner (only its SHA-256 is stored). Opening the
/// link and setting a password creates the user in the inviting account and signs them in.
public struct Invitations: Sendable {
    /// How long a link works.
    public static let lifetime: TimeInterval = 7 * 24 * 3600

    let database: any ScopedTransactions
    let login: LoginService
    let policy: PasswordPolicy

    /// The invitations of the access stores' database; new users' passwords are hashed by the
    /// login service's hasher and follow `policy`.
    public init(login: LoginService, policy: PasswordPolicy = .standard) {
        database = login.users.database
        self.login = login
        self.policy = policy
    }

    /// Creates an invitation; returns it and the token for the link (shown once, never stored).
    /// An expired open invitation for the same email is closed first. Audited as `actor` (whose
    /// user is the inviter) in the same transaction.
    public func invite(
        email: String, role: UserRole, accountID: Int64, by actor: AuditActor, now: Date
    ) async throws -> (Invitation, token: String) {
        let email = email.trimmingCharacters(in: .whitespacesAndNewlines)
        guard email.contains("@"), (3...320).contains(email.count) else { throw InvitationError.invalidEmail }
        guard role == .owner || role == .member else { throw InvitationError.invalidRole }
        let token = SecureRandom.token(bytes: 32)
        let hash = Data(SHA256.hash(token))
        let expires = now.addingTimeInterval(Self.lifetime)
        do {
            let invitation = try await database.withTransaction(scope: .account(accountID)) { connection in
                let member = try await connection.query(
                    """
                    SELECT 1 FROM users WHERE account_id = \(accountID) AND disabled_at IS NULL AND lower(email) = lower(\(email))
                    """)
                guard member.isEmpty else { throw InvitationError.alreadyMember }
                try await connection.execute(
                    """
                    UPDATE invitations SET revoked_at = \(now)
                    WHERE account_id = \(accountID) AND lower(email) = lower(\(email))
                      AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at <= \(now)
                    """)
                let id = try await connection.query(
                    """
                    INSERT INTO invitations (account_id, email, role, token_hash, invited_by, created_at, expires_at)
                    VALUES (\(accountID), \(email), \(role.rawValue), \(hash), \(actor.userID), \(now), \(expires))
                    RETURNING id
                    """
                ).first?.decode(Int64.self, at: 0) ?? 0
                let invitation = Invitation(id: id, accountID: accountID, email: email, role: role, createdAt: now, expiresAt: expires)
                try await AuditTrail.record(
                    AuditChange(
                        action: "invitation.create", objectKind: "invitation", objectID: String(id), accountID: accountID,
                        before: nil, after: ["email": email, "role": role.rawValue]),
                    by: actor, at: now, on: connection)
                return invitation
            }
            return (invitation, token)
        } catch let error as PostgresError where error.sqlState == "23505" {
            throw InvitationError.alreadyInvited
        }
    }

    /// The account's open invitations (not used, not revoked, not expired), soonest expiry first.
    public func open(accountID: Int64, now: Date) async throws -> [Invitation] {
        try await database.withTransaction(scope: .account(accountID)) { connection in
            try await connection.query(
                """
                SELECT id, account_id, email, role, created_at, expires_at FROM invitations
                WHERE account_id = \(accountID) AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > \(now)
                ORDER BY expires_at, id
                """
            ).map(Self.invitation)
        }
    }

    /// Revokes the account's open invitation `id`, audited as `actor`; its link stops working.
    public func revoke(id: Int64, accountID: Int64, by actor: AuditActor, now: Date) async throws -> Invitation {
        try await database.withTransaction(scope: .account(accountID)) { connection in
            let rows = try await connection.query(
                """
                UPDATE invitations SET revoked_at = \(now)
                WHERE account_id = \(accountID) AND id = \(id) AND accepted_at IS NULL AND revoked_at IS NULL
                  AND expires_at > \(now)
                RETURNING id, account_id, email, role, created_at, expires_at
                """)
            guard let invitation = try rows.first.map(Self.invitation) else { throw InvitationError.notFound }
            try await AuditTrail.record(
                AuditChange(
                    action: "invitation.revoke", objectKind: "invitation", objectID: String(invitation.id), accountID: accountID,
                    before: ["email": invitation.email, "state": "open"], after: ["email": invitation.email, "state": "revoked"]),
                by: actor, at: now, on: connection)
            return invitation
        }
    }

    /// What the link `token` invites to, or nil when it is unknown, used, revoked or expired
    /// (service scope: the visitor has no account yet).
    public func details(token: String, now: Date) async throws -> InvitationDetails? {
        guard let hash = Self.hash(token) else { return nil }
        return try await database.withTransaction(scope: .service) { connection in
            try await connection.query(
                """
                SELECT i.id, i.account_id, i.email, i.role, i.created_at, i.expires_at, a.name
                FROM invitations i JOIN accounts a ON a.id = i.account_id
                WHERE i.token_hash = \(hash) AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > \(now)
                """
            ).first.map { InvitationDetails(invitation: try Self.invitation($0), accountName: try $0.decode(String.self, at: 6)) }
        }
    }

    /// Accepts the invitation: checks the password against the policy, creates the user in the
    /// inviting account with the invited role (or brings back that account's removed user of the
    /// same email), marks the invitation used, all in one transaction, then starts a session.
    ///
    /// - Throws: ``InvitationError/notValid`` (unknown, used, revoked, expired — also when a
    ///   concurrent acceptance won), ``InvitationError/weakPassword(_:)``,
    ///   ``InvitationError/emailTaken``.
    public func accept(
        token: String, password: String, replacing previous: SessionToken?, now: Date
    ) async throws -> (SessionToken, AuthenticatedSession) {
        guard let hash = Self.hash(token) else { throw InvitationError.notValid }
        if let violation = policy.violation(for: password) { throw InvitationError.weakPassword(violation) }
        guard try await details(token: token, now: now) != nil else { throw InvitationError.notValid }
        let passwordHash = try await login.hasher.hash(password)
        let user = try await database.withTransaction(scope: .service) { connection in
            let rows = try await connection.query(
                """
                SELECT account_id, id, email, role FROM invitations
                WHERE token_hash = \(hash) AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > \(now)
                FOR UPDATE
                """)
            guard let row = rows.first else { throw InvitationError.notValid }
            let (accountID, invitationID, email, roleName) = try row.decode((Int64, Int64, String, String).self)
            let role = UserRole(rawValue: roleName) ?? .member
            let created = try await connection.query(
                """
                INSERT INTO users (email, password_hash, role, account_id, created_at, password_changed_at)
                VALUES (\(email), \(passwordHash), \(role.rawValue), \(accountID), \(now), \(now))
                ON CONFLICT ((lower(email))) DO UPDATE
                   SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role, disabled_at = NULL,
                       password_changed_at = EXCLUDED.password_changed_at
                   WHERE users.account_id = EXCLUDED.account_id AND users.disabled_at IS NOT NULL
                RETURNING id, email
                """)
            guard let userRow = created.first else { throw InvitationError.emailTaken }
            let (userID, storedEmail) = try userRow.decode((Int64, String).self)
            try await connection.execute(
                """
                UPDATE invitations SET accepted_at = \(now), accepted_user_id = \(userID)
                WHERE account_id = \(accountID) AND id = \(invitationID)
                """)
            return User(id: userID, email: storedEmail, role: role, accountID: accountID, disabledAt: nil, passwordHash: passwordHash)
        }
        return try await login.sessions.create(for: user, replacing: previous, now: now)
    }

    /// SHA-256 of a token that has the shape of one; nil for anything else (so junk costs no query).
    private static func hash(_ token: String) -> Data? {
        guard token.utf8.count == 43, Base64URL.decode(token)?.count == 32 else { return nil }
        return Data(SHA256.hash(token))
    }

    private static func invitation(_ row: PostgresRow) throws -> Invitation {
        let (id, accountID, email, role, created, expires) = try row.decode((Int64, Int64, String, String, Date, Date).self)
        return Invitation(
            id: id, accountID: accountID, email: email, role: UserRole(rawValue: role) ?? .member,
            createdAt: created, expiresAt: expires)
    }
}
