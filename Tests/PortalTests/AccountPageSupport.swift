import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyAccess
import TallyDatabase
import TallyTestSupport
import TallyWebTestSupport
import Testing

/// One usage event's JSON for `WebHarness.ingest`.
func usageEvent(_ id: String, account: String = "acme", feature: String = "summarize", at time: String? = nil, extra: String = "") -> String {
    var fields = ["\"id\": \"\(id)\"", "\"account\": \"\(account)\"", "\"feature\": \"\(feature)\""]
    if let time { fields.append("\"occurred_at\": \"\(time)\"") }
    if !extra.isEmpty { fields.append(extra) }
    return "{" + fields.joined(separator: ", ") + "}"
}

extension WebHarness {
    /// Credits of the account's raw events in [from, to), straight from `usage_events`.
    func creditsOfEvents(_ account: String, from: String, to: String) async throws -> Credits {
        let millis = try await rows(
            """
            SELECT coalesce(sum(e.credits), 0)::int8 FROM usage_events e JOIN accounts a ON a.id = e.account_id
            WHERE a.external_id = \(account) AND e.occurred_at >= \(instant(from)) AND e.occurred_at < \(instant(to))
            """
        ).first?.decode(Int64.self, at: 0) ?? -1
        return Credits(millis: millis)
    }

    /// Credits of the account's grants that count at `at`, straight from `credit_grants`.
    func creditsOfGrants(_ account: String, activeAt at: String) async throws -> Credits {
        let millis = try await rows(
            """
            SELECT coalesce(sum(g.amount), 0)::int8 FROM credit_grants g JOIN accounts a ON a.id = g.account_id
            WHERE a.external_id = \(account) AND g.granted_at <= \(instant(at))
              AND (g.expires_at IS NULL OR g.expires_at > \(instant(at)))
            """
        ).first?.decode(Int64.self, at: 0) ?? -1
        return Credits(millis: millis)
    }

    /// One integer from `query`.
    func number(_ query: PostgresQuery) async throws -> Int64 {
        try await rows(query).first?.decode(Int64.self, at: 0) ?? -1
    }

    /// The id of the account with this external id.
    func accountID(_ externalID: String) async throws -> Int64 {
        try await number("SELECT id FROM accounts WHERE external_id = \(externalID)")
    }
}

/// The table row of `html` that contains `label`, from its `<tr>` to its `</tr>`; empty when none.
func tableRow(_ html: String, containing label: String) -> String {
    guard let hit = html.range(of: label),
        let start = html.range(of: "<tr", options: .backwards, range: html.startIndex..<hit.lowerBound),
        let end = html.range(of: "</tr>", range: hit.upperBound..<html.endIndex)
    else { return "" }
    return String(html[start.lowerBound..<end.upperBound])
}

/// The `<td class="num">` cells of a row, in order.
func numberCells(_ row: String) -> [String] {
    row.components(separatedBy: "<td class=\"num\">").dropFirst().map { $0.components(separatedBy: "</td>")[0] }
}

/// The body without the request id (404 pages differ only there).
func withoutRequestID(_ response: TestResponse) -> String {
    let id = response.headers[.init("X-Request-Id")!] ?? "-"
    return response.text.replacingOccurrences(of: id, with: "ID")
}
