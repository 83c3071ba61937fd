import Foundation
import HTTPTypes
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyWebTestSupport
import Testing

/// The account page's margin section is the margins page's computation, shown the same way.
@Suite("Account page margin")
struct AccountMarginSectionTests {
    @Test("the account page's revenue, fee, overage, top-ups, margin % and badge are the margins page's figures for that account")
    func accountPageEqualsMarginsPage() async throws {
        try await WebHarness.with { harness in
            try await seedMarginScenario(harness)
            try await harness.withClient { client in
                let sales = try await harness.signIn(client, "sales@ops.test")
                let margins = try await client.get("/admin/margins", as: sales).text
                for account in ["charger", "blocker", "topper"] {
                    let id = try await harness.accountID(account)
                    let row = try #require(marginsRow(margins, accountID: id), "\(account) on the margins page")
                    // revenue, cost, margin, percent, fee, overage, top-ups; then the badge.
                    let (revenue, percent, fee, overage, topUps) = (row.cells[0], row.cells[3], row.cells[4], row.cells[5], row.cells[6])
                    let page = try await client.get("/admin/accounts/\(id)", as: sales).text
                    let section = try #require(marginSection(page), "\(account)'s margin section")
                    #expect(section.contains("<dt>Revenue</dt><dd>\(revenue)</dd>"), "\(account) revenue \(revenue)")
                    #expect(section.contains("<dt>Monthly fee</dt><dd>\(fee)</dd>"), "\(account) fee \(fee)")
                    #expect(section.contains("<dt>Overage charge</dt><dd>\(overage)</dd>"), "\(account) overage \(overage)")
                    #expect(section.contains("<dt>Top-ups sold</dt><dd>\(topUps)</dd>"), "\(account) top-ups \(topUps)")
                    #expect(section.contains("<dt>Gross margin</dt><dd>\(percent) \(row.badge)</dd>"), "\(account) margin \(percent)")
                }
            }
            // The scenario covers an overage charge, a fee and a sold top-up, and a critical badge.
            let expected = try await expectedFebruaryMargins(harness)
            #expect(expected["charger"]?.overage == 70_000_000 && expected["topper"]?.topUps == 20_000_000_000)
        }
    }
}
