import Foundation
import Synchronization

/// The billing period, the one before it and the local day that hold an instant, for accounts
/// with one time zone and anchor day.
public struct CalendarPlacement: Sendable {
    /// The billing period that holds the instant.
    public let period: BillingPeriod
    /// The period right before it.
    public let previous: BillingPeriod
    /// The local day that holds the instant.
    public let day: LocalDay
    /// `day` as `YYYY-MM-DD`, made once: the ingest writes it into every event's row.
    public let dayText: String
    /// The first instant of `day`.
    public let dayStart: Date
    /// The first instant of the next day.
    public let dayEnd: Date

    /// The placement of `instant` for `anchorDay` in `timeZone`, computed.
    public init(of instant: Date, anchorDay: Int, timeZone: TimeZone) throws(BillingPeriodError) {
        period = try BillingPeriod.containing(instant, anchorDay: anchorDay, timeZone: timeZone)
        previous = period.preceding
        day = LocalDay(containing: instant, in: timeZone)
        dayText = day.description
        dayStart = day.start(in: timeZone)
        dayEnd = day.next.start(in: timeZone)
    }

    /// Whether `instant` falls on this day, and so in the same periods (periods start at local
    /// midnight).
    public func holds(_ instant: Date) -> Bool {
        dayStart <= instant && instant < dayEnd && period.contains(instant)
    }
}

/// Placements remembered per time zone and anchor day: the one memo of calendar arithmetic,
/// shared by the ingest (each event's instant), the entitlement check and the dashboard (now).
///
/// A placement is a pure function of the instant, the zone and the anchor day, so a remembered
/// one is right for every account that shares them, for as long as the instant falls on its
/// day. Foundation's calendar with its DST rules (some 10 µs) then runs about once per zone,
/// anchor and local day instead of once per account in every batch, check and page view.
public final class CalendarMemo: Sendable {
    /// Accounts with the same time zone and anchor day share their periods and days.
    private struct Key: Hashable {
        let timeZone: String
        let anchorDay: Int
    }

    /// More keys than any operator has zones × anchor days; past it the memo starts over.
    public static let capacity = 4_096

    private let memo = Mutex<[Key: CalendarPlacement]>([:])

    /// An empty memo.
    public init() {}

    /// The placement of `instant` for `anchorDay` in `timeZone`: remembered, or computed and
    /// remembered.
    public func placement(of instant: Date, anchorDay: Int, timeZone: TimeZone) throws(BillingPeriodError) -> CalendarPlacement {
        let key = Key(timeZone: timeZone.identifier, anchorDay: anchorDay)
        if let known = memo.withLock({ $0[key] }), known.holds(instant) { return known }
        let placement = try CalendarPlacement(of: instant, anchorDay: anchorDay, timeZone: timeZone)
        memo.withLock { placements in
            if placements.count >= Self.capacity { placements.removeAll(keepingCapacity: true) }
            placements[key] = placement
        }
        return placement
    }
}
