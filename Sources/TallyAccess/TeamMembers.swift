import Foundation
import Postgres
import TallyDatabase

/// A person on an account's team, as the Team page lists them.
public struct TeamMember: Sendable, Hashable {
    /// The user's id.
    public let id: Int64
    /// Their email.
    public let email: String
    /// `owner` or `member`.
    public let role: UserRole
    /// When they joined (the user was created).
    public let joinedAt: Date
    /// Their latest activity: a live session's last request, else their latest successful
    /// sign-in; nil when neither is known.
    public let lastSeenAt: Date?
}

/// Why a team change was refused (worded by the web layer).
public enum TeamError: Error, Sendable, Hashable {
    /// No active member of the account has this id (missing, removed, or another account's).
    case memberNotFound
    /// Owners cannot remove themselves (another owner can).
    case cannotRemoveYourself
    /// The change would leave the account without an owner.
    case lastOwner
    /// The role is not `owner` or `member`.
    case invalidRole
}

/// An account's team: list its people, remove one, change a role. Every query runs in the
/// account's own scope. Changes lock the account's active users first, so two owners acting at
/// once can never leave the account without an owner.
public struct TeamMembers: Sendable {
    let database: any ScopedTransactions

    /// A team store sharing the access stores' database.
    public init(users: UserStore) {
        database = users.database
    }

    /// The account's active people, owners first, then by email.
    public func list(accountID: Int64) async throws -> [TeamMember] {
        try await database.withTransaction(scope: .account(accountID)) { connection in
            try await connection.query(
                """
                SELECT u.id, u.email, u.role, u.created_at,
                       greatest((SELECT max(s.last_seen_at) FROM sessions s WHERE s.user_id = u.id),
                                (SELECT max(l.attempted_at) FROM login_attempts l
                                  WHERE l.key = 'email:' || lower(u.email) AND l.succeeded))
                FROM users u
                WHERE u.account_id = \(accountID) AND u.disabled_at IS NULL
                ORDER BY u.role = 'owner' DESC, lower(u.email), u.id
                """
            ).map { row in
                let (id, email, role, joined, seen) = try row.decode((Int64, String, String, Date, Date?).self)
                return TeamMember(id: id, email: email, role: UserRole(rawValue: role) ?? .member, joinedAt: joined, lastSeenAt: seen)
            }
        }
    }

    /// The active member `userID` of the account, or nil.
    public func find(userID: Int64, accountID: Int64) async throws -> TeamMember? {
        try await list(accountID: accountID).first { $0.id == userID }
    }

    /// Removes `userID` from the account: the user is disabled (kept for the history of what
    /// they did) and every session of theirs ends, in one transaction with the audit row by
    /// `actor`.
    ///
    /// - Throws: ``TeamError``: not found, removing yourself, or the last owner.
    public func remove(userID: Int64, accountID: Int64, by actor: AuditActor, now: Date) async throws -> TeamMember {
        guard userID != actor.userID else { throw TeamError.cannotRemoveYourself }
        return try await database.withTransaction(scope: .account(accountID)) { connection in
            let team = try await Self.lockTeam(accountID, on: connection)
            guard let target = team.first(where: { $0.id == userID }) else { throw TeamError.memberNotFound }
            if target.role == .owner, team.filter({ $0.role == .owner }).count <= 1 { throw TeamError.lastOwner }
            try await connection.execute("UPDATE users SET disabled_at = \(now) WHERE id = \(userID) AND account_id = \(accountID)")
            try await connection.execute("DELETE FROM sessions WHERE user_id = \(userID)")
            try await AuditTrail.record(
                AuditChange(
                    action: "user.remove", objectKind: "user", objectID: String(target.id), accountID: accountID,
                    before: ["email": target.email, "role": target.role.rawValue, "state": "active"],
                    after: ["email": target.email, "role": target.role.rawValue, "state": "removed"]),
                by: actor, at: now, on: connection)
            return target
        }
    }

    /// Sets the role of `userID` (owner or member); returns the member as before, or nil when
    /// the role was already that. Demoting the last owner is refused. Audited as `actor`.
    public func changeRole(
        userID: Int64, to role: UserRole, accountID: Int64, by actor: AuditActor, now: Date
    ) async throws -> TeamMember? {
        guard role == .owner || role == .member else { throw TeamError.invalidRole }
        return try await database.withTransaction(scope: .account(accountID)) { connection in
            let team = try await Self.lockTeam(accountID, on: connection)
            guard let target = team.first(where: { $0.id == userID }) else { throw TeamError.memberNotFound }
            guard target.role != role else { return nil }
            if target.role == .owner, team.filter({ $0.role == .owner }).count <= 1 { throw TeamError.lastOwner }
            try await connection.execute(
                "UPDATE users SET role = \(role.rawValue) WHERE id = \(userID) AND account_id = \(accountID)")
            try await AuditTrail.record(
                AuditChange(
                    action: "user.role_change", objectKind: "user", objectID: String(target.id), accountID: accountID,
                    before: ["email": target.email, "role": target.role.rawValue], after: ["email": target.email, "role": role.rawValue]),
                by: actor, at: now, on: connection)
            return target
        }
    }

    /// The account's active users, locked until the transaction ends.
    private static func lockTeam(_ accountID: Int64, on connection: PostgresConnection) async throws -> [TeamMember] {
        try await connection.query(
            """
            SELECT id, email, role, created_at FROM users
            WHERE account_id = \(accountID) AND disabled_at IS NULL
            ORDER BY id FOR UPDATE
            """
        ).map { row in
            let (id, email, role, joined) = try row.decode((Int64, String, String, Date).self)
            return TeamMember(id: id, email: email, role: UserRole(rawValue: role) ?? .member, joinedAt: joined, lastSeenAt: nil)
        }
    }
}
