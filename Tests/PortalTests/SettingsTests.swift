import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyAccess
import TallyDatabase
import TallyWeb
import TallyWebTestSupport
import Testing

@Suite("Settings page")
struct SettingsTests {
    @Test("shows the user's email and role and the account's time zone and billing day; staff 403, anonymous → sign in")
    func shows() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro", timeZone: "Europe/Paris", anchorDay: 15)
            try await harness.createUser("member@acme.test", role: .member)
            try await harness.createUser("sales@op.test", role: .sales, account: nil)
            try await harness.withClient { client in
                #expect(try await client.get("/settings", as: BrowserState()).headers[.location] == "/login")
                #expect(try await client.get("/settings", as: try await harness.signIn(client, "sales@op.test")).status == .forbidden)
                let page = try await client.get("/settings", as: try await harness.signIn(client, "member@acme.test"))
                #expect(page.status == .ok)
                let html = page.text
                #expect(html.contains("<dd>member@acme.test</dd>") && html.contains("<dd>Member of Acme</dd>"))
                #expect(html.contains("<dd>Europe/Paris</dd>") && html.contains("Day 15 of each month"))
                #expect(html.contains("<dd>15 Feb 2027 – 14 Mar 2027</dd>") && html.contains("<dd>15 Mar 2027</dd>"))
            }
        }
    }

    @Test("changing the password: wrong current, weak or mismatched new → 422; success ends the other sessions and keeps this one")
    func changePassword() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("owner@acme.test", role: .owner)
            try await harness.withClient { client in
                let other = try await harness.signIn(client, "owner@acme.test")
                let browser = try await harness.signIn(client, "owner@acme.test")
                let old = WebHarness.password
                let cases: [([(String, String)], String)] = [
                    ([("current", "wrong"), ("new", "a new passphrase"), ("confirm", "a new passphrase")], "not correct"),
                    ([("current", old), ("new", "short"), ("confirm", "short")], "at least 8"),
                    ([("current", old), ("new", "a new passphrase"), ("confirm", "a new passphrasE")], "The two new passwords differ."),
                ]
                for (fields, message) in cases {
                    let response = try await client.submit("/settings/password", as: browser, fields)
                    #expect(response.status == .unprocessableContent && response.text.contains(message), "\(message)")
                    #expect(!response.text.contains("a new passphrase") && !response.text.contains(old))
                }
                #expect(try await client.get("/settings", as: other).status == .ok)
                let changed = try await client.submit(
                    "/settings/password", as: browser, [("current", old), ("new", "a new passphrase"), ("confirm", "a new passphrase")])
                #expect(changed.status == .seeOther && changed.headers[.location] == "/settings?done=password")
                #expect(try await client.get("/settings?done=password", as: browser).text.contains("Your password was changed."))
                #expect(try await client.get("/settings", as: other).headers[.location] == "/login")
                let (_, oldLogin) = try await client.signIn(email: "owner@acme.test", password: old)
                #expect(oldLogin.status == .ok)
                let (_, newLogin) = try await client.signIn(email: "owner@acme.test", password: "a new passphrase")
                #expect(newLogin.status == .seeOther)
                let hash = try await harness.access.users.passwordHash(userID: try await harness.number("SELECT id FROM users"))
                #expect(hash?.hasPrefix("$argon2id$") == true)
            }
        }
    }
}
