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

@Suite("Billing page")
struct BillingPageTests {
    @Test("anonymous visitors are sent to sign in; staff get 403")
    func accessRules() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("admin@op.test", role: .admin, account: nil)
            try await harness.createUser("sales@op.test", role: .sales, account: nil)
            try await harness.withClient { client in
                let anonymous = try await client.get("/billing", as: BrowserState())
                #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/login")
                for email in ["admin@op.test", "sales@op.test"] {
                    let staff = try await harness.signIn(client, email)
                    #expect(try await client.get("/billing", as: staff).status == .forbidden, "\(email)")
                }
            }
        }
    }

    @Test("block plan with grants: plan, this period and a closed period equal SQL over events and grants")
    func blockPlanWithGrants() async throws {
        try await WebHarness.with(start: instant("2027-01-10T12:00:00Z")) { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.createUser("owner@acme.test", role: .owner)
            try await harness.createUser("member@acme.test", role: .member)
            // A sold top-up counting through both periods, an adjustment that expired in January.
            try await harness.catalog.grant(accountExternalID: "acme", try CreditGrant(
                amount: Credits(credits: 5), kind: .topUp, grantedAt: instant("2027-01-05T00:00:00Z"),
                expiresAt: instant("2027-03-01T00:00:00Z"), price: Money(dollars: 4)), note: "Launch week")
            try await harness.catalog.grant(accountExternalID: "acme", try CreditGrant(
                amount: Credits(credits: 20), kind: .adjustment, grantedAt: instant("2027-01-02T00:00:00Z"),
                expiresAt: instant("2027-01-20T00:00:00Z")), note: "Goodwill")
            try await harness.ingest((1...110).map { usageEvent("jan-\($0)") })
            harness.clock.set(instant("2027-02-20T12:00:00Z"))
            try await harness.ingest((1...7).map { usageEvent("feb-\($0)") } + [
                usageEvent("feb-chat", feature: "chat", extra: #""model": "gpt-4o", "input_tokens": 1000, "output_tokens": 500"#)
            ])
            try await harness.withClient { client in
                for email in ["owner@acme.test", "member@acme.test"] {
                    let browser = try await harness.signIn(client, email)
                    let response = try await client.get("/billing", as: browser)
                    #expect(response.status == .ok)
                    let html = response.text
                    #expect(html.contains("<dd>Pro</dd>") && html.contains("<dd>$49.00</dd>") && html.contains("<dd>100 per period</dd>"))
                    #expect(html.contains("Usage is blocked at the limit"))
                    #expect(html.contains("Periods run in UTC and reset on 1 Mar 2027 (in 8 days)."))
                    #expect(html.contains(#"aria-current="page">Billing</a>"#))

                    // This period: used equals the raw events of February.
                    let febUsed = try await harness.creditsOfEvents("acme", from: "2027-02-01T00:00:00Z", to: "2027-03-01T00:00:00Z")
                    let febGranted = try Credits(credits: 100).adding(try await harness.creditsOfGrants("acme", activeAt: "2027-02-20T12:00:00Z"))
                    #expect(febUsed == (try Credits(parsing: "10")))
                    #expect(html.contains(#"<div class="stat-label">Credits used</div><div class="stat-value">\#(febUsed.formatted)</div>"#))
                    #expect(html.contains(#"<div class="stat-label">Credits granted</div><div class="stat-value">\#(febGranted.formatted)</div>"#))

                    // January, closed: used from raw events, granted from the grants in force at its close.
                    let janUsed = try await harness.creditsOfEvents("acme", from: "2027-01-01T00:00:00Z", to: "2027-02-01T00:00:00Z")
                    let janGranted = try Credits(credits: 100).adding(try await harness.creditsOfGrants("acme", activeAt: "2027-01-31T23:59:59Z"))
                    let janOver = try janUsed.subtracting(janGranted)
                    let cells = numberCells(tableRow(html, containing: "1 Jan 2027 – 31 Jan 2027"))
                    #expect(cells == [janUsed.formatted, janGranted.formatted, janOver.formatted, "$0.00", "$49.00", "$4.00", "$53.00"])
                    #expect(janUsed.formatted == "110" && janGranted.formatted == "105")

                    // Grants with their status.
                    #expect(tableRow(html, containing: "Launch week").contains("Active"))
                    #expect(tableRow(html, containing: "Goodwill").contains("Expired"))
                    #expect(tableRow(html, containing: "Launch week").contains("$4.00"))
                }
            }
        }
    }

    @Test("charge plan: the overage charge of this period and of a closed one equals SQL credits × the plan's price")
    func chargePlan() async throws {
        try await WebHarness.with(start: instant("2027-01-10T12:00:00Z")) { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "payg")
            try await harness.createUser("owner@acme.test", role: .owner)
            try await harness.ingest((1...250).map { usageEvent("jan-\($0)") })
            harness.clock.set(instant("2027-02-20T12:00:00Z"))
            try await harness.ingest((1...40).map { usageEvent("feb-\($0)") })
            try await harness.withClient { client in
                let html = try await client.get("/billing", as: try await harness.signIn(client, "owner@acme.test")).text
                #expect(html.contains("Usage continues; each credit over is charged $0.01."))
                let price = try Money(parsing: "0.01")
                let janUsed = try await harness.creditsOfEvents("acme", from: "2027-01-01T00:00:00Z", to: "2027-02-01T00:00:00Z")
                let janCharge = Money(nanos: janUsed.millis * price.nanos / 1_000)
                let cells = numberCells(tableRow(html, containing: "1 Jan 2027 – 31 Jan 2027"))
                #expect(cells == [janUsed.formatted, "0", janUsed.formatted, janCharge.formatted(), "$0.00", "$0.00", janCharge.formatted()])
                #expect(janCharge.formatted() == "$2.50")
                let febUsed = try await harness.creditsOfEvents("acme", from: "2027-02-01T00:00:00Z", to: "2027-03-01T00:00:00Z")
                let febCharge = Money(nanos: febUsed.millis * price.nanos / 1_000)
                #expect(html.contains(#"<div class="stat-note">\#(febCharge.formatted()) so far</div>"#))
                #expect(febCharge.formatted() == "$0.40")
            }
        }
    }

    @Test("an account without a plan or usage gets clear empty states, not zeros and errors")
    func emptyAccount() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("owner@acme.test", role: .owner)
            // A new account: created in this period (the database stamps its own clock).
            _ = try await harness.rows("UPDATE accounts SET created_at = \(harness.clock.now()) RETURNING 1")
            try await harness.withClient { client in
                let response = try await client.get("/billing", as: try await harness.signIn(client, "owner@acme.test"))
                #expect(response.status == .ok)
                let html = response.text
                #expect(html.contains("This account has no plan yet"))
                #expect(html.contains("No credits have been granted beyond the plan yet."))
                #expect(html.contains("No closed periods yet"))
                #expect(html.contains(#"action="/billing/top-ups""#))
            }
        }
    }

    @Test("closed periods paginate 12 per page, newest first")
    func pastPeriodsPaginate() async throws {
        try await WebHarness.with(start: instant("2025-06-10T12:00:00Z")) { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.createUser("owner@acme.test", role: .owner)
            try await harness.ingest([usageEvent("first")])
            harness.clock.set(instant("2027-02-20T12:00:00Z"))
            try await harness.withClient { client in
                let browser = try await harness.signIn(client, "owner@acme.test")
                let first = try await client.get("/billing", as: browser).text
                #expect(first.contains("1 Jan 2027 – 31 Jan 2027") && !first.contains("1 Jan 2026 – 31 Jan 2026"))
                #expect(first.contains("Page 1 of 2"))
                #expect(first.contains(#"href="/billing?page=2#periods""#))
                let second = try await client.get("/billing?page=2", as: browser).text
                #expect(second.contains("1 Jun 2025 – 30 Jun 2025") && second.contains("1 Jan 2026 – 31 Jan 2026"))
                let juneCells = numberCells(tableRow(second, containing: "1 Jun 2025 – 30 Jun 2025"))
                #expect(juneCells.first == "1")
            }
        }
    }
}
