import Foundation
import Passwords
import Postgres
import TallyDatabase

/// Why a signed-in user's password change was refused.
public enum PasswordChangeError: Error, Sendable, Hashable {
    /// The current password is wrong.
    case wrongCurrentPassword
    /// The new password breaks the policy.
    case weakPassword(PasswordViolation)
    /// The two new passwords differ.
    case confirmationMismatch
}

extension LoginService {
    /// Changes the signed-in user's own password: the current password must verify, the new one
    /// follows `policy` and is typed twice alike. Hashes with the login hasher (argon2id on its
    /// own thread pool) and, in one transaction, stores the hash and ends every other session of
    /// the user; `session` stays signed in.
    ///
    /// - Throws: ``PasswordChangeError``.
    public func changePassword(
        for session: AuthenticatedSession, current: String, new: String, confirmation: String,
        policy: PasswordPolicy = .standard, now: Date
    ) async throws {
        guard let user = try await users.find(id: session.userID, in: .service), user.isActive,
            current.utf8.count <= Self.longestCheckedPassword,
            (try? await hasher.verify(current, against: user.passwordHash)) == true
        else { throw PasswordChangeError.wrongCurrentPassword }
        if let violation = policy.violation(for: new) { throw PasswordChangeError.weakPassword(violation) }
        guard new == confirmation else { throw PasswordChangeError.confirmationMismatch }
        let hash = try await hasher.hash(new)
        try await users.database.withTransaction(scope: .service) { connection in
            try await connection.execute(
                """
                UPDATE users SET password_hash = \(hash), password_changed_at = \(now)
                WHERE id = \(user.id)
                """)
            try await connection.execute(
                "DELETE FROM sessions WHERE user_id = \(user.id) AND token_hash <> \(Data(session.tokenHash))")
        }
    }
}
