import Foundation

/// A live session and the user behind it, as resolved for one request.
public struct AuthenticatedSession: Sendable, Equatable {
    /// The user's id: the actor in security logs.
    public let userID: Int64
    /// The user's email, for display.
    public let email: String
    /// The user's role.
    public let role: UserRole
    /// The customer's account; nil for staff. Customer routes take the account from here only.
    public let accountID: Int64?
    /// The session's CSRF token: every state-changing request must carry it.
    public let csrfToken: String
    /// When the session began (login).
    public let createdAt: Date
    let tokenHash: [UInt8]
}

/// What a session cookie turned out to be.
public enum SessionLookup: Sendable, Equatable {
    /// A live session; its last-seen time was moved to now.
    case valid(AuthenticatedSession)
    /// The session existed but passed its idle or absolute timeout; it is deleted now.
    case expired(userID: Int64, accountID: Int64?)
    /// No such session (never existed, logged out, or its user was disabled).
    case notFound
}
