// Auto-pause: a block plan with grace denies once used reaches granted × (1 + grace) (issue 8).
import Alerting
import Foundation
import Metering
import MeteringStore
import TallyTestSupport
import TallyWebTestSupport
import Postgres
import TallyDatabase
import Testing

@Suite("Auto-pause on block plans with grace")
struct AutoPauseTests {
    @Test("over the grace the entitlement check says over_limit until credits are granted or the period resets")
    func overLimitUntilGrantOrReset() async throws {
        try await WebHarness.with(start: instant("2027-02-20T12:00:00Z")) { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createPlan(PlanDraft(
                code: "capped", name: "Capped", monthlyFee: Money(dollars: 10), includedCredits: .limited(Credits(credits: 100)),
                overage: .block(grace: try BasisPoints(1_000))))   // 10 % grace: limit 110
            try await harness.catalog.setEntitlement(planCode: "capped", featureKey: "summarize", entitlement: Entitlement(enabled: true))
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "capped")
            func check() async throws -> EntitlementDecision.Reason? {
                try await harness.entitlement(account: "acme", feature: "summarize")?.decision.reason
            }
            try await harness.ingest(harness.summarizeEvents("acme", count: 105, prefix: "a"))
            #expect(try await check() == .ok)   // over 100 %, within the grace
            try await harness.ingest(harness.summarizeEvents("acme", count: 5, prefix: "b"))
            #expect(try await check() == .overLimit)   // 110 = 100 × 1.1
            #expect(try await harness.thresholds("acme") == [50, 75, 90, 100])
            try await ScheduledRules(pool: harness.pool).evaluate(at: harness.clock.now())
            #expect(try await harness.alertCount(.capReached, account: "acme") == 1)
            // A top-up of 10 credits: limit (100 + 10) × 1.1 = 121.
            try await harness.catalog.grant(
                accountExternalID: "acme", try CreditGrant(amount: Credits(credits: 10), kind: .topUp, grantedAt: harness.clock.now()))
            #expect(try await check() == .ok)
            try await harness.ingest(harness.summarizeEvents("acme", count: 11, prefix: "c"))
            #expect(try await check() == .overLimit)
            // The next period starts from zero.
            harness.clock.set(instant("2027-03-01T00:00:00Z"))
            #expect(try await check() == .ok)
        }
    }
}
