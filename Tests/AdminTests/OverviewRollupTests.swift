import Foundation
import Metering
import MeteringStore
import Postgres
import Reporting
import TallyDatabase
import TallyTestSupport
import TallyWebTestSupport
import Testing

/// The overview reads `daily_operator_usage` (days, features, models, totals, feature health) and
/// `daily_usage` (accounts); these tests recompute every one of those figures from the raw events.
@Suite("Admin overview from the operator rollup")
struct OverviewRollupTests {
    /// Three accounts in three time zones, with events just inside and just outside February in
    /// their local days, failures, output units, events without a duration, without a feature and
    /// without a model. Clock: 2027-03-03T12:00Z.
    func seedZones(_ harness: WebHarness) async throws {
        try await harness.seedBasicCatalog()
        try await harness.catalog.createAccount(externalID: "utc", name: "Utc Co", planCode: "pro")
        try await harness.catalog.createAccount(externalID: "akl", name: "Auckland Ltd", planCode: "payg", timeZone: "Pacific/Auckland")
        try await harness.catalog.createAccount(externalID: "lax", name: "Los Angeles Inc", planCode: "pro", timeZone: "America/Los_Angeles")
        var events: [String] = []
        for n in 0..<6 {
            events.append(eventJSON("u\(n)", account: "utc", input: 1_000 + n, output: 400 + n, units: n, durationMS: 1 << (n * 3), at: "2027-02-0\(n + 1)T10:00:00Z"))
            events.append(eventJSON("a\(n)", account: "akl", feature: "chat", input: 2_000 + n, output: 300, units: 2, success: n % 3 != 0, durationMS: 0, at: "2027-02-0\(n + 1)T23:00:00Z"))
            events.append(eventJSON("l\(n)", account: "lax", model: "gpt-4o-mini", input: 700, output: 90 + n, durationMS: n == 2 ? nil : 300_000 + n, at: "2027-02-1\(n)T05:00:00Z"))
        }
        // Auckland's 1 February starts at 2027-01-31T11:00Z; its 1 March at 2027-02-28T11:00Z.
        events.append(eventJSON("a-first", account: "akl", input: 5_000, at: "2027-01-31T12:00:00Z"))
        events.append(eventJSON("a-march", account: "akl", input: 5_000, at: "2027-02-28T12:00:00Z"))
        // Los Angeles' 28 February ends at 2027-03-01T08:00Z.
        events.append(eventJSON("l-last", account: "lax", input: 3_000, at: "2027-03-01T02:00:00Z"))
        events.append(eventJSON("l-untagged", account: "lax", feature: nil, input: 800, at: "2027-02-20T18:00:00Z"))
        events.append(eventJSON("u-nomodel", account: "utc", model: nil, at: "2027-02-21T09:00:00Z"))
        try await harness.ingest(events)
    }

    struct Health: Equatable {
        var events: Int64 = 0, failures: Int64 = 0, units: Int64 = 0, cost: Int64 = 0
        var latency = [Int64](repeating: 0, count: 20)
    }

    @Test("days, features, models, accounts, totals and feature health equal SQL over the events in local days")
    func figuresEqualEvents() async throws {
        try await WebHarness.with(start: instant("2027-03-03T12:00:00Z")) { harness in
            try await seedZones(harness)
            let report = try await OverviewReport.load(
                from: LocalDay("2027-02-01")!, through: LocalDay("2027-02-28")!, now: harness.clock.now(),
                pool: harness.pool, scope: .staff)
            // The local day from the instant and the account's zone, not the stored local_day.
            let february = """
                FROM usage_events e JOIN accounts a ON a.id = e.account_id
                WHERE (e.occurred_at AT TIME ZONE a.time_zone)::date BETWEEN '2027-02-01' AND '2027-02-28'
                """
            func sums(_ key: String) async throws -> [String: (events: Int64, cost: Int64)] {
                var result: [String: (Int64, Int64)] = [:]
                for row in try await harness.rows("SELECT \(unsafeRaw: key), count(*)::bigint, sum(e.cost)::bigint \(unsafeRaw: february) GROUP BY 1") {
                    let (key, events, cost) = try row.decode((String, Int64, Int64).self)
                    result[key] = (events, cost)
                }
                return result
            }
            let total = try await harness.rows("SELECT count(*)::bigint, sum(e.cost)::bigint \(unsafeRaw: february)")
                .first!.decode((Int64, Int64).self)
            #expect(total.0 == 6 * 3 + 4, "a-first, l-last, l-untagged and u-nomodel are in; a-march is not")
            #expect(report.events == total.0 && report.cost.nanos == total.1)

            let days = try await sums("((e.occurred_at AT TIME ZONE a.time_zone)::date)::text")
            #expect(report.days.count == 28)
            for day in report.days {
                #expect(day.cost.nanos == days[day.day.description]?.cost ?? 0, "\(day.day)")
            }
            for (name, lines, key) in [
                ("feature", report.byFeature, "coalesce(e.feature_key, '')"), ("model", report.byModel, "coalesce(e.model, '')"),
                ("account", report.topAccounts, "e.account_id::text"),
            ] {
                let expected = try await sums(key)
                #expect(lines.count == min(expected.count, name == "account" ? 10 : expected.count), "\(name) lines")
                for line in lines {
                    #expect(line.events == expected[line.key]?.events && line.cost.nanos == expected[line.key].map { Int128($0.cost) }, "\(name) \(line.key)")
                }
                #expect(lines.map(\.cost) == lines.map(\.cost).sorted(by: >), "\(name) lines by cost")
            }
            let untagged = try #require(try await sums("coalesce(e.feature_key, '')")[""])
            #expect(report.unattributedEvents == untagged.events && report.unattributedCost.nanos == untagged.cost)

            var health: [String: Health] = [:]
            for row in try await harness.rows(
                "SELECT coalesce(e.feature_key, ''), e.success, e.output_units, e.cost, e.duration_ms \(unsafeRaw: february)") {
                let (feature, success, units, cost, duration) = try row.decode((String, Bool, Int64, Int64, Int64?).self)
                var sums = health[feature] ?? Health()
                sums.events += 1
                sums.failures += success ? 0 : 1
                sums.units += units
                sums.cost += cost
                if let duration { sums.latency[min(duration == 0 ? 0 : 64 - duration.leadingZeroBitCount, 19)] += 1 }
                health[feature] = sums
            }
            #expect(report.features.map(\.featureKey) == health.keys.sorted())
            for feature in report.features {
                let actual = Health(
                    events: feature.events, failures: feature.failures, units: Int64(feature.outputUnits), cost: Int64(feature.cost.nanos),
                    latency: feature.latency)
                #expect(actual == health[feature.featureKey], "\(feature.featureKey)")
            }
            #expect(health["chat"]?.failures == 2 && health["summarize"]?.latency[19] == 5)
        }
    }

    @Test("an account scope sees no operator rows and cannot write one; no scope fails closed")
    func operatorRowsAreStaffOnly() async throws {
        try await WebHarness.with(start: instant("2027-03-03T12:00:00Z")) { harness in
            try await seedZones(harness)
            let account = try await harness.rows("SELECT id FROM accounts WHERE external_id = 'utc'").first!.decode(Int64.self, at: 0)
            let staff = try await harness.pool.withTransaction(scope: .staff) {
                try await $0.query("SELECT count(*) FROM daily_operator_usage").first!.decode(Int.self, at: 0)
            }
            #expect(staff > 0)
            let seen = try await harness.pool.withTransaction(scope: .account(account)) {
                try await $0.query("SELECT count(*) FROM daily_operator_usage").first!.decode(Int.self, at: 0)
            }
            #expect(seen == 0)
            await #expect(throws: PostgresError.self) {
                try await harness.pool.withTransaction(scope: .account(account)) {
                    try await $0.execute(
                        """
                        INSERT INTO daily_operator_usage (local_day, feature_key, model, events, failures, output_units, cost, latency)
                        VALUES ('2027-02-01', 'x', 'y', 1, 0, 0, 1, array_fill(0::bigint, ARRAY[20]))
                        """)
                }
            }
            do {
                let rows = try await harness.pool.query("SELECT * FROM daily_operator_usage")
                Issue.record("an unscoped query returned \(rows.count) row(s)")
            } catch let error as PostgresError {
                #expect(error.sqlState == "42501")
            }
        }
    }
}
