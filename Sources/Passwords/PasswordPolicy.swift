/// Which new passwords Tally accepts (OWASP ASVS 5.0, §6.2).
///
/// - Length is counted in Swift `Character`s (extended grapheme clusters, what a person sees as
///   one character: "é" and "🔑" count one each, whatever their bytes). At least 8, at most 128.
/// - No composition rules (no "must contain a digit").
/// - Passwords on the common-password list are refused, compared case-insensitively.
/// - Nothing is trimmed, truncated or normalised: what is checked is what is hashed.
///
/// The policy applies when a password is chosen or changed, never at login.
public struct PasswordPolicy: Sendable {
    /// The fewest characters accepted.
    public let minimumLength: Int
    /// The most characters accepted.
    public let maximumLength: Int
    /// Refused passwords, lowercased.
    public let commonPasswords: Set<String>

    /// The standard policy: 8…128 characters and the bundled common-password list.
    ///
    /// The list is read on first use; touch this at start-up so a broken install fails early.
    public static let standard = PasswordPolicy(commonPasswords: CommonPasswords.bundled)

    /// Creates a policy; `commonPasswords` are lowercased here.
    public init(minimumLength: Int = 8, maximumLength: Int = 128, commonPasswords: some Sequence<String>) {
        precondition(minimumLength >= 1 && minimumLength <= maximumLength, "invalid password length bounds")
        self.minimumLength = minimumLength
        self.maximumLength = maximumLength
        self.commonPasswords = Set(commonPasswords.map { $0.lowercased() })
    }

    /// The first rule `password` breaks, or `nil` when it is acceptable. Length is checked
    /// before the list.
    public func violation(for password: String) -> PasswordViolation? {
        let length = password.count
        if length < minimumLength { return .tooShort(minimum: minimumLength) }
        if length > maximumLength { return .tooLong(maximum: maximumLength) }
        if commonPasswords.contains(password.lowercased()) { return .common }
        return nil
    }

    /// Throws the first rule `password` breaks.
    public func validate(_ password: String) throws(PasswordViolation) {
        if let violation = violation(for: password) { throw violation }
    }
}

/// Why a new password was refused. ``message`` is written for the person choosing it.
public enum PasswordViolation: Error, Sendable, Hashable, CustomStringConvertible {
    /// Fewer characters than the minimum.
    case tooShort(minimum: Int)
    /// More characters than the maximum.
    case tooLong(maximum: Int)
    /// On the list of commonly used passwords.
    case common

    /// A sentence to show next to the password field.
    public var message: String {
        switch self {
        case .tooShort(let minimum): "Use at least \(minimum) characters."
        case .tooLong(let maximum): "Use at most \(maximum) characters."
        case .common: "This password is too common and easy to guess. Choose another one."
        }
    }

    /// The same as ``message``; never contains the password.
    public var description: String { message }
}
