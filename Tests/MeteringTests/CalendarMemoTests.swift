import Foundation
import Metering
import TallyTestSupport
import Testing

/// One memo of calendar arithmetic serves the ingest, the entitlement check and the dashboard:
/// a remembered placement must be what the calendar gives for every instant it answers.
@Suite("Calendar memo")
struct CalendarMemoTests {
    @Test("a remembered placement is the calendar's own: period, previous period, day and day bounds")
    func rememberedEqualsComputed() throws {
        let memo = CalendarMemo()
        let berlin = try zone("Europe/Berlin")
        // Hourly across the end of DST in Berlin (2027-10-31) and a period boundary (anchor 31).
        var moment = instant("2027-10-29T00:00:00Z")
        while moment < (instant("2027-11-03T00:00:00Z")) {
            let placement = try memo.placement(of: moment, anchorDay: 31, timeZone: berlin)
            let period = try BillingPeriod.containing(moment, anchorDay: 31, timeZone: berlin)
            let day = LocalDay(containing: moment, in: berlin)
            #expect(placement.period == period, "\(moment)")
            #expect(placement.previous == period.preceding, "\(moment)")
            #expect(placement.day == day, "\(moment)")
            #expect(placement.dayText == day.description, "\(moment)")
            #expect(placement.dayStart == day.start(in: berlin), "\(moment)")
            #expect(placement.dayEnd == day.next.start(in: berlin), "\(moment)")
            moment += 3_600
        }
    }

    @Test("zones and anchor days are remembered apart")
    func keyedByZoneAndAnchor() throws {
        let memo = CalendarMemo()
        let moment = instant("2027-03-01T03:00:00Z")
        let utc = try memo.placement(of: moment, anchorDay: 1, timeZone: try zone("UTC"))
        let newYork = try memo.placement(of: moment, anchorDay: 1, timeZone: try zone("America/New_York"))
        let fifteenth = try memo.placement(of: moment, anchorDay: 15, timeZone: try zone("UTC"))
        #expect(utc.day.description == "2027-03-01")
        #expect(newYork.day.description == "2027-02-28")
        #expect(utc.period.firstDay.description == "2027-03-01")
        #expect(newYork.period.firstDay.description == "2027-02-01")
        #expect(fifteenth.period.firstDay.description == "2027-02-15")
    }

    @Test("an anchor day outside 1...31 is refused, as by the calendar")
    func invalidAnchor() throws {
        #expect(throws: BillingPeriodError.invalidAnchorDay(0)) {
            try CalendarMemo().placement(of: Date(timeIntervalSince1970: 0), anchorDay: 0, timeZone: try zone("UTC"))
        }
    }
}
