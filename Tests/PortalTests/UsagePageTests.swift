import Foundation
import HTTPTypes
import HummingbirdTesting
import Metering
import SVGCharts
import TallyAccess
import TallyTestSupport
import TallyWebTestSupport
import Testing

@Suite("Usage page")
struct UsagePageTests {
    /// A totals row as the page prints it.
    static func rowHTML(_ keys: [String], events: Int64, tokens: Int64, credits: Int64) -> String {
        "<tr>" + keys.map { "<td>\($0)</td>" }.joined() + "<td class=\"num\">\(ValueFormat.count.exact(events))</td>"
            + "<td class=\"num\">\(ValueFormat.count.exact(tokens))</td><td class=\"num\">\(creditsText(credits))</td></tr>"
    }

    @Test("the daily totals and the CSV equal SQL sums over raw events per local day; filters narrow both")
    func totalsAndCSVMatchRawEvents() async throws {
        try await DashboardTests.withSeededMember { harness, client, browser in
            let query = "?range=custom&from=2027-01-31&to=2027-02-20"
            let page = try await client.get("/usage" + query, as: browser)
            #expect(page.status == .ok)
            let html = page.text
            let expected = try await harness.dailySQL(from: "2027-01-31", to: "2027-02-20")
            #expect(expected.map(\.day) == ["2027-01-31", "2027-02-01", "2027-02-09", "2027-02-10", "2027-02-20"])
            for row in expected {
                #expect(html.contains(Self.rowHTML([row.day], events: row.events, tokens: row.tokens, credits: row.credits)), "\(row.day)")
            }
            #expect(html.contains("chart-stacked"))
            let csv = try await client.get("/usage.csv" + query, as: browser)
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first == "day,events,tokens,credits")
            #expect(Array(lines.dropFirst()) == expected.map { "\($0.day),\($0.events),\($0.tokens),\(Credits(millis: $0.credits).decimalString)" })

            let chat = try await client.get("/usage" + query + "&feature=chat&group=feature", as: browser).text
            let chatCredits = try await harness.creditsSQL(from: "2027-01-31T08:00:00Z", to: "2027-02-21T08:00:00Z", feature: "chat")
            #expect(chat.contains("<td>Chat</td>") && !chat.contains("<td>Summarize</td>"))
            #expect(chat.contains("<td>Total</td><td class=\"num\">3</td><td class=\"num\">4,500</td><td class=\"num\">\(creditsText(chatCredits))</td>"))
            #expect(chat.contains("<option value=\"chat\" selected>Chat</option>"))
            let chatCSV = try await client.get("/usage.csv" + query + "&feature=chat&group=feature", as: browser).text
            #expect(chatCSV == "feature,events,tokens,credits\r\nChat,3,4500,\(Credits(millis: chatCredits).decimalString)\r\n")
        }
    }

    @Test("presets resolve on the account's calendar and links keep the filters")
    func presets() async throws {
        try await DashboardTests.withSeededMember { harness, client, browser in
            let period = try await client.get("/usage", as: browser).text
            #expect(period.contains("1 February 2027 – 20 February 2027"))
            #expect(period.contains("<a href=\"?range=period\"") == false)
            #expect(period.contains("href=\"/usage?range=period\" aria-current=\"page\""))
            let last = try await client.get("/usage?range=last-period&model=_none", as: browser).text
            #expect(last.contains("1 January 2027 – 31 January 2027"))
            // Only the summarize event of Jan 31 has no model.
            #expect(last.contains(Self.rowHTML(["2027-01-31"], events: 1, tokens: 1_500, credits: 1_000)))
            #expect(!last.contains("<td>2027-01-15</td>"))
            #expect(last.contains("href=\"/usage?range=7d&amp;model=_none\"") || last.contains("href=\"/usage?range=7d&model=_none\""))
            let week = try await client.get("/usage?range=7d", as: browser).text
            #expect(week.contains("14 February 2027 – 20 February 2027"))
        }
    }

    @Test("the filter form keeps a preset when its dates are left alone, and edited dates make it custom")
    func formKeepsThePreset() async throws {
        try await DashboardTests.withSeededMember { harness, client, browser in
            let week = try await client.get("/usage?range=7d", as: browser).text
            #expect(week.contains("<input type=\"hidden\" name=\"range\" value=\"7d\">"))
            #expect(week.contains("value=\"2027-02-14\"") && week.contains("value=\"2027-02-20\""))
            // Apply with a model chosen and the dates as shown: still the last 7 days.
            let filtered = try await client.get("/usage?range=7d&from=2027-02-14&to=2027-02-20&model=_none", as: browser).text
            #expect(filtered.contains("href=\"/usage?range=7d&amp;model=_none\" aria-current=\"page\""))
            #expect(filtered.contains("<input type=\"hidden\" name=\"range\" value=\"7d\">"))
            // Apply with an edited start date: custom dates, and no preset marked current.
            let edited = try await client.get("/usage?range=7d&from=2027-02-10&to=2027-02-20", as: browser).text
            #expect(edited.contains("10 February 2027 – 20 February 2027"))
            #expect(edited.contains("<input type=\"hidden\" name=\"range\" value=\"custom\">"))
            #expect(!edited.contains("aria-current=\"page\">Last 7 days"))
        }
    }

    @Test("a query the page cannot show answers 400 with the form and a message, never 500")
    func badQueries() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.portalAccount()
            try await harness.withClient { client in
                let browser = try await harness.signIn(client, "member@acme.test")
                let cases = [
                    ("range=bogus", "Choose a range"),
                    ("range=custom&from=2027-13-01&to=2027-02-01", "Enter the start date as YYYY-MM-DD."),
                    ("from=2027-02-10&to=2027-02-01", "is before the start date"),
                    ("from=2026-01-01&to=2027-02-01", "Choose at most 366 days"),
                    ("range=custom", "Enter a start date."),
                    ("page=0", "Pages go from 1 to 200"),
                    ("page=abc", "Pages go from 1 to 200"),
                    ("group=week", "Group by day, feature, model"),
                    ("feature=" + String(repeating: "x", count: 201), "too long"),
                ]
                for (query, message) in cases {
                    let page = try await client.get("/usage?" + query, as: browser)
                    #expect(page.status == .badRequest, "\(query)")
                    #expect(page.text.contains("role=\"alert\"") && page.text.contains(message), "\(query)")
                    #expect(!page.text.contains("chart-stacked"), "\(query)")
                    let csv = try await client.get("/usage.csv?" + query, as: browser)
                    #expect(csv.status == .badRequest && csv.text.contains(message), "\(query)")
                }
                let kept = try await client.get("/usage?from=2027-02-10&to=2027-02-01", as: browser).text
                #expect(kept.contains("value=\"2027-02-10\"") && kept.contains("aria-invalid=\"true\" aria-describedby=\"f-to-error\""))
            }
        }
    }

    @Test("recent events: 50 a page, newest first, with the total and previous/next")
    func recentEventsPaginate() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.portalAccount()
            let start = instant("2027-02-10T00:00:00Z")
            let events = (0..<120).map { index in
                meteredEvent(String(format: "ev-%03d", index), at: start.addingTimeInterval(Double(index) * 60).formatted(Date.ISO8601FormatStyle()))
            }
            try await harness.ingest(events, receivedAt: "2027-02-19T00:00:00Z")
            try await harness.withClient { client in
                let browser = try await harness.signIn(client, "member@acme.test")
                let first = try await client.get("/usage", as: browser).text
                #expect(first.components(separatedBy: "class=\"event-id\" href=").count - 1 == 50)
                #expect(first.contains("120 events, newest first") && first.contains("Page 1 of 3"))
                let newest = try #require(first.range(of: "ev-119"))
                let older = try #require(first.range(of: "ev-118"))
                #expect(newest.lowerBound < older.lowerBound)
                #expect(!first.contains("ev-069<"))
                #expect(first.contains("href=\"/usage?range=period&amp;page=2\" rel=\"next\"") || first.contains("href=\"/usage?range=period&page=2\" rel=\"next\""))
                let last = try await client.get("/usage?range=period&page=3", as: browser).text
                #expect(last.components(separatedBy: "class=\"event-id\" href=").count - 1 == 20)
                #expect(last.contains("ev-000<") && last.contains("rel=\"prev\"") && !last.contains("rel=\"next\""))
                let past = try await client.get("/usage?range=period&page=7", as: browser)
                #expect(past.status == .ok && past.text.contains("Page 7 is past the last page (3)"))
                #expect(past.text.contains("href=\"/usage?range=period&amp;page=3\">Go to the last page"))
            }
        }
    }

    @Test("an event's detail: own event 200, another account's and a missing one 404, staff 403")
    func eventDetail() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.portalAccount()
            try await harness.portalAccount(account: "other")
            try await harness.createUser("admin@ops.test", role: .admin, account: nil)
            try await harness.ingest([
                meteredEvent("a b/c", at: "2027-02-20T07:59:00Z", input: 1_234, output: 0),
                meteredEvent("theirs", at: "2027-02-20T07:00:00Z", account: "other"),
                #"{"id": "kinds", "account": "acme", "occurred_at": "2027-02-20T08:00:00Z", "model": "gpt-4o", "output_tokens": 10, "reasoning_tokens": 2500, "cache_write_1h_tokens": 300}"#,
            ], receivedAt: "2027-02-20T11:00:00Z")
            try await harness.withClient { client in
                let member = try await harness.signIn(client, "member@acme.test")
                let kinds = try await client.get("/usage/events/kinds", as: member).text
                #expect(kinds.contains("<dt>Reasoning tokens</dt><dd>2,500"))
                #expect(kinds.contains("<dt>Cache write tokens (1 h)</dt><dd>300"))
                #expect(!kinds.contains("Audio input tokens"))
                let list = try await client.get("/usage", as: member).text
                #expect(list.contains("href=\"/usage/events/a%20b%2Fc\""))
                let own = try await client.get("/usage/events/a%20b%2Fc", as: member)
                #expect(own.status == .ok)
                // 07:59Z is 23:59 on Feb 19 in Los Angeles.
                #expect(own.text.contains("<dt>Counts on</dt><dd>19 February 2027"))
                #expect(own.text.contains("<dt>Input tokens</dt><dd>1,234"))
                #expect(own.text.contains("<dt>Credits</dt><dd>2.468"))
                let foreign = try await client.get("/usage/events/theirs", as: member)
                let missing = try await client.get("/usage/events/nothing-here", as: member)
                #expect(foreign.status == .notFound && missing.status == .notFound)
                let admin = try await harness.signIn(client, "admin@ops.test")
                #expect(try await client.get("/usage/events/theirs", as: admin).status == .forbidden)
                #expect(try await client.get("/usage/events/theirs", as: BrowserState()).status == .seeOther)
            }
        }
    }
}
