/// What a user may do. Customers (`owner`, `member`) belong to one account; staff (`admin`,
/// `sales`) belong to none and work across accounts.
public enum UserRole: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A customer who also manages the account's team and read-only API keys.
    case owner
    /// A customer who reads the account's usage.
    case member
    /// Operator staff who change accounts, plans, prices and staff.
    case admin
    /// Operator staff who read accounts, usage and margins and change nothing.
    case sales

    /// True for `admin` and `sales`.
    public var isStaff: Bool { self == .admin || self == .sales }

    /// True for `owner` and `member`: the role needs an account.
    public var needsAccount: Bool { !isStaff }

    /// The stored name.
    public var description: String { rawValue }
}
