import Foundation
import HTTPTypes
import HummingbirdTesting
import MeteringStore
import Postgres
import TallyTestSupport
import TallyWebTestSupport
import Testing

/// `acme` on `pro`, switched to `payg` from the next period (2027-03-01) through the admin form;
/// leaves `admin@ops.test` and `sales@ops.test`. Returns acme's id.
func scheduleProToPayg(_ harness: WebHarness) async throws -> Int64 {
    let id = try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
    let payg = try await harness.rows("SELECT id FROM plans WHERE code = 'payg'").first!.decode(Int64.self, at: 0)
    try await harness.withClient { client in
        let browsers = try await harness.staffBrowsers(client)
        let scheduled = try await client.submit(
            "/admin/accounts/\(id)/plan", as: browsers.admin, [("plan", String(payg)), ("timing", "next_period")])
        #expect(scheduled.status == .seeOther)
    }
    let from = try await harness.rows("SELECT next_plan_from FROM accounts WHERE id = \(id)").first!.decode(Date?.self, at: 0)
    #expect(from == instant("2027-03-01T00:00:00Z"))
    return id
}

/// One account's row of the margins page: its plan cell, the figures after it (revenue, cost,
/// margin, percent, fee, overage, top-ups) and the badge's markup.
struct MarginsPageRow {
    let plan: String
    let cells: [String]
    let badge: String
}

func marginsRow(_ html: String, accountID: Int64) -> MarginsPageRow? {
    guard let link = html.range(of: #"<a href="/admin/accounts/\#(accountID)">"#),
          let rowEnd = html.range(of: "</tr>", range: link.upperBound..<html.endIndex)
    else { return nil }
    let row = String(html[link.upperBound..<rowEnd.lowerBound])
    var cells: [String] = []
    var rest = row[...]
    while let open = rest.range(of: "<td"), let close = rest.range(of: "</td>", range: open.upperBound..<rest.endIndex) {
        let cell = rest[open.upperBound..<close.lowerBound]
        cells.append(String(cell[(cell.firstIndex(of: ">").map { cell.index(after: $0) } ?? cell.startIndex)...]))
        rest = rest[close.upperBound...]
    }
    guard cells.count == 9 else { return nil }
    return MarginsPageRow(plan: cells[0], cells: Array(cells[1..<8]), badge: cells[8])
}

/// The account page's margin section.
func marginSection(_ html: String) -> String? {
    guard let start = html.range(of: #"id="margin-section""#), let end = html.range(of: "</section>", range: start.upperBound..<html.endIndex)
    else { return nil }
    return String(html[start.upperBound..<end.lowerBound])
}
