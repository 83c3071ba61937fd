import Passwords

/// Why a user or account operation was refused. Messages are fit for an operator's terminal;
/// none carries a password, hash or token.
public enum AccessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another user already has this email (compared case-insensitively).
    case emailTaken
    /// The email is empty, too long or has no `@`.
    case invalidEmail
    /// `owner` and `member` need an account; `admin` and `sales` must not have one.
    case accountMismatch(role: UserRole)
    /// No account has this external id.
    case accountNotFound(externalID: String)
    /// Another account already has this external id.
    case externalIDTaken
    /// The external id or name is empty or longer than 200 characters.
    case invalidAccountField(String)
    /// No user has this email.
    case userNotFound
    /// The new password breaks the password policy.
    case weakPassword(PasswordViolation)

    /// A sentence for the operator.
    public var description: String {
        switch self {
        case .emailTaken: "a user with this email already exists"
        case .invalidEmail: "the email must contain @ and be at most 320 characters"
        case .accountMismatch(let role) where role.needsAccount: "role \(role) needs --account EXTERNAL_ID"
        case .accountMismatch(let role): "staff role \(role) cannot belong to an account; drop --account"
        case .accountNotFound(let externalID): "no account has external id '\(externalID)'"
        case .externalIDTaken: "an account with this external id already exists"
        case .invalidAccountField(let field): "the account's \(field) must be 1 to 200 characters"
        case .userNotFound: "no user has this email"
        case .weakPassword(let violation): "password refused: \(violation.message)"
        }
    }
}
