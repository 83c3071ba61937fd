import Foundation
import Passwords
import TallyCrypto

/// The operator's user commands (`tally user …`): create, disable, reset password. Enforces the
/// password policy on every password a person chooses; generated passwords always pass it.
public struct UserAdministration: Sendable {
    let users: UserStore
    let accounts: AccountStore
    let hasher: PasswordHasher
    let policy: PasswordPolicy

    /// Creates the service.
    public init(users: UserStore, accounts: AccountStore, hasher: PasswordHasher, policy: PasswordPolicy = .standard) {
        self.users = users
        self.accounts = accounts
        self.hasher = hasher
        self.policy = policy
    }

    /// A random password of 20 base64url characters (120 bits), for when none is given.
    public static func generatePassword() -> String {
        SecureRandom.token(bytes: 15)
    }

    /// Creates a user. Customers need `accountExternalID`; staff must not have one.
    ///
    /// - Throws: ``AccessError`` (weak password, taken email, unknown account, role mismatch).
    public func createUser(
        email: String, password: String, role: UserRole, accountExternalID: String?, now: Date
    ) async throws -> User {
        guard role.needsAccount == (accountExternalID != nil) else { throw AccessError.accountMismatch(role: role) }
        if let violation = policy.violation(for: password) { throw AccessError.weakPassword(violation) }
        var accountID: Int64?
        if let accountExternalID {
            guard let account = try await accounts.find(externalID: accountExternalID) else {
                throw AccessError.accountNotFound(externalID: accountExternalID)
            }
            accountID = account.id
        }
        let hash = try await hasher.hash(password)
        return try await users.create(email: email, passwordHash: hash, role: role, accountID: accountID, now: now)
    }

    /// Disables a user and ends their sessions.
    ///
    /// - Throws: ``AccessError/userNotFound``.
    public func disableUser(email: String, now: Date) async throws -> User {
        guard let user = try await users.disable(email: email, now: now) else { throw AccessError.userNotFound }
        return user
    }

    /// Sets a new password and ends every session of the user.
    ///
    /// - Throws: ``AccessError/userNotFound`` or ``AccessError/weakPassword(_:)``.
    public func resetPassword(email: String, newPassword: String, now: Date) async throws -> User {
        if let violation = policy.violation(for: newPassword) { throw AccessError.weakPassword(violation) }
        guard let user = try await users.find(email: email) else { throw AccessError.userNotFound }
        let hash = try await hasher.hash(newPassword)
        try await users.setPassword(userID: user.id, passwordHash: hash, now: now)
        return user
    }
}
