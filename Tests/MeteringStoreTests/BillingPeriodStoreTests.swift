import Foundation
import HummingbirdTesting
import MeteringStore
import Postgres
import TallyTestSupport
import TallyWebTestSupport
import Testing

/// Billing periods through the real ingest and entitlement check: month-end clamping, leap
/// years, DST changes in non-UTC zones, and late events that belong to the previous period.
/// (The period arithmetic alone is tested in MeteringTests/BillingPeriodTests.)
@Suite("Billing periods through the ingest and the entitlement check")
struct BillingPeriodStoreTests {
    /// One event and where it must land.
    struct Placement: Sendable {
        let occurredAt: String
        let localDay: String
        let periodStart: String
    }

    /// An account's zone and anchor, the server's clock, the current period it implies, and
    /// events each with their expected local day and period start.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let timeZone: String
        let anchorDay: Int
        let now: String
        let currentStart: String
        let currentEnd: String
        let events: [Placement]

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "anchor 31 clamps to Feb 28 (2027, not a leap year); late event in the January period",
            timeZone: "UTC", anchorDay: 31, now: "2027-03-10T12:00:00Z",
            currentStart: "2027-02-28T00:00:00Z", currentEnd: "2027-03-31T00:00:00Z",
            events: [
                Placement(occurredAt: "2027-03-10T11:00:00Z", localDay: "2027-03-10", periodStart: "2027-02-28T00:00:00Z"),
                Placement(occurredAt: "2027-02-28T00:00:00Z", localDay: "2027-02-28", periodStart: "2027-02-28T00:00:00Z"),
                Placement(occurredAt: "2027-02-27T23:59:59Z", localDay: "2027-02-27", periodStart: "2027-01-31T00:00:00Z"),
            ]),
        Case(
            name: "anchor 31 clamps to Apr 30 in Tokyo",
            timeZone: "Asia/Tokyo", anchorDay: 31, now: "2027-05-15T00:00:00Z",
            currentStart: "2027-04-29T15:00:00Z", currentEnd: "2027-05-30T15:00:00Z",
            events: [
                Placement(occurredAt: "2027-05-14T23:00:00Z", localDay: "2027-05-15", periodStart: "2027-04-29T15:00:00Z"),
                Placement(occurredAt: "2027-04-29T14:59:59Z", localDay: "2027-04-29", periodStart: "2027-03-30T15:00:00Z"),
            ]),
        Case(
            name: "anchor 29 starts on Feb 29 in a leap year (2028); late event on Feb 28",
            timeZone: "UTC", anchorDay: 29, now: "2028-03-10T12:00:00Z",
            currentStart: "2028-02-29T00:00:00Z", currentEnd: "2028-03-29T00:00:00Z",
            events: [
                Placement(occurredAt: "2028-02-29T00:00:00Z", localDay: "2028-02-29", periodStart: "2028-02-29T00:00:00Z"),
                Placement(occurredAt: "2028-02-28T12:00:00Z", localDay: "2028-02-28", periodStart: "2028-01-29T00:00:00Z"),
            ]),
        Case(
            name: "anchor 29 clamps to Feb 28 in a common year (2027)",
            timeZone: "UTC", anchorDay: 29, now: "2027-03-10T12:00:00Z",
            currentStart: "2027-02-28T00:00:00Z", currentEnd: "2027-03-29T00:00:00Z",
            events: [
                Placement(occurredAt: "2027-02-28T00:00:00Z", localDay: "2027-02-28", periodStart: "2027-02-28T00:00:00Z"),
                Placement(occurredAt: "2027-02-27T23:00:00Z", localDay: "2027-02-27", periodStart: "2027-01-29T00:00:00Z"),
            ]),
        Case(
            name: "New York: a period across the March DST change (EST start, EDT end)",
            timeZone: "America/New_York", anchorDay: 1, now: "2027-03-20T12:00:00Z",
            currentStart: "2027-03-01T05:00:00Z", currentEnd: "2027-04-01T04:00:00Z",
            events: [
                // 01:30 EST and 03:30 EDT on Mar 14, either side of the jump.
                Placement(occurredAt: "2027-03-14T06:30:00Z", localDay: "2027-03-14", periodStart: "2027-03-01T05:00:00Z"),
                Placement(occurredAt: "2027-03-14T07:30:00Z", localDay: "2027-03-14", periodStart: "2027-03-01T05:00:00Z"),
                // 23:30 EST on Feb 28: late, in the February period.
                Placement(occurredAt: "2027-03-01T04:30:00Z", localDay: "2027-02-28", periodStart: "2027-02-01T05:00:00Z"),
            ]),
        Case(
            name: "Berlin: anchor 31 starts on the October DST change (CEST start, CET end)",
            timeZone: "Europe/Berlin", anchorDay: 31, now: "2027-11-05T12:00:00Z",
            currentStart: "2027-10-30T22:00:00Z", currentEnd: "2027-11-29T23:00:00Z",
            events: [
                // 02:30 CET on Oct 31, after the clocks went back.
                Placement(occurredAt: "2027-10-31T01:30:00Z", localDay: "2027-10-31", periodStart: "2027-10-30T22:00:00Z"),
                // 23:59 CEST on Oct 30: late, in the period that started on Sep 30 (clamped).
                Placement(occurredAt: "2027-10-30T21:59:00Z", localDay: "2027-10-30", periodStart: "2027-09-29T22:00:00Z"),
            ]),
    ]

    @Test(arguments: cases)
    func eventsLandInTheirPeriodAndLocalDay(_ example: Case) async throws {
        try await MeteringHarness.with { harness in
            harness.clock.set(instant(example.now))
            try await harness.catalog.createAccount(
                externalID: "zoned", name: "Zoned", planCode: "pro", timeZone: example.timeZone, anchorDay: example.anchorDay)
            let key = harness.ingestKey
            let events = example.events.enumerated().map { index, placement in
                event("e\(index)", account: "zoned", #""feature": "summarize", "occurred_at": "\#(placement.occurredAt)""#)
            }
            let answerText = try await harness.withClientResult { client in
                let posted = try await client.postEvents(events, key: key)
                #expect(posted.text == #"{"accepted":\#(events.count),"duplicates":0}"#)
                return try await client.get("/api/v1/accounts/zoned/entitlements/summarize", key: key).text
            }
            let answer = try JSONSerialization.jsonObject(with: Data(answerText.utf8)) as? [String: Any] ?? [:]

            let stored = try await harness.rows(
                "SELECT event_id, local_day::text, period_start FROM usage_events ORDER BY event_id"
            ).map { try $0.decode((String, String, Date).self) }
            for (index, placement) in example.events.enumerated() {
                let row = stored.first { $0.0 == "e\(index)" }
                #expect(row?.1 == placement.localDay, "local day of \(placement.occurredAt)")
                #expect(row?.2 == instant(placement.periodStart), "period of \(placement.occurredAt)")
            }

            // period_usage holds one row per period, counting exactly that period's events.
            var expectedCounts: [Date: Int] = [:]
            for placement in example.events { expectedCounts[instant(placement.periodStart), default: 0] += 1 }
            let counters = try await harness.rows(
                "SELECT period_start, events FROM period_usage WHERE feature_key = 'summarize'"
            ).map { try $0.decode((Date, Int).self) }
            #expect(Dictionary(uniqueKeysWithValues: counters) == expectedCounts)

            // The answer covers the current period only: late events count in their own period.
            let period = answer["period"] as? [String: Any]
            #expect(period?["start"] as? String == example.currentStart)
            #expect(period?["end"] as? String == example.currentEnd)
            #expect(period?["resets_at"] as? String == example.currentEnd)
            let used = (answer["credits"] as? [String: Any])?["used"] as? Int
            #expect(used == expectedCounts[instant(example.currentStart)] ?? 0)
            try await expectRollupsMatchEvents(harness)
        }
    }
}

extension MeteringHarness {
    /// Runs `body` with a test client and returns what it returns.
    func withClientResult<Value: Sendable>(
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let box = ResultBox<Value>()
        try await withClient { client in box.set(try await body(client)) }
        return try #require(box.get())
    }
}

/// Carries a value out of a `@Sendable` closure.
final class ResultBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value?

    func set(_ newValue: Value) { lock.withLock { value = newValue } }
    func get() -> Value? { lock.withLock { value } }
}
