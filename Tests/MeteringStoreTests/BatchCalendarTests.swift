import Foundation
import Metering
@testable import MeteringStore
import Testing

/// The ingest places events through a memo shared by every batch and every account with the
/// same time zone and anchor day (`CalendarMemo`, behind each batch's `BatchCalendar`); its
/// answers must be the calendar's own, whatever the order of the instants and accounts it has
/// seen before.
@Suite("Calendar placements")
struct BatchCalendarTests {
    @Test("remembered placements equal the calendar's, across zones, anchors, DST changes and month ends")
    func memoMatchesTheCalendar() throws {
        let zones = ["UTC", "Europe/Berlin", "America/New_York", "America/Santiago", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Apia"]
        let anchors = [1, 15, 28, 29, 30, 31]
        var accounts: [MeteredAccount] = []
        for zone in zones {
            for anchor in anchors {
                accounts.append(MeteredAccount(
                    id: Int64(accounts.count + 1), externalID: "a\(accounts.count)", planID: nil, status: .active,
                    timeZone: try #require(TimeZone(identifier: zone)), anchorDay: anchor))
            }
        }
        let memo = CalendarMemo()
        var generator = SystemRandomNumberGenerator()
        // Two years around DST changes and leap days, in runs of nearby instants (as batches
        // arrive), with the accounts interleaved.
        let first = 1_798_761_600.0  // 2027-01-01T00:00:00Z
        var checked = 0
        for _ in 0..<400 {
            let around = first + Double.random(in: 0..<(2 * 366 * 86_400), using: &generator)
            var calendar = BatchCalendar(memo)
            let batch = (0..<25).map { _ in
                (accounts.randomElement(using: &generator)!, Date(timeIntervalSince1970: around + Double.random(in: -3 * 3_600...3 * 3_600, using: &generator)))
            }.sorted { $0.0.id < $1.0.id }
            for (account, instant) in batch {
                let (period, day) = try calendar.place(instant, account: account)
                #expect(period == (try account.period(containing: instant)), "\(account.timeZone.identifier) anchor \(account.anchorDay) at \(instant)")
                #expect(day == LocalDay(containing: instant, in: account.timeZone).description, "\(account.timeZone.identifier) at \(instant)")
                checked += 1
            }
        }
        #expect(checked == 10_000)
    }
}
