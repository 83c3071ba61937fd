import Foundation

/// A person who logs in, as stored. The password hash stays inside this module.
public struct User: Sendable, Equatable {
    /// The user's id.
    public let id: Int64
    /// The email as entered at creation; compared case-insensitively.
    public let email: String
    /// The role.
    public let role: UserRole
    /// The account of a customer; nil for staff.
    public let accountID: Int64?
    /// When the user was disabled; a disabled user cannot log in and has no sessions.
    public let disabledAt: Date?
    let passwordHash: String

    /// True when the user may log in.
    public var isActive: Bool { disabledAt == nil }
}

/// A customer account: the tenant. Minimal for now; the metering issue extends it.
public struct Account: Sendable, Equatable {
    /// The account's id (`account_id` on tenant rows).
    public let id: Int64
    /// The operator's own id for the account, unique.
    public let externalID: String
    /// The display name.
    public let name: String
}
