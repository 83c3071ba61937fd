import Foundation
import HTTPTypes
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import Reporting
import SVGCharts
import TallyAccess
import TallyTestSupport
import TallyWebTestSupport
import Testing

@Suite("Dashboard")
struct DashboardTests {
    /// Events around local midnight in Los Angeles: Jan 31 23:59:59 local is 08:00Z minus a
    /// second (last period), Feb 1 00:00 local is 08:00Z (this period).
    static let events = [
        meteredEvent("p1", at: "2027-01-15T20:00:00Z"),
        meteredEvent("edge-before", at: "2027-02-01T07:59:59Z", feature: "summarize", model: nil),
        meteredEvent("edge-after", at: "2027-02-01T08:00:00Z", feature: "summarize", model: nil),
        meteredEvent("late-night", at: "2027-02-10T07:30:00Z"),
        meteredEvent("morning", at: "2027-02-10T08:30:00Z", model: "claude-x"),
        meteredEvent("today", at: "2027-02-20T11:00:00Z"),
    ]

    static func seedUsage(_ harness: WebHarness) async throws {
        try await harness.ingest([events[0]], receivedAt: "2027-01-16T00:00:00Z")
        try await harness.ingest(Array(events.dropFirst()), receivedAt: "2027-02-20T11:30:00Z")
    }

    /// The basic catalog, the portal account with `events` ingested, and its member signed in.
    static func withSeededMember(
        _ body: @escaping @Sendable (WebHarness, any TestClientProtocol, BrowserState) async throws -> Void
    ) async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.portalAccount()
            try await seedUsage(harness)
            try await harness.withClient { client in
                let member = try await harness.signIn(client, "member@acme.test")
                try await body(harness, client, member)
            }
        }
    }

    @Test("anonymous visitors sign in first; staff are sent to /admin")
    func anonymousAndStaff() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.createUser("admin@ops.test", role: .admin, account: nil)
            try await harness.withClient { client in
                let anonymous = try await client.get("/", as: BrowserState())
                #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/login")
                let admin = try await harness.signIn(client, "admin@ops.test")
                let staff = try await client.get("/", as: admin)
                #expect(staff.status == .seeOther && staff.headers[.location] == "/admin")
            }
        }
    }

    @Test("an account with no usage gets the first-run state: allowance and reset, no charts")
    func firstRun() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.portalAccount()
            try await harness.withClient { client in
                let owner = try await client.get("/", as: try await harness.signIn(client, "owner@acme.test"))
                let member = try await client.get("/", as: try await harness.signIn(client, "member@acme.test")).text
                #expect(owner.status == .ok)
                let html = owner.text
                #expect(html.contains("No usage yet"))
                #expect(stat("Credits used", in: html)?.value == "0 of 100")
                #expect(stat("Resets", in: html)?.value == "in 9 days")
                #expect(!html.contains("chart-bar") && !html.contains("chart-hbar"))
                #expect(html.contains("href=\"/team\">Invite your team"))
                #expect(member.contains("No usage yet") && !member.contains("Invite your team"))
                #expect(!html.contains("banner-warning") && !html.contains("banner-critical"))
            }
        }
    }

    @Test("every figure equals an independent SQL sum over raw events in the account's zone")
    func figuresMatchRawEvents() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.portalAccount()
            try await Self.seedUsage(harness)
            try await harness.withClient { client in
                let html = try await client.get("/", as: try await harness.signIn(client, "member@acme.test")).text
                // The period is Feb 1 00:00 to Mar 1 00:00 in Los Angeles.
                let used = try await harness.creditsSQL(from: "2027-02-01T08:00:00Z", to: "2027-03-01T08:00:00Z")
                #expect(used == 10_000)
                #expect(stat("Credits used", in: html)?.value == "\(creditsText(used)) of 100")
                #expect(stat("Credits used", in: html)?.note == "10% · \(creditsText(100_000 - used)) remaining")
                #expect(stat("Resets", in: html)?.note == "1 March 2027 (America/Los_Angeles)")
                for row in try await harness.dailySQL(from: "2027-02-01", to: "2027-02-20") {
                    let label = LocalDay(row.day)!.shortText
                    #expect(html.contains("<title>\(label): \(ValueFormat.milliCredits.exact(row.credits))</title>"), "\(row.day)")
                }
                #expect(html.contains("<title>31 Jan") == false, "last period's day is not in this period's chart")
                let chat = try await harness.creditsSQL(from: "2027-02-01T08:00:00Z", to: "2027-03-01T08:00:00Z", feature: "chat")
                let summarize = try await harness.creditsSQL(from: "2027-02-01T08:00:00Z", to: "2027-03-01T08:00:00Z", feature: "summarize")
                #expect(html.contains("<th scope=\"row\">Chat</th><td>\(ValueFormat.milliCredits.exact(chat))</td>"))
                #expect(html.contains("<th scope=\"row\">Summarize</th><td>\(ValueFormat.milliCredits.exact(summarize))</td>"))
                #expect(html.contains("<th scope=\"row\">claude-x</th>") && html.contains("<th scope=\"row\">No model</th>"))
                // Last period: Jan 1–31 local, 31 days.
                let previous = try await harness.creditsSQL(from: "2027-01-01T08:00:00Z", to: "2027-02-01T08:00:00Z")
                #expect(previous == 4_000)
                let average = (2 * previous + 31) / (2 * 31)
                #expect(html.contains("Last period&#39;s daily average") || html.contains("Last period's daily average"))
                #expect(html.contains(ValueFormat.milliCredits.exact(average)))
                // Projection: used × period length / elapsed, in seconds.
                let elapsed = Int64(instant("2027-02-20T12:00:00Z").timeIntervalSince(instant("2027-02-01T08:00:00Z")))
                let length = Int64(instant("2027-03-01T08:00:00Z").timeIntervalSince(instant("2027-02-01T08:00:00Z")))
                let projected = (2 * used * length + elapsed) / (2 * elapsed)
                #expect(projected == 14_609)
                #expect(stat("Projected at period end", in: html)?.value == "\(creditsText((projected + 500) / 1_000 * 1_000)) credits")
                #expect(stat("Credits run out", in: html)?.value == "Not this period")
            }
        }
    }

    /// The reader computes an account's periods and day once per local day; local midnight (in
    /// the account's zone, not UTC) and the period's end must still show on the very next view.
    @Test("local midnight and the period's end show on the very next view")
    func dayAndPeriodRollOver() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.portalAccount()
            try await Self.seedUsage(harness)
            try await harness.withClient { client in
                // A fresh sign-in per view: the clock jumps further than a session lives.
                let view = { (at: String) async throws -> (value: String, note: String)? in
                    harness.clock.set(instant(at))
                    let member = try await harness.signIn(client, "member@acme.test")
                    return stat("Resets", in: try await client.get("/", as: member).text)
                }
                // 2027-02-20 11:00Z is 03:00 on 20 February in Los Angeles; 08:00Z is local midnight.
                let first = try await view("2027-02-20T11:00:00Z")
                #expect(first?.value == "in 9 days")
                #expect(try await view("2027-02-21T07:59:59Z")?.value == "in 9 days")
                #expect(try await view("2027-02-21T08:00:00Z")?.value == "in 8 days")
                #expect(try await view("2027-03-01T07:59:59Z")?.value == "tomorrow")
                let next = try await view("2027-03-01T08:00:00Z")
                #expect(next?.note == "1 April 2027 (America/Los_Angeles)")
            }
        }
    }

    @Test("a changed anchor day or time zone shows the new period on the very next view")
    func calendarChange() async throws {
        try await Self.withSeededMember { harness, client, member in
            let before = try await client.get("/", as: member).text
            #expect(stat("Resets", in: before)?.note == "1 March 2027 (America/Los_Angeles)")
            _ = try await harness.rows(
                "UPDATE accounts SET time_zone = 'Asia/Tokyo', anchor_day = 15 WHERE external_id = 'acme' RETURNING id")
            // 2027-02-20 12:00Z is 21:00 in Tokyo: the period runs from 15 February to 15 March there.
            let after = try await client.get("/", as: member).text
            #expect(stat("Resets", in: after)?.note == "15 March 2027 (Asia/Tokyo)")
        }
    }

    @Test("events ingested between two views change the charts on the very next view")
    func chartsFollowNewEvents() async throws {
        try await Self.withSeededMember { harness, client, member in
            let today = LocalDay("2027-02-20")!.shortText
            let summarizeRow = { (credits: Int64) in
                "<th scope=\"row\">Summarize</th><td>\(ValueFormat.milliCredits.exact(credits))</td>"
            }
            let period = (from: "2027-02-01T08:00:00Z", to: "2027-03-01T08:00:00Z")
            let before = try await client.get("/", as: member).text
            let todayBefore = try await harness.dailySQL(from: "2027-02-20", to: "2027-02-20")[0].credits
            let summarizeBefore = try await harness.creditsSQL(from: period.from, to: period.to, feature: "summarize")
            #expect(try await client.get("/", as: member).text == before, "nothing changed, nothing differs")

            try await harness.ingest(
                [meteredEvent("later", at: "2027-02-20T11:45:00Z", feature: "summarize", model: "claude-x")],
                receivedAt: "2027-02-20T11:50:00Z")
            let after = try await client.get("/", as: member).text
            let todayAfter = try await harness.dailySQL(from: "2027-02-20", to: "2027-02-20")[0].credits
            let summarizeAfter = try await harness.creditsSQL(from: period.from, to: period.to, feature: "summarize")
            #expect(todayAfter > todayBefore && summarizeAfter > summarizeBefore)
            #expect(before.contains("<title>\(today): \(ValueFormat.milliCredits.exact(todayBefore))</title>"))
            #expect(after.contains("<title>\(today): \(ValueFormat.milliCredits.exact(todayAfter))</title>"))
            #expect(!after.contains("<title>\(today): \(ValueFormat.milliCredits.exact(todayBefore))</title>"))
            #expect(before.contains(summarizeRow(summarizeBefore)) && after.contains(summarizeRow(summarizeAfter)))
            #expect(!after.contains(summarizeRow(summarizeBefore)))
        }
    }

    /// The dashboard remembers the period's breakdown (by day, feature and model) with the row
    /// versions it read it at, and reads it again only when those changed. A write to
    /// `daily_usage` alone (which nothing in Tally does: ingest, re-rate and calendar edits all
    /// write `period_usage` too) is therefore not seen until `period_usage` changes, which proves
    /// the views in between used what was remembered and that a version change is noticed.
    @Test("the period's breakdown is read again exactly when its period_usage rows or the features change")
    func breakdownFollowsRowVersions() async throws {
        try await Self.withSeededMember { harness, client, member in
            let today = LocalDay("2027-02-20")!.shortText
            let bar = { (credits: Int64) in "<title>\(today): \(ValueFormat.milliCredits.exact(credits))</title>" }
            let credits = try await harness.dailySQL(from: "2027-02-20", to: "2027-02-20")[0].credits
            let first = try await client.get("/", as: member).text
            #expect(first.contains(bar(credits)))

            let account = "(SELECT id FROM accounts WHERE external_id = 'acme')"
            _ = try await harness.rows(
                "UPDATE daily_usage SET credits = credits + 7000 WHERE account_id = \(unsafeRaw: account) AND local_day = '2027-02-20' AND feature_key = 'chat'")
            #expect(try await client.get("/", as: member).text == first, "period_usage unchanged: the remembered breakdown")

            _ = try await harness.rows(
                "UPDATE period_usage SET credits = credits + 7000 WHERE account_id = \(unsafeRaw: account) AND period_start = '2027-02-01T08:00:00Z' AND feature_key = 'chat'")
            let afterRows = try await client.get("/", as: member).text
            #expect(afterRows.contains(bar(credits + 7000)))
            #expect(!afterRows.contains(bar(credits)))

            #expect(!afterRows.contains("Summaries"))
            _ = try await harness.rows("UPDATE features SET name = 'Summaries' WHERE key = 'summarize'")
            let renamed = try await client.get("/", as: member).text
            #expect(renamed.contains("<th scope=\"row\">Summaries</th>"))
        }
    }

    @Test("used, granted and remaining agree with GET /api/v1/accounts/{a}/entitlements/{f}")
    func agreesWithTheEntitlementCheck() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.portalAccount()
            try await Self.seedUsage(harness)
            try await harness.catalog.grant(
                accountExternalID: "acme",
                try CreditGrant(amount: Credits(credits: 50), kind: .topUp, grantedAt: instant("2027-02-05T00:00:00Z")))
            let key = try await APIKeyStore(pool: harness.pool).create(name: "portal-test", scope: .read, now: harness.clock.now())
            try await harness.withClient { client in
                let html = try await client.get("/", as: try await harness.signIn(client, "member@acme.test")).text
                let response = try await client.execute(
                    uri: "/api/v1/accounts/acme/entitlements/chat", method: .get, headers: [.authorization: "Bearer \(key.secret)"])
                let body = try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any]
                let credits = body?["credits"] as? [String: Any]
                let api = { (name: String) in try Credits(parsing: "\(credits?[name] ?? "")").formatted }
                #expect(stat("Credits used", in: html)?.value == "\(try api("used")) of \(try api("granted"))")
                #expect(stat("Credits used", in: html)?.note.hasSuffix("\(try api("remaining")) remaining") == true)
            }
        }
    }

    @Test("the banner is the highest threshold alert crossed (75% a warning, 100% critical), once; 100% on a block plan reaches the limit")
    func bannersOnABlockPlan() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.portalAccount()
            let first = (1...85).map { meteredEvent("s\($0)", at: "2027-02-19T12:00:00Z", feature: "summarize") }
            try await harness.ingest(first, receivedAt: "2027-02-19T12:00:01Z")
            try await harness.withClient { client in
                let browser = try await harness.signIn(client, "member@acme.test")
                let warning = try await client.get("/", as: browser).text
                #expect(warning.contains("banner banner-warning") && warning.contains("Your account has used 75% of its credits"))
                #expect(!warning.contains("banner-critical") && warning.components(separatedBy: "class=\"banner ").count == 2)
                let more = (86...105).map { meteredEvent("s\($0)", at: "2027-02-19T13:00:00Z", feature: "summarize") }
                try await harness.ingest(more, receivedAt: "2027-02-19T13:00:01Z")
                let over = try await client.get("/", as: browser).text
                #expect(over.contains("banner banner-critical") && over.contains("Your account has used all of its credits"))
                #expect(over.components(separatedBy: "class=\"banner ").count == 2, "one banner for one crossing")
                #expect(stat("Limit reached", in: over)?.value == "Requests refused")
                #expect(stat("Credits used", in: over)?.value == "105 of 100")
                #expect(stat("Credits run out", in: over)?.value == "Used up")
            }
        }
    }

    @Test("a block plan with grace shows the credits left in grace")
    func grace() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createPlan(PlanDraft(
                code: "graced", name: "Graced", includedCredits: .limited(Credits(credits: 10)),
                overage: .block(grace: try BasisPoints(1_000))))
            try await harness.catalog.setEntitlement(planCode: "graced", featureKey: "summarize", entitlement: Entitlement(enabled: true))
            try await harness.portalAccount(plan: "graced")
            try await harness.ingest((1...10).map { meteredEvent("g\($0)", at: "2027-02-19T12:00:00Z", feature: "summarize") }, receivedAt: "2027-02-19T12:00:01Z")
            try await harness.withClient { client in
                let html = try await client.get("/", as: try await harness.signIn(client, "member@acme.test")).text
                #expect(stat("In grace", in: html)?.value == "1 left")
                #expect(stat("In grace", in: html)?.note == "Requests are refused at 11 credits (10% grace included)")
                #expect(html.contains("banner-critical") && html.contains("Your account has used all of its credits"))
            }
        }
    }

    @Test("a charge plan shows the overage so far and its price, and no cap")
    func chargePlan() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.portalAccount(plan: "payg")
            try await harness.ingest((1...5).map { meteredEvent("c\($0)", at: "2027-02-19T12:00:00Z") }, receivedAt: "2027-02-19T12:00:01Z")
            try await harness.withClient { client in
                let html = try await client.get("/", as: try await harness.signIn(client, "owner@acme.test")).text
                let used = try await harness.creditsSQL(from: "2027-02-01T08:00:00Z", to: "2027-03-01T08:00:00Z")
                // Nothing included: everything is overage at $0.01 per credit.
                let charge = Money(nanos: used * 10_000_000 / 1_000).formatted()
                #expect(stat("Credits used", in: html)?.value == creditsText(used))
                #expect(stat("Credits used", in: html)?.note == "None included: each credit is billed as overage")
                #expect(stat("Overage so far", in: html)?.value == "\(creditsText(used)) credits")
                #expect(stat("Overage so far", in: html)?.note == "\(charge) at $0.01 per credit")
                #expect(!html.contains("Hard limit") && !html.contains("Limit reached"))
                #expect(!html.contains("banner-critical"), "overage on a charge plan is allowed")
            }
        }
    }

    @Test("unlimited plans show usage without an allowance; an account without a plan says so")
    func unlimitedAndNoPlan() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createPlan(PlanDraft(code: "unl", name: "Unlimited", includedCredits: .unlimited, overage: .charge(pricePerCredit: .zero)))
            try await harness.catalog.setEntitlement(planCode: "unl", featureKey: "chat", entitlement: Entitlement(enabled: true))
            try await harness.portalAccount(plan: "unl")
            try await harness.portalAccount(plan: nil, account: "bare")
            try await harness.ingest([meteredEvent("u1", at: "2027-02-19T12:00:00Z")], receivedAt: "2027-02-19T12:00:01Z")
            try await harness.withClient { client in
                let html = try await client.get("/", as: try await harness.signIn(client, "member@acme.test")).text
                #expect(stat("Credits used", in: html)?.value == "3")
                #expect(stat("Credits used", in: html)?.note == "Unlimited plan: no allowance to run out")
                #expect(!html.contains("chart-gauge") && !html.contains("Credits run out") && !html.contains("banner-"))
                #expect(html.contains("chart-bar"))
                let bare = try await client.get("/", as: try await harness.signIn(client, "member@bare.test"))
                #expect(bare.status == .ok)
                #expect(bare.text.contains("not on a plan yet") && bare.text.contains("No usage yet"))
            }
        }
    }

    @Test("a paused account is told that requests are refused")
    func pausedAccount() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.portalAccount()
            _ = try await harness.rows("UPDATE accounts SET status = 'paused' WHERE external_id = 'acme'")
            try await harness.withClient { client in
                let html = try await client.get("/", as: try await harness.signIn(client, "member@acme.test")).text
                #expect(html.contains("banner banner-critical") && html.contains("This account is paused"))
            }
        }
    }
}
