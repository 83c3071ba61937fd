import Foundation
import TallyTestSupport
import Testing
@testable import Metering

@Suite("Billing periods")
struct BillingPeriodTests {
    /// (anchor day, time zone, instant, expected start, expected end)
    typealias Case = (anchor: Int, zone: String, at: String, start: String, end: String)

    static let monthEnds: [Case] = [
        (31, "UTC", "2027-01-31T00:00:00Z", "2027-01-31T00:00:00Z", "2027-02-28T00:00:00Z"),
        (31, "UTC", "2027-02-15T12:00:00Z", "2027-01-31T00:00:00Z", "2027-02-28T00:00:00Z"),
        (31, "UTC", "2027-02-27T23:59:59Z", "2027-01-31T00:00:00Z", "2027-02-28T00:00:00Z"),
        (31, "UTC", "2027-02-28T00:00:00Z", "2027-02-28T00:00:00Z", "2027-03-31T00:00:00Z"),
        (31, "UTC", "2027-03-30T23:59:59Z", "2027-02-28T00:00:00Z", "2027-03-31T00:00:00Z"),
        (31, "UTC", "2027-04-30T00:00:00Z", "2027-04-30T00:00:00Z", "2027-05-31T00:00:00Z"),
        (31, "UTC", "2028-02-28T10:00:00Z", "2028-01-31T00:00:00Z", "2028-02-29T00:00:00Z"),
        (31, "UTC", "2028-02-29T10:00:00Z", "2028-02-29T00:00:00Z", "2028-03-31T00:00:00Z"),
        (30, "UTC", "2027-02-15T00:00:00Z", "2027-01-30T00:00:00Z", "2027-02-28T00:00:00Z"),
        (30, "UTC", "2027-03-01T00:00:00Z", "2027-02-28T00:00:00Z", "2027-03-30T00:00:00Z"),
        (30, "UTC", "2028-03-01T00:00:00Z", "2028-02-29T00:00:00Z", "2028-03-30T00:00:00Z"),
        (29, "UTC", "2027-02-27T00:00:00Z", "2027-01-29T00:00:00Z", "2027-02-28T00:00:00Z"),
        (29, "UTC", "2027-02-28T00:00:00Z", "2027-02-28T00:00:00Z", "2027-03-29T00:00:00Z"),
        (29, "UTC", "2028-02-28T23:59:59Z", "2028-01-29T00:00:00Z", "2028-02-29T00:00:00Z"),
        (29, "UTC", "2028-02-29T00:00:00Z", "2028-02-29T00:00:00Z", "2028-03-29T00:00:00Z"),
        (28, "UTC", "2027-02-28T00:00:00Z", "2027-02-28T00:00:00Z", "2027-03-28T00:00:00Z"),
        (1, "UTC", "2027-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z"),
        (1, "UTC", "2026-12-15T00:00:00Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        (15, "UTC", "2027-01-10T00:00:00Z", "2026-12-15T00:00:00Z", "2027-01-15T00:00:00Z"),
        (29, "UTC", "2100-02-28T12:00:00Z", "2100-02-28T00:00:00Z", "2100-03-29T00:00:00Z"),  // 2100 is not leap
    ]

    static let timeZones: [Case] = [
        // New York, DST starts 2027-03-14 02:00 EST → 03:00 EDT: the period is 31 days less an hour.
        (14, "America/New_York", "2027-03-14T07:30:00Z", "2027-03-14T05:00:00Z", "2027-04-14T04:00:00Z"),
        (10, "America/New_York", "2027-03-20T12:00:00Z", "2027-03-10T05:00:00Z", "2027-04-10T04:00:00Z"),
        (10, "America/New_York", "2027-03-10T05:00:00Z", "2027-03-10T05:00:00Z", "2027-04-10T04:00:00Z"),
        (10, "America/New_York", "2027-03-10T04:59:59Z", "2027-02-10T05:00:00Z", "2027-03-10T05:00:00Z"),
        // New York, DST ends 2027-11-07 02:00 EDT → 01:00 EST; 06:30Z is the second 01:30.
        (7, "America/New_York", "2027-11-07T06:30:00Z", "2027-11-07T04:00:00Z", "2027-12-07T05:00:00Z"),
        (7, "America/New_York", "2027-11-07T03:59:59Z", "2027-10-07T04:00:00Z", "2027-11-07T04:00:00Z"),
        // Berlin, DST starts 2027-03-28: the Mar 31 boundary is 00:00 CEST = 22:00Z the day before.
        (31, "Europe/Berlin", "2027-03-30T22:00:00Z", "2027-03-30T22:00:00Z", "2027-04-29T22:00:00Z"),
        (31, "Europe/Berlin", "2027-03-30T21:59:59Z", "2027-02-27T23:00:00Z", "2027-03-30T22:00:00Z"),
        (25, "Europe/Berlin", "2027-10-31T12:00:00Z", "2027-10-24T22:00:00Z", "2027-11-24T23:00:00Z"),
        // Santiago skips midnight on 2024-09-08 (00:00 → 01:00): the period starts at 01:00 local.
        (8, "America/Santiago", "2024-09-20T00:00:00Z", "2024-09-08T04:00:00Z", "2024-10-08T03:00:00Z"),
        (8, "America/Santiago", "2024-09-08T03:59:59Z", "2024-08-08T04:00:00Z", "2024-09-08T04:00:00Z"),
        // Auckland is ahead of UTC: the local Feb 28 starts on Feb 27 UTC.
        (31, "Pacific/Auckland", "2027-02-27T11:00:00Z", "2027-02-27T11:00:00Z", "2027-03-30T11:00:00Z"),
    ]

    @Test("month ends clamp to the last day", arguments: monthEnds)
    func monthEnd(_ c: Case) throws {
        try check(c)
    }

    @Test("boundaries are local midnights across DST", arguments: timeZones)
    func inTimeZones(_ c: Case) throws {
        try check(c)
    }

    private func check(_ c: Case) throws {
        let period = try BillingPeriod.containing(instant(c.at), anchorDay: c.anchor, timeZone: zone(c.zone))
        #expect(period.start == (instant(c.start)), "start for \(c.at)")
        #expect(period.end == (instant(c.end)), "end for \(c.at)")
        #expect(period.resetsAt == period.end)
        #expect(period.contains(instant(c.at)))
    }

    @Test func anchor31In2027() throws {
        var period = try BillingPeriod.containing(instant("2027-01-31T12:00:00Z"), anchorDay: 31, timeZone: .gmt)
        var firstDays: [String] = []
        for _ in 0..<6 {
            firstDays.append(period.firstDay.description)
            period = period.following
        }
        #expect(firstDays == ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30"])
        #expect(period.preceding.firstDay.description == "2027-06-30")
        #expect(period.preceding.following == period)
    }

    @Test func consecutivePeriodsTileTime() throws {
        let newYork = try zone("America/New_York")
        var period = try BillingPeriod.containing(instant("2027-01-05T00:00:00Z"), anchorDay: 31, timeZone: newYork)
        for _ in 0..<24 {
            let next = period.following
            #expect(next.start == period.end)
            #expect(try BillingPeriod.containing(period.end, anchorDay: 31, timeZone: newYork) == next)
            #expect(try BillingPeriod.containing(period.end.addingTimeInterval(-1), anchorDay: 31, timeZone: newYork) == period)
            period = next
        }
    }

    @Test("anchor day must be 1 to 31", arguments: [0, 32, -1])
    func invalidAnchor(day: Int) {
        #expect(throws: BillingPeriodError.invalidAnchorDay(day)) {
            try BillingPeriod.containing(Date(timeIntervalSince1970: 0), anchorDay: day, timeZone: .gmt)
        }
    }
}

@Suite("Local days")
struct LocalDayTests {
    @Test("the local day near midnight", arguments: [
        ("Pacific/Auckland", "2027-01-15T10:59:59Z", "2027-01-15"), ("Pacific/Auckland", "2027-01-15T11:00:00Z", "2027-01-16"),
        ("Pacific/Auckland", "2027-07-15T11:59:59Z", "2027-07-15"), ("Pacific/Auckland", "2027-07-15T12:00:00Z", "2027-07-16"),
        ("America/Los_Angeles", "2027-01-16T07:59:59Z", "2027-01-15"), ("America/Los_Angeles", "2027-01-16T08:00:00Z", "2027-01-16"),
        ("America/Los_Angeles", "2027-01-01T07:59:59Z", "2026-12-31"), ("America/Los_Angeles", "2027-07-16T06:59:59Z", "2027-07-15"),
        ("UTC", "2027-07-16T00:00:00Z", "2027-07-16"),
    ])
    func localDay(zoneID: String, at: String, day: String) throws {
        #expect(LocalDay(containing: instant(at), in: try zone(zoneID)).description == day)
    }

    @Test func startOfALocalDay() throws {
        let auckland = try zone("Pacific/Auckland")
        #expect(LocalDay("2027-01-16")?.start(in: auckland) == (instant("2027-01-15T11:00:00Z")))
        #expect(LocalDay("2027-03-14")?.start(in: try zone("America/New_York")) == (instant("2027-03-14T05:00:00Z")))
    }

    @Test func parsesAndValidates() {
        #expect(LocalDay("2028-02-29") != nil)
        for text in ["2027-02-29", "2027-2-01", "2027-13-01", "2027-00-10", "20270101", "2027-01-01T00", "２０２７-01-01"] {
            #expect(LocalDay(text) == nil, "\(text)")
        }
        #expect(LocalDay(year: 2027, month: 12, day: 31)?.next.description == "2028-01-01")
        #expect(LocalDay(year: 2028, month: 2, day: 28)?.next.description == "2028-02-29")
        #expect(LocalDay(year: 5, month: 1, day: 2)?.description == "0005-01-02")
    }
}
