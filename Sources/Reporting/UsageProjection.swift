import Foundation
import Metering

/// Where the current burn rate leads: credits used by the end of the period and the day the
/// granted credits run out.
///
/// The burn rate is the period's credits so far over the time elapsed since the period started
/// (seconds, so a period across a DST change is measured exactly):
///
///     projected at end = used × (end − start) / (now − start)      (rounded half up, milli-credits)
///     run-out instant  = now + (granted − used) × (now − start) / used
///
/// Before one day has passed there is too little to go on and nothing is projected.
public struct UsageProjection: Sendable, Hashable {
    /// When the granted credits run out at the current rate.
    public enum RunOut: Sendable, Hashable {
        /// Not within this period (or nothing used yet, or unlimited).
        case notThisPeriod
        /// Already used up.
        case alreadyUsedUp
        /// At this instant, before the period ends.
        case at(Date)
    }

    /// The least time elapsed before a projection is shown.
    public static let minimumElapsed: TimeInterval = 86_400

    /// Credits used by the period's end at the current rate; nil when it is too early to say.
    public let projectedAtEnd: Credits?
    /// When the granted credits run out; nil when it is too early to say or nothing is granted.
    public let runOut: RunOut?

    /// The projection for `used` credits of `granted` in `period` at `now`.
    public init(used: Credits, granted: CreditLimit, period: BillingPeriod, now: Date) {
        let elapsed = Int128(max(0, now.timeIntervalSince(period.start)).rounded(.down))
        let length = Int128(period.end.timeIntervalSince(period.start).rounded(.down))
        guard now.timeIntervalSince(period.start) >= Self.minimumElapsed, elapsed > 0 else {
            projectedAtEnd = nil
            runOut = nil
            return
        }
        let usedMillis = Int128(max(used.millis, 0))
        projectedAtEnd = Credits(millis: Int64(clamping: (2 * usedMillis * length + elapsed) / (2 * elapsed)))
        guard case .limited(let granted) = granted else {
            runOut = .notThisPeriod
            return
        }
        if used >= granted {
            runOut = .alreadyUsedUp
        } else if usedMillis == 0 {
            runOut = .notThisPeriod
        } else {
            let seconds = (Int128(granted.millis) - usedMillis) * elapsed / usedMillis
            let instant = now.addingTimeInterval(TimeInterval(Int64(clamping: seconds)))
            runOut = instant < period.end ? .at(instant) : .notThisPeriod
        }
    }
}
