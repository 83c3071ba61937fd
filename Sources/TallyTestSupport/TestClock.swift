import Foundation
import Metering
import Synchronization

/// A clock tests move by hand: every service under test reads it, so a test moves time without
/// sleeping.
public final class TestClock: WallClock {
    /// Where a clock starts unless told: 2027-01-15T08:00:00Z.
    public static let defaultStart = Date(timeIntervalSince1970: 1_800_000_000)

    private let current: Mutex<Date>

    /// A clock standing at `start`.
    public init(_ start: Date = TestClock.defaultStart) {
        current = Mutex(start)
    }

    /// The time the clock stands at.
    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(seconds: Double) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// Sets the clock.
    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}

/// An instant from RFC 3339 text, e.g. `2027-02-20T12:00:00Z` or `2027-03-14T03:00:00-04:00`;
/// text that is not one stops the test run (a typo in a test, not a condition to handle).
public func instant(_ text: String) -> Date {
    do {
        return try Date.ISO8601FormatStyle().parse(text)
    } catch {
        preconditionFailure("'\(text)' is not an RFC 3339 instant")
    }
}
