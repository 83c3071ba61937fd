import Foundation
import Metering

/// A batch's front to the `CalendarMemo`: a batch is sorted by account and an account's events
/// mostly fall on one day, so the last placement answers most events without a lock.
struct BatchCalendar {
    private let memo: CalendarMemo
    private var accountID: Int64?
    private var last: CalendarPlacement?

    /// A front to `memo`.
    init(_ memo: CalendarMemo) {
        self.memo = memo
    }

    /// The period that holds `instant` and its local day as `YYYY-MM-DD`, in `account`'s zone.
    mutating func place(_ instant: Date, account: MeteredAccount) throws -> (BillingPeriod, String) {
        if accountID == account.id, let last, last.holds(instant) { return (last.period, last.dayText) }
        let placement = try memo.placement(of: instant, for: account)
        accountID = account.id
        last = placement
        return (placement.period, placement.dayText)
    }
}

extension CalendarMemo {
    /// The placement of `instant` in `account`'s time zone and anchor day.
    func placement(of instant: Date, for account: MeteredAccount) throws(BillingPeriodError) -> CalendarPlacement {
        try placement(of: instant, anchorDay: account.anchorDay, timeZone: account.timeZone)
    }
}
