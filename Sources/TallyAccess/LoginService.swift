import Foundation
import Logging
import Passwords

/// What a login attempt came to.
public enum LoginOutcome: Sendable {
    /// Signed in: set the token as the session cookie.
    case success(SessionToken, AuthenticatedSession)
    /// Unknown email, wrong password or disabled user: the caller answers all three the same.
    /// `userID` is for the security log only.
    case invalidCredentials(userID: Int64?, accountID: Int64?)
    /// Too many attempts: answer 429 with Retry-After; no password was checked.
    case throttled(retryAfterSeconds: Int, reason: ThrottleReason)
}

/// Checks an email and password, with throttling, timing equalisation and rehashing.
public struct LoginService: Sendable {
    let users: UserStore
    let sessions: SessionStore
    let hasher: PasswordHasher
    let throttle: LoginThrottle
    let logger: Logger

    /// Passwords longer than this are refused without hashing (the policy caps new ones at 128
    /// characters; this only bounds the work a request can cause).
    static let longestCheckedPassword = 1024

    /// Creates the service.
    public init(users: UserStore, sessions: SessionStore, hasher: PasswordHasher, settings: AccessSettings, logger: Logger) {
        self.users = users
        self.sessions = sessions
        self.hasher = hasher
        self.throttle = LoginThrottle(database: users.database, settings: settings)
        self.logger = logger
    }

    /// Attempts a login. An unknown email is verified against the hasher's dummy hash so that it
    /// takes about as long as a wrong password. `replacing` is the session cookie the browser
    /// sent, if any: it is ended, so the cookie changes at login.
    public func login(
        email: String, password: String, clientAddress: String, replacing previous: SessionToken? = nil, now: Date
    ) async throws -> LoginOutcome {
        let keys = LoginThrottle.Keys(email: email, clientAddress: clientAddress)
        let attempt: [Int64]
        switch try await throttle.begin(keys, now: now) {
        case .failure(let refusal):
            return .throttled(retryAfterSeconds: refusal.retryAfterSeconds, reason: refusal.reason)
        case .success(let ids):
            attempt = ids
        }
        let user = try await users.find(email: email)
        guard try await verify(password, of: user), let user, user.isActive else {
            return .invalidCredentials(userID: user?.id, accountID: user?.accountID)
        }
        try await throttle.succeeded(attempt)
        try await throttle.prune(keys, now: now)
        if hasher.needsRehash(user.passwordHash) {
            let upgraded = try await hasher.hash(password)
            try await users.upgradeHash(userID: user.id, from: user.passwordHash, to: upgraded)
        }
        let (token, session) = try await sessions.create(for: user, replacing: previous, now: now)
        return .success(token, session)
    }

    /// Runs exactly one hash verification, known user or not.
    private func verify(_ password: String, of user: User?) async throws -> Bool {
        let stored: String
        if let user { stored = user.passwordHash } else { stored = try await hasher.dummyHash }
        guard password.utf8.count <= Self.longestCheckedPassword else { return false }
        do {
            return try await hasher.verify(password, against: stored)
        } catch let error as PasswordHashError {
            // A stored hash we cannot read is a data problem, not a reason to let anyone in.
            logger.error("stored password hash unreadable", metadata: ["user.id": "\(user?.id ?? 0)", "error": "\(error)"])
            return false
        }
    }
}
