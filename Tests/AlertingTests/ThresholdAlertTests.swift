// Credits-used thresholds, checked inside the ingest transaction (issue 8).
import Alerting
import Foundation
import Metering
import MeteringStore
import Postgres
import TallyDatabase
import TallyTestSupport
import TallyWebTestSupport
import Testing

@Suite("Threshold alerts at ingest")
struct ThresholdAlertTests {
    @Test("each threshold fires once when crossed, not before, and never again in the period")
    func firesOncePerThreshold() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()   // pro: block, 100 credits
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.ingest(harness.summarizeEvents("acme", count: 49, prefix: "a"))
            #expect(try await harness.thresholds("acme") == [])   // 49 % of 100: nothing yet
            try await harness.ingest(harness.summarizeEvents("acme", count: 1, prefix: "b"))
            #expect(try await harness.thresholds("acme") == [50])
            try await harness.ingest(harness.summarizeEvents("acme", count: 41, prefix: "c"))   // 91
            #expect(try await harness.thresholds("acme") == [50, 75, 90])
            // A retried batch (duplicates only) and more usage below 100 % add nothing.
            try await harness.ingest(harness.summarizeEvents("acme", count: 41, prefix: "c"))
            try await harness.ingest(harness.summarizeEvents("acme", count: 8, prefix: "d"))   // 99
            #expect(try await harness.thresholds("acme") == [50, 75, 90])
            try await harness.ingest(harness.summarizeEvents("acme", count: 1, prefix: "e"))   // 100
            #expect(try await harness.thresholds("acme") == [50, 75, 90, 100])
            // The used credits the alerts speak of are the raw events' sum.
            let used = try await harness.rows(
                "SELECT sum(credits)::bigint FROM usage_events WHERE account_id = (SELECT id FROM accounts WHERE external_id = 'acme')")
            #expect(try used.first!.decode(Int64.self, at: 0) == 100_000)
            let levels = try await harness.rows("SELECT threshold, level FROM alerts ORDER BY threshold").map { try $0.decode((Int, String).self) }
            #expect(levels.map(\.1) == ["info", "warning", "warning", "critical"])
        }
    }

    @Test("a new period starts over; a top-up raises what 100 % means")
    func newPeriodAndGrants() async throws {
        try await WebHarness.with(start: instant("2027-02-20T12:00:00Z")) { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.catalog.grant(
                accountExternalID: "acme",
                try CreditGrant(amount: Credits(credits: 100), kind: .topUp, grantedAt: instant("2027-02-01T00:00:00Z")))
            try await harness.ingest(harness.summarizeEvents("acme", count: 100, prefix: "feb"))
            #expect(try await harness.thresholds("acme") == [50])   // 100 of 200 granted
            harness.clock.set(instant("2027-03-02T12:00:00Z"))
            try await harness.ingest(harness.summarizeEvents("acme", count: 100, prefix: "mar"))
            #expect(try await harness.thresholds("acme") == [50, 50])   // once in each period
        }
    }

    @Test("a plan change scheduled for the next period: from that period on, thresholds are of the new plan's credits")
    func planInEffect() async throws {
        try await WebHarness.with(start: instant("2027-02-20T12:00:00Z")) { harness in
            try await harness.seedBasicCatalog()   // pro: 100 credits
            try await harness.catalog.createPlan(PlanDraft(
                code: "big", name: "Big", includedCredits: .limited(Credits(credits: 1_000)), overage: .block(grace: .zero)))
            try await harness.catalog.setEntitlement(planCode: "big", featureKey: "summarize", entitlement: Entitlement(enabled: true))
            let id = try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            let big = try await harness.rows("SELECT id FROM plans WHERE code = 'big'").first!.decode(Int64.self, at: 0)
            try await AdminAccountStore(pool: harness.pool).changePlan(
                id, to: big, timing: .nextPeriod, by: .command, now: harness.clock.now())
            harness.clock.set(instant("2027-03-02T12:00:00Z"))
            // 90 credits: 90 % of pro's 100, 9 % of big's 1,000.
            try await harness.ingest(harness.summarizeEvents("acme", count: 90, prefix: "mar"))
            #expect(try await harness.thresholds("acme") == [])
            try await harness.ingest(harness.summarizeEvents("acme", count: 410, prefix: "more"))   // 500 of 1,000
            #expect(try await harness.thresholds("acme") == [50])
        }
    }

    @Test("no alert without a budget: no plan, unlimited credits, zero included, or the rule off")
    func noBudgetNoAlert() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createPlan(PlanDraft(code: "unlimited", name: "Unlimited", includedCredits: .unlimited, overage: .block(grace: .zero)))
            try await harness.catalog.setEntitlement(planCode: "unlimited", featureKey: "summarize", entitlement: Entitlement(enabled: true))
            try await harness.catalog.createAccount(externalID: "free", name: "Free", planCode: "unlimited")
            try await harness.catalog.createAccount(externalID: "payg", name: "Payg", planCode: "payg")
            try await harness.catalog.createAccount(externalID: "none", name: "None", planCode: nil)
            try await harness.catalog.createAccount(externalID: "off", name: "Off", planCode: "pro")
            try await harness.setRules { $0.creditsEnabled = false }
            for account in ["free", "payg", "none", "off"] {
                try await harness.ingest(harness.summarizeEvents(account, count: 150, prefix: account))
            }
            #expect(try await harness.alertCount(.creditsUsed) == 0)
        }
    }

    @Test("four concurrent ingests that cross 80 % together fire exactly one alert")
    func concurrentIngestsFireOnce() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.setRules { $0.creditThresholds = [80] }
            try await harness.ingest(harness.summarizeEvents("acme", count: 70, prefix: "base"))
            for round in 0..<5 {
                // Each round: four batches of 3 at once, from 70 + 12·round credits.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for batch in 0..<4 {
                        group.addTask {
                            try await harness.ingest(harness.summarizeEvents("acme", count: 3, prefix: "r\(round)-b\(batch)"))
                        }
                    }
                    try await group.waitForAll()
                }
            }
            #expect(try await harness.thresholds("acme") == [80])
        }
    }

    @Test("an alert queues one delivery per enabled endpoint that wants it, in the ingest's transaction")
    func queuesDeliveries() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.addEndpoint(url: "https://hooks.example.test/a")
            let store = WebhookStore(pool: harness.pool)
            let (other, _) = try await store.create(
                WebhookDraft(name: "margins only", url: "https://hooks.example.test/b", rules: [.lowMargin]), by: .command, at: harness.clock.now())
            try await harness.ingest(harness.summarizeEvents("acme", count: 60, prefix: "a"))
            let rows = try await harness.rows("SELECT endpoint_id, state FROM webhook_deliveries").map { try $0.decode((Int64, String).self) }
            #expect(rows.count == 1)
            #expect(rows.first?.0 != other)
            #expect(rows.first?.1 == "pending")
        }
    }
}
