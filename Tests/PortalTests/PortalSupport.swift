import Foundation
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyAccess
import TallyDatabase
import TallyTestSupport
import TallyWebTestSupport

/// The zone of the portal tests' account: eight hours behind UTC in February, so local midnight
/// is 08:00Z and events near it land on different days in UTC and locally.
let portalZone = "America/Los_Angeles"

/// An event's JSON text: `chat` events carry tokens (2 credits per 1k), `summarize` ones 1 credit.
func meteredEvent(
    _ id: String, at occurredAt: String, feature: String? = "chat", model: String? = "gpt-4o",
    input: Int = 1_000, output: Int = 500, account: String = "acme", success: Bool = true
) -> String {
    var fields = [#""id": "\#(id)""#, #""account": "\#(account)""#, #""occurred_at": "\#(occurredAt)""#,
                  #""input_tokens": \#(input)"#, #""output_tokens": \#(output)"#, #""success": \#(success)"#]
    if let feature { fields.append(#""feature": "\#(feature)""#) }
    if let model { fields.append(#""model": "\#(model)""#) }
    return "{" + fields.joined(separator: ", ") + "}"
}

extension WebHarness {
    /// The basic catalog, account `acme` on `plan` in ``portalZone`` (anchor day 1), and its owner
    /// and member.
    func portalAccount(plan: String? = "pro", account: String = "acme") async throws {
        try await catalog.createAccount(externalID: account, name: account.capitalized, planCode: plan, timeZone: portalZone)
        try await createUser("owner@\(account).test", role: .owner, account: account)
        try await createUser("member@\(account).test", role: .member, account: account)
    }

    /// Ingests `events` as if received at `receivedAt` (the ingest refuses events from the
    /// future and older than its late window), then puts the clock back.
    func ingest(_ events: [String], receivedAt: String) async throws {
        let now = clock.now()
        clock.set(instant(receivedAt))
        defer { clock.set(now) }
        let result = try await ingest(events)
        _ = result
    }

    /// Σ credits (milli) of `account`'s raw events with `occurred_at` in [from, to).
    func creditsSQL(account: String = "acme", from: String, to: String, feature: String? = nil) async throws -> Int64 {
        try await rows(
            """
            SELECT coalesce(sum(e.credits), 0)::bigint FROM usage_events e JOIN accounts a ON a.id = e.account_id
            WHERE a.external_id = \(account) AND e.occurred_at >= \(instant(from)) AND e.occurred_at < \(instant(to))
              AND (\(feature)::text IS NULL OR e.feature_key = \(feature)::text)
            """).first!.decode(Int64.self, at: 0)
    }

    /// Σ credits, events and tokens of `account`'s raw events per local day of its zone, for the
    /// local days from `from` to `to` inclusive: the independent check of every per-day figure.
    func dailySQL(account: String = "acme", from: String, to: String) async throws -> [(day: String, events: Int64, tokens: Int64, credits: Int64)] {
        try await rows(
            """
            SELECT to_char((e.occurred_at AT TIME ZONE a.time_zone)::date, 'YYYY-MM-DD') AS day, count(*)::bigint,
                   sum(e.input_tokens + e.cached_input_tokens + e.output_tokens)::bigint, sum(e.credits)::bigint
            FROM usage_events e JOIN accounts a ON a.id = e.account_id
            WHERE a.external_id = \(account)
              AND (e.occurred_at AT TIME ZONE a.time_zone)::date BETWEEN \(from)::date AND \(to)::date
            GROUP BY 1 ORDER BY 1
            """).map { try $0.decode((String, Int64, Int64, Int64).self) }.map { (day: $0.0, events: $0.1, tokens: $0.2, credits: $0.3) }
    }
}

/// Credits (milli) as the pages print them: "1,234.5".
func creditsText(_ millis: Int64) -> String { Credits(millis: millis).formatted }

/// The text of the first element after `marker` up to the next `<`: for reading one figure.
func text(after marker: String, in html: String) -> String? {
    guard let range = html.range(of: marker) else { return nil }
    let rest = html[range.upperBound...].drop { $0 == ">" || $0 == " " || $0 == "\n" }
    return rest.firstIndex(of: "<").map { String(rest[..<$0]).trimmingCharacters(in: .whitespaces) }
}

/// The stat tile with `label`: its value and note.
func stat(_ label: String, in html: String) -> (value: String, note: String)? {
    guard let range = html.range(of: "<div class=\"stat-label\">\(label)</div>") else { return nil }
    let rest = String(html[range.upperBound...])
    guard let value = text(after: "<div class=\"stat-value\"", in: rest) else { return nil }
    let note = text(after: "<div class=\"stat-note\"", in: rest) ?? ""
    return (value, note)
}
