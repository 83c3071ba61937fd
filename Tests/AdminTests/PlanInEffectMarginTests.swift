import Foundation
import HTTPTypes
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import Reporting
import TallyDatabase
import TallyTestSupport
import TallyWebTestSupport
import Testing

/// Each period's margin is priced on the plan in effect at the period's start.
@Suite("Margins on the plan in effect")
struct PlanInEffectMarginTests {
    @Test("a plan change scheduled for the next period prices that period on the new plan, the one before on the old")
    func planInEffectAtPeriodStart() async throws {
        try await WebHarness.with(start: instant("2027-02-20T12:00:00Z")) { harness in
            try await harness.seedBasicCatalog()
            let id = try await scheduleProToPayg(harness)
            // Into March: the change is in effect, and no admin action has folded it into plan_id.
            harness.clock.set(instant("2027-03-10T12:00:00Z"))
            try await harness.ingest((0..<7).map { eventJSON("m\($0)", account: "acme", at: "2027-03-10T10:00:00Z") })
            #expect(try await harness.rows("SELECT plan_id = next_plan_id FROM accounts WHERE id = \(id)").first!.decode(Bool.self, at: 0) == false)

            let march = try #require(try await MarginReport.load(
                .current, accountIDs: [id], now: harness.clock.now(), pool: harness.pool, scope: .staff).accounts.first)
            #expect(march.revenue.fee == .zero, "payg has no fee")
            #expect(march.revenue.overage == (try Money(parsing: "0.07")), "7 credits over 0 included at $0.01")
            #expect(march.planCode == "payg")

            let both = try #require(try await MarginReport.load(
                .months(from: YearMonth("2027-02")!, through: YearMonth("2027-03")!), accountIDs: [id], now: harness.clock.now(),
                pool: harness.pool, scope: .staff).accounts.first)
            let proFee = Money(dollars: 49)
            #expect(both.periods.map(\.revenue.fee) == [proFee, .zero], "February on pro, March on payg")

            try await harness.withClient { client in
                let sales = try await harness.signIn(client, "sales@ops.test")
                let row = try #require(marginsRow(try await client.get("/admin/margins", as: sales).text, accountID: id))
                #expect(row.plan == "Pay as you go" && row.cells[4] == "$0.00" && row.cells[5] == "$0.07")
            }
        }
    }
}
