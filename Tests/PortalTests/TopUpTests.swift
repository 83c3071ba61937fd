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

@Suite("Get more credits: top-up requests")
struct TopUpTests {
    /// Acme on plan pro (100 credits, block), an owner, a member, an admin and a sales user.
    private func setUp(_ harness: WebHarness) async throws {
        try await harness.seedBasicCatalog()
        try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
        try await harness.createUser("owner@acme.test", role: .owner)
        try await harness.createUser("member@acme.test", role: .member)
        try await harness.createUser("admin@op.test", role: .admin, account: nil)
        try await harness.createUser("sales@op.test", role: .sales, account: nil)
    }

    private func granted(_ harness: WebHarness) async throws -> CreditLimit? {
        try await harness.entitlement(account: "acme", feature: "summarize")?.ledger.granted
    }

    @Test("owner asks → admin approves with a price → a sold grant, the entitlement grows, both sides see it; twice is refused")
    func requestAndApprove() async throws {
        try await WebHarness.with { harness in
            try await setUp(harness)
            try await harness.withClient { client in
                let owner = try await harness.signIn(client, "owner@acme.test")
                let asked = try await client.submit("/billing/top-ups", as: owner, [("credits", "500"), ("note", "Launch week")])
                #expect(asked.status == .seeOther && asked.headers[.location] == "/billing?requested=1#top-ups")
                let waiting = try await client.get("/billing?requested=1", as: owner).text
                #expect(waiting.contains("Your request was sent."))
                #expect(tableRow(waiting, containing: "Launch week").contains("Waiting"))

                let member = try await harness.signIn(client, "member@acme.test")
                let memberPage = try await client.get("/billing", as: member).text
                #expect(memberPage.contains("Launch week") && !memberPage.contains(#"action="/billing/top-ups""#))
                #expect(try await client.submit("/billing/top-ups", as: member, [("credits", "5")]).status == .forbidden)

                let id = try await harness.number("SELECT id FROM top_up_requests")
                let sales = try await harness.signIn(client, "sales@op.test")
                let salesPage = try await client.get("/admin/top-ups", as: sales)
                #expect(salesPage.status == .ok && salesPage.text.contains("Launch week"))
                #expect(!salesPage.text.contains("/approve") && !salesPage.text.contains("/decline"))
                #expect(try await client.submit("/admin/top-ups/\(id)/approve", as: sales, [("price", "25")]).status == .forbidden)

                #expect(try await granted(harness) == .limited(Credits(credits: 100)))
                let admin = try await harness.signIn(client, "admin@op.test")
                #expect(try await client.get("/admin/top-ups", as: admin).text.contains("/admin/top-ups/\(id)/approve"))
                let approved = try await client.submit("/admin/top-ups/\(id)/approve", as: admin, [("price", "25"), ("expires", "")])
                #expect(approved.status == .seeOther && approved.headers[.location] == "/admin/top-ups?done=approved")
                #expect(try await granted(harness) == .limited(Credits(credits: 600)))
                let grant = try await harness.rows("SELECT kind, amount, price, expires_at IS NULL FROM credit_grants").map {
                    try $0.decode((String, Int64, Int64?, Bool).self)
                }
                #expect(grant.count == 1 && grant[0].0 == "top_up" && grant[0].1 == 500_000 && grant[0].2 == 25_000_000_000 && grant[0].3)
                #expect(try await harness.number("SELECT count(*) FROM audit_log WHERE action = 'top_up.approve'") == 1)
                #expect(try await harness.number("SELECT count(*) FROM audit_log WHERE action = 'top_up.request'") == 1)

                let again = try await client.submit("/admin/top-ups/\(id)/approve", as: admin, [("price", "25")])
                #expect(again.status == .conflict && again.text.contains("already answered"))
                #expect(try await harness.number("SELECT count(*) FROM credit_grants") == 1)
                #expect(try await client.submit("/admin/top-ups/\(id)/decline", as: admin, [("reason", "late")]).status == .conflict)

                let answered = try await client.get("/billing", as: owner).text
                #expect(tableRow(answered, containing: "Granted for $25.00, never expiring.").contains("Approved"))
                #expect(tableRow(answered, containing: "Top-up request #\(id): Launch week").contains("Active"))
            }
        }
    }

    @Test("two approvals at once make exactly one grant")
    func concurrentApprovals() async throws {
        try await WebHarness.with { harness in
            try await setUp(harness)
            let accountID = try await harness.accountID("acme")
            let store = TopUpRequests(pool: harness.pool)
            let userID = try await harness.number("SELECT id FROM users WHERE email = 'owner@acme.test'")
            let id = try await store.request(
                accountID: accountID, credits: Credits(credits: 50), note: "",
                by: .user(id: userID, email: "owner@acme.test", requestID: nil), now: harness.clock.now())
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        (try? await store.approve(id: id, price: .zero, expiresAt: nil, by: .system, now: harness.clock.now())) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await harness.number("SELECT count(*) FROM credit_grants") == 1)
        }
    }

    @Test("admin declines with a reason; the customer sees it; no grant is made")
    func decline() async throws {
        try await WebHarness.with { harness in
            try await setUp(harness)
            try await harness.withClient { client in
                let owner = try await harness.signIn(client, "owner@acme.test")
                _ = try await client.submit("/billing/top-ups", as: owner, [("credits", "1250.5"), ("note", "")])
                let id = try await harness.number("SELECT id FROM top_up_requests")
                let admin = try await harness.signIn(client, "admin@op.test")
                let empty = try await client.submit("/admin/top-ups/\(id)/decline", as: admin, [("reason", "  ")])
                #expect(empty.status == .unprocessableContent && empty.text.contains("Give the customer a reason"))
                let declined = try await client.submit("/admin/top-ups/\(id)/decline", as: admin, [("reason", "Budget freeze until March")])
                #expect(declined.status == .seeOther)
                let page = try await client.get("/billing", as: owner).text
                #expect(page.contains("Declined: Budget freeze until March"))
                #expect(tableRow(page, containing: "1,250.5").contains("Declined"))
                #expect(try await harness.number("SELECT count(*) FROM credit_grants") == 0)
                #expect(try await harness.number("SELECT count(*) FROM audit_log WHERE action = 'top_up.decline'") == 1)
            }
        }
    }

    @Test("bad input: 422 with the input kept and the message under the field; nothing stored")
    func badInput() async throws {
        try await WebHarness.with { harness in
            try await setUp(harness)
            try await harness.withClient { client in
                let owner = try await harness.signIn(client, "owner@acme.test")
                for (credits, message) in [
                    ("", "Enter how many credits you need."), ("lots", "Enter a number of credits"), ("0", "Ask for more than 0 credits."),
                    ("1.0001", "Enter a number of credits"), ("-5", "Ask for more than 0 credits."),
                ] {
                    let response = try await client.submit("/billing/top-ups", as: owner, [("credits", credits), ("note", "keep me")])
                    #expect(response.status == .unprocessableContent, "\(credits)")
                    #expect(response.text.contains(message), "\(credits)")
                    #expect(response.text.contains(#"aria-describedby="topup-credits-error""#) && response.text.contains(">keep me</textarea>"))
                }
                #expect(try await harness.number("SELECT count(*) FROM top_up_requests") == 0)
                for index in 1...5 { _ = try await client.submit("/billing/top-ups", as: owner, [("credits", "\(index)")]) }
                let sixth = try await client.submit("/billing/top-ups", as: owner, [("credits", "6")])
                #expect(sixth.status == .unprocessableContent && sixth.text.contains("already has 5 requests waiting"))

                let id = try await harness.number("SELECT min(id) FROM top_up_requests")
                let admin = try await harness.signIn(client, "admin@op.test")
                let badPrice = try await client.submit("/admin/top-ups/\(id)/approve", as: admin, [("price", "$25"), ("expires", "2027-13-01")])
                #expect(badPrice.status == .unprocessableContent && badPrice.text.contains("plain number"))
                #expect(badPrice.text.contains(#"value="$25""#))
                let pastExpiry = try await client.submit("/admin/top-ups/\(id)/approve", as: admin, [("price", "25"), ("expires", "2027-01-01")])
                #expect(pastExpiry.status == .unprocessableContent && pastExpiry.text.contains("after today"))
                let unknown = try await client.submit("/admin/top-ups/999999/approve", as: admin, [("price", "25")])
                #expect(unknown.status == .conflict)
                #expect(try await harness.number("SELECT count(*) FROM credit_grants") == 0)
            }
        }
    }

    @Test("an approval with an expiry: the grant stops counting at that day")
    func approvalWithExpiry() async throws {
        try await WebHarness.with { harness in
            try await setUp(harness)
            try await harness.withClient { client in
                let owner = try await harness.signIn(client, "owner@acme.test")
                _ = try await client.submit("/billing/top-ups", as: owner, [("credits", "50")])
                let id = try await harness.number("SELECT id FROM top_up_requests")
                let admin = try await harness.signIn(client, "admin@op.test")
                let approved = try await client.submit("/admin/top-ups/\(id)/approve", as: admin, [("price", "9.99"), ("expires", "2027-02-25")])
                #expect(approved.status == .seeOther)
                #expect(try await granted(harness) == .limited(Credits(credits: 150)))
                #expect(try await client.get("/billing", as: owner).text.contains("Granted for $9.99, expiring 25 Feb 2027."))
                harness.clock.set(instant("2027-02-25T00:00:00Z"))
                #expect(try await granted(harness) == .limited(Credits(credits: 100)))
            }
        }
    }
}
