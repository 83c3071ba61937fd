import Foundation

/// When a failed delivery is tried again: exponential backoff from `first`, doubling, at most
/// `longest` apart, and never after `giveUpAfter` from the delivery's creation (then it is
/// `failed`). Defaults: 30 s, 1 min, 2 min, … 4 h, for up to 24 h (about 13 attempts).
public struct RetrySchedule: Sendable, Hashable {
    public var first: TimeInterval = 30
    public var longest: TimeInterval = 4 * 3_600
    public var giveUpAfter: TimeInterval = 24 * 3_600

    /// The defaults.
    public init() {}

    /// The delay after failed attempt number `attempt` (1 is the first attempt).
    public func delay(afterAttempt attempt: Int) -> TimeInterval {
        min(first * pow(2, Double(max(attempt - 1, 0))), longest)
    }

    /// The next attempt's time after attempt `attempt` failed at `now`, or nil when that would be
    /// past the give-up horizon of a delivery created at `createdAt`.
    public func nextAttempt(afterAttempt attempt: Int, failedAt now: Date, createdAt: Date) -> Date? {
        let next = now.addingTimeInterval(delay(afterAttempt: attempt))
        return next.timeIntervalSince(createdAt) <= giveUpAfter ? next : nil
    }
}
