import Foundation
import Postgres
import TallyCrypto
import TallyDatabase

/// Sessions in PostgreSQL: created at login, checked and touched on every request, deleted at
/// logout, on expiry, and when the user is disabled or changes password.
///
/// Every query runs in the service scope: a session is resolved from its cookie before any
/// account is known (row-level security on `sessions` follows the session's user).
public struct SessionStore: Sendable {
    let database: any ScopedTransactions
    let settings: AccessSettings

    /// Creates a store whose queries run through `database`, with the timeouts in `settings`.
    public init(database: any ScopedTransactions, settings: AccessSettings = .init()) {
        self.database = database
        self.settings = settings
    }

    /// Starts a session for `user` and returns its token (for the cookie) and the session.
    /// Any session whose token was presented with the login (`replacing`) is deleted first,
    /// so the cookie always changes at login.
    public func create(
        for user: User, replacing previous: SessionToken? = nil, now: Date
    ) async throws -> (SessionToken, AuthenticatedSession) {
        let token = SessionToken.generate()
        let csrf = SecureRandom.token(bytes: 32)
        try await database.withTransaction(scope: .service) { connection in
            if let previous {
                try await connection.execute("DELETE FROM sessions WHERE token_hash = \(Data(previous.hash))")
            }
            try await connection.execute(
                """
                INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at)
                VALUES (\(Data(token.hash)), \(user.id), \(csrf), \(now), \(now))
                """)
        }
        let session = AuthenticatedSession(
            userID: user.id, email: user.email, role: user.role, accountID: user.accountID,
            csrfToken: csrf, createdAt: now, tokenHash: token.hash)
        return (token, session)
    }

    /// How stale `last_seen_at` may get before a request moves it: recording every request
    /// would make every page view a write and a WAL flush; a minute is far below the idle
    /// timeout, so a session can expire at most this much earlier than the user's last request.
    public static let touchInterval: TimeInterval = 60

    /// Resolves a cookie's token: a live session is touched (last seen = now, at most once per
    /// ``touchInterval``); an expired one is deleted. A disabled user's session is never valid.
    /// One round trip to read (a single service-scope read, over the pool's shared connections);
    /// a second only when the
    /// session must be touched or deleted. Both writes are idempotent, so they need not share
    /// the read's transaction: a logout in between leaves them nothing to change.
    public func validate(_ token: SessionToken, now: Date) async throws -> SessionLookup {
        let hash = Data(token.hash)
        let rows = try await database.read(
            """
            SELECT s.user_id, s.csrf_token, s.created_at, s.last_seen_at,
                   u.email, u.role, u.account_id, u.disabled_at
              FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = \(hash)
            """, scope: .service)
        guard let row = rows.first else { return .notFound }
        let (userID, csrf, createdAt, lastSeen, email, roleName, accountID, disabledAt) =
            try row.decode((Int64, String, Date, Date, String, String, Int64?, Date?).self)
        guard disabledAt == nil, let role = UserRole(rawValue: roleName) else {
            try await database.execute("DELETE FROM sessions WHERE token_hash = \(hash)", scope: .service)
            return .notFound
        }
        let idle = now.timeIntervalSince(lastSeen) > settings.idleTimeout.timeInterval
        let old = now.timeIntervalSince(createdAt) > settings.absoluteTimeout.timeInterval
        if idle || old {
            try await database.execute("DELETE FROM sessions WHERE token_hash = \(hash)", scope: .service)
            return .expired(userID: userID, accountID: accountID)
        }
        if now.timeIntervalSince(lastSeen) >= Self.touchInterval {
            try await database.execute("UPDATE sessions SET last_seen_at = \(now) WHERE token_hash = \(hash)", scope: .service)
        }
        return .valid(
            AuthenticatedSession(
                userID: userID, email: email, role: role, accountID: accountID, csrfToken: csrf,
                createdAt: createdAt, tokenHash: token.hash))
    }

    /// Ends a session (logout). Returns whether a row was deleted.
    @discardableResult
    public func delete(_ session: AuthenticatedSession) async throws -> Bool {
        try await database.execute("DELETE FROM sessions WHERE token_hash = \(Data(session.tokenHash))", scope: .service) > 0
    }

    /// Whether a session row exists for this token (for tests and diagnostics).
    public func exists(_ token: SessionToken) async throws -> Bool {
        let rows = try await database.query("SELECT 1 FROM sessions WHERE token_hash = \(Data(token.hash))", scope: .service)
        return !rows.isEmpty
    }

    /// The number of sessions a user has.
    public func count(userID: Int64) async throws -> Int {
        try await database.query("SELECT count(*) FROM sessions WHERE user_id = \(userID)", scope: .service)
            .first?.decode(Int.self, at: 0) ?? 0
    }
}
