import MeteringStore
import Passwords
import TallyAccess

extension UserProblem: ProblemWording {
    public var field: String {
        switch self {
        case .invalidEmail, .emailTaken: "email"
        case .roleMismatch: "role"
        case .disablingYourself, .alreadyDisabled: "confirm"
        }
    }

    public var message: String {
        switch self {
        case .invalidEmail: "Enter an email address like ann@example.com."
        case .roleMismatch: "Choose a role."
        case .emailTaken: "A user with this email already exists."
        case .disablingYourself: "You cannot disable your own user."
        case .alreadyDisabled: "This user is already disabled."
        }
    }
}

extension PasswordChangeError: ProblemWording {
    public var field: String {
        switch self {
        case .wrongCurrentPassword: "current"
        case .weakPassword: "new"
        case .confirmationMismatch: "confirm"
        }
    }

    public var message: String {
        switch self {
        case .wrongCurrentPassword: "Your current password is not correct."
        case .weakPassword(let violation): violation.message
        case .confirmationMismatch: "The two new passwords differ."
        }
    }
}

extension InvitationError: ProblemWording {
    public var field: String {
        switch self {
        case .invalidRole: "role"
        case .invalidEmail, .alreadyMember, .alreadyInvited: "email"
        case .weakPassword, .notValid, .notFound: "password"
        case .emailTaken: "form"
        }
    }

    public var message: String {
        switch self {
        case .invalidEmail: "Enter an email address."
        case .invalidRole: "Choose owner or member."
        case .alreadyMember: "This person is already on the team."
        case .alreadyInvited: "This email already has an open invitation. Revoke it first to send a new one."
        case .notValid: "This invitation link is not valid. It may have expired, been used or been revoked. Ask the account's owner for a new one."
        case .weakPassword(let violation): violation.message
        case .emailTaken: "This email already has a Tally sign-in. Sign in with it, or ask for an invitation to another email."
        case .notFound: "This invitation does not exist or is no longer open."
        }
    }
}

extension TeamError: ProblemWording {
    public var field: String {
        switch self {
        case .invalidRole: "role"
        case .memberNotFound, .cannotRemoveYourself, .lastOwner: "member"
        }
    }

    public var message: String {
        switch self {
        case .memberNotFound: "This person is not on the team."
        case .cannotRemoveYourself: "You cannot remove yourself. Another owner can."
        case .lastOwner: "An account needs at least one owner. Make someone else an owner first."
        case .invalidRole: "Choose owner or member."
        }
    }
}

extension AccountAPIKeyError: ProblemWording {
    public var field: String { "name" }

    public var message: String {
        switch self {
        case .invalidName: "Give the key a name of 1 to 100 characters."
        case .nameTaken: "Another active key already has this name."
        case .tooManyKeys: "This account has \(AccountAPIKeys.maximumActiveKeys) active keys, the most it may have. Revoke one first."
        case .notFound: "This key does not exist or was already revoked."
        }
    }
}

extension PasswordChangeError: FieldRefusal {}
extension InvitationError: FieldRefusal {}
extension TeamError: FieldRefusal {}
extension AccountAPIKeyError: FieldRefusal {}
