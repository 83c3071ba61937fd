import Foundation
import Metering
import Synchronization

/// The billing period and local day of an instant, remembered per time zone and anchor day, for
/// every ingest batch (each event's instant) and every entitlement check (now).
///
/// Both are pure functions of the instant, the zone and the anchor day, so a remembered answer
/// is right for every account that shares them, for as long as the instant falls inside it. The
/// calendar arithmetic (Foundation's calendar with its DST rules, some 10 µs) then runs about
/// once per zone, anchor and local day, instead of once per account in every batch and once
/// per check.
final class CalendarPlacements: Sendable {
    /// Accounts with the same time zone and anchor day share their periods and days.
    struct Key: Hashable {
        let timeZone: String
        let anchorDay: Int
    }

    /// A period and one local day inside it.
    struct Placement {
        let period: BillingPeriod
        let day: String
        let dayStart: Date
        let dayEnd: Date

        /// Whether `instant` falls on this day (and so in this period).
        func holds(_ instant: Date) -> Bool { dayStart <= instant && instant < dayEnd && period.contains(instant) }
    }

    /// More keys than any operator has zones × anchor days; past it the memo starts over.
    static let capacity = 4_096

    private let memo = Mutex<[Key: Placement]>([:])

    /// An empty memo.
    init() {}

    /// The placement of `instant` for `account`: remembered, or computed and remembered.
    func placement(of instant: Date, for account: MeteredAccount) throws -> Placement {
        let key = Key(timeZone: account.timeZone.identifier, anchorDay: account.anchorDay)
        if let known = memo.withLock({ $0[key] }), known.holds(instant) { return known }
        let period = try account.period(containing: instant)
        let local = LocalDay(containing: instant, in: account.timeZone)
        let placement = Placement(
            period: period, day: local.description, dayStart: local.start(in: account.timeZone),
            dayEnd: local.next.start(in: account.timeZone))
        memo.withLock { placements in
            if placements.count >= Self.capacity { placements.removeAll(keepingCapacity: true) }
            placements[key] = placement
        }
        return placement
    }
}

/// A batch's front to `CalendarPlacements`: a batch is sorted by account and an account's
/// events mostly fall on one day, so the last placement answers most events without a lock.
struct BatchCalendar {
    private let placements: CalendarPlacements
    private var accountID: Int64?
    private var last: CalendarPlacements.Placement?

    /// A front to `placements`.
    init(_ placements: CalendarPlacements) {
        self.placements = placements
    }

    /// The period that holds `instant` and its local day as `YYYY-MM-DD`, in `account`'s zone.
    mutating func place(_ instant: Date, account: MeteredAccount) throws -> (BillingPeriod, String) {
        if accountID == account.id, let last, last.holds(instant) { return (last.period, last.day) }
        let placement = try placements.placement(of: instant, for: account)
        accountID = account.id
        last = placement
        return (placement.period, placement.day)
    }
}
