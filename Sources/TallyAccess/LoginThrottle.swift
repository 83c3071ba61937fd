import Foundation
import Postgres
import TallyDatabase

/// Counts login attempts in `login_attempts` per key (`email:<lowercased>`, `ip:<address>`).
///
/// An attempt is recorded as a failure *before* the password is checked and flipped to success
/// afterwards, so concurrent attempts see each other and the limits hold under a burst. A
/// throttled attempt is removed again: it checked no password, and counting it would let an
/// attacker extend a lockout forever (there is no permanent lockout).
///
/// `login_attempts` holds no account data and is outside row-level security; its queries still
/// run in the service scope, like everything else on the login path.
struct LoginThrottle: Sendable {
    let database: any ScopedTransactions
    let settings: AccessSettings

    /// The keys one attempt counts against.
    struct Keys: Sendable {
        let email: String
        let address: String

        init(email: String, clientAddress: String) {
            self.email = "email:" + String(email.lowercased().prefix(320))
            self.address = "ip:" + String(clientAddress.prefix(100))
        }
    }

    /// Why an attempt was refused, and for how long.
    struct Refusal: Error, Sendable, Equatable {
        let retryAfterSeconds: Int
        let reason: ThrottleReason
    }

    /// Records the attempt; returns its row ids, or a refusal (and then records nothing).
    func begin(_ keys: Keys, now: Date) async throws -> Result<[Int64], Refusal> {
        let rows = try await database.query(
            """
            INSERT INTO login_attempts (key, attempted_at, succeeded)
            VALUES (\(keys.email), \(now), false), (\(keys.address), \(now), false)
            RETURNING id
            """, scope: .service)
        let ids = try rows.map { try $0.decode(Int64.self, at: 0) }
        let checks: [(String, Bool, Int, Duration, ThrottleReason)] = [
            (keys.email, false, settings.maxFailures, settings.failureWindow, .emailFailures),
            (keys.address, false, settings.maxFailures, settings.failureWindow, .addressFailures),
            (keys.email, true, settings.maxVerifications, settings.verificationWindow, .emailVerifications),
        ]
        for (key, countSuccesses, limit, window, reason) in checks {
            if let seconds = try await retryAfter(key, countSuccesses, limit, window, now, excluding: ids) {
                try await database.execute("DELETE FROM login_attempts WHERE id IN (\(ids[0]), \(ids[1]))", scope: .service)
                return .failure(Refusal(retryAfterSeconds: seconds, reason: reason))
            }
        }
        return .success(ids)
    }

    /// Marks a recorded attempt as successful.
    func succeeded(_ ids: [Int64]) async throws {
        guard ids.count == 2 else { return }
        try await database.execute(
            "UPDATE login_attempts SET succeeded = true WHERE id IN (\(ids[0]), \(ids[1]))", scope: .service)
    }

    /// Deletes attempts too old to count for any limit, for these keys.
    func prune(_ keys: Keys, now: Date) async throws {
        let longest = max(settings.failureWindow.timeInterval, settings.verificationWindow.timeInterval)
        let cutoff = now.addingTimeInterval(-longest)
        try await database.execute(
            "DELETE FROM login_attempts WHERE key IN (\(keys.email), \(keys.address)) AND attempted_at < \(cutoff)",
            scope: .service)
    }

    /// Seconds until `key` is under `limit` again, or nil when it is under now. The answer is
    /// exact: it waits for the `limit`-th most recent counted attempt to leave the window.
    private func retryAfter(
        _ key: String, _ countSuccesses: Bool, _ limit: Int, _ window: Duration, _ now: Date, excluding ids: [Int64]
    ) async throws -> Int? {
        let since = now.addingTimeInterval(-window.timeInterval)
        let rows = try await database.query(
            """
            SELECT attempted_at FROM login_attempts
             WHERE key = \(key) AND attempted_at > \(since) AND (\(countSuccesses) OR NOT succeeded)
               AND id NOT IN (\(ids[0]), \(ids[1]))
             ORDER BY attempted_at DESC
            OFFSET \(limit - 1) LIMIT 1
            """, scope: .service)
        guard let oldest = try rows.first?.decode(Date.self, at: 0) else { return nil }
        let remaining = oldest.addingTimeInterval(window.timeInterval).timeIntervalSince(now)
        return max(1, Int(remaining.rounded(.up)))
    }
}

/// Which limit throttled a login.
public enum ThrottleReason: String, Sendable, Equatable {
    /// Too many failures for this email in the failure window.
    case emailFailures = "email_failures"
    /// Too many failures from this client address in the failure window.
    case addressFailures = "address_failures"
    /// Too many password verifications for this email in the verification window.
    case emailVerifications = "email_verifications"
}
