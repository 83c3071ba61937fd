import Alerting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyTestSupport
import TallyWebTestSupport
import Testing

/// The low-margin alert reads the margins page's own computation.
@Suite("Low-margin alert and the margins page")
struct LowMarginAlertTests {
    @Test("the low-margin alert fires for the account the margins page flags critical, on the plan in effect")
    func lowMarginAlertAgreesWithMarginsPage() async throws {
        try await WebHarness.with(start: instant("2027-02-20T12:00:00Z")) { harness in
            try await harness.seedBasicCatalog()
            let id = try await scheduleProToPayg(harness)
            try await harness.catalog.createAccount(externalID: "steady", name: "Steady", planCode: "pro")
            harness.clock.set(instant("2027-03-10T12:00:00Z"))
            // acme on payg now: $0.07 of overage against $7 of cost. On its old plan ($49 fee) it
            // would be healthy. steady: $49 against $1, healthy either way.
            try await harness.ingest(
                (0..<7).map { eventJSON("m\($0)", account: "acme", at: "2027-03-10T10:00:00Z", costUSD: "1") }
                    + [eventJSON("s0", account: "steady", at: "2027-03-10T10:00:00Z", costUSD: "1")])
            try await ScheduledRules(pool: harness.pool).evaluate(at: harness.clock.now())
            let alerts = try await harness.rows(
                "SELECT account_id, level FROM alerts WHERE rule = 'low_margin' ORDER BY account_id"
            ).map { try $0.decode((Int64, String).self) }
            #expect(alerts.map(\.0) == [id] && alerts.map(\.1) == ["critical"])

            try await harness.withClient { client in
                let sales = try await harness.signIn(client, "sales@ops.test")
                let margins = try await client.get("/admin/margins", as: sales).text
                #expect(marginsRow(margins, accountID: id)?.badge.contains("badge-critical") == true)
                let steady = try await harness.accountID("steady")
                #expect(marginsRow(margins, accountID: steady)?.badge.contains("badge-ok") == true)
            }
        }
    }
}
