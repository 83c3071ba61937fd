import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyAccess
import TallyCrypto
import TallyDatabase
import TallyTestSupport
import TallyWebTestSupport
import Testing

@Suite("Invitations: single-use links valid 7 days")
struct InvitationTests {
    /// Invites `email` as `role`; returns the link's path, read from the page that shows it once.
    private func invite(_ client: some TestClientProtocol, _ owner: BrowserState, _ email: String, role: String = "member") async throws -> String {
        let response = try await client.submit("/team/invitations", as: owner, [("email", email), ("role", role)])
        #expect(response.status == .ok)
        guard let start = response.text.range(of: "/invitations/") else { return "" }
        let rest = response.text[start.lowerBound...]
        return String(rest.prefix { $0 != "<" && $0 != "\"" })
    }

    /// Opens the link as an anonymous browser (picking up the pre-session CSRF cookie and token).
    private func open(_ client: some TestClientProtocol, _ path: String) async throws -> (BrowserState, TestResponse) {
        var browser = BrowserState()
        let response = try await client.get(path, as: browser)
        browser.absorb(response)
        browser.csrf = csrfField(in: response.body) ?? ""
        return (browser, response)
    }

    @Test("invite → link shown once, only its hash stored → set a password → signed in as a member of the account; the link is used up")
    func lifecycle() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("owner@acme.test", role: .owner)
            try await harness.withClient { client in
                let owner = try await harness.signIn(client, "owner@acme.test")
                let path = try await invite(client, owner, "New.Person@acme.test")
                let token = String(path.dropFirst("/invitations/".count))
                #expect(token.count == 43)
                let stored = try await harness.rows("SELECT encode(token_hash, 'hex') FROM invitations").map { try $0.decode(String.self, at: 0) }
                #expect(stored == [SHA256.hex(token)])
                let team = try await client.get("/team", as: owner).text
                #expect(team.contains("New.Person@acme.test") && !team.contains(token))

                let (visitor, form) = try await open(client, path)
                #expect(form.status == .ok && form.text.contains("Join Acme") && form.text.contains("New.Person@acme.test"))
                #expect(!visitor.csrf.isEmpty && visitor.cookies[csrfCookie] == visitor.csrf)

                let weak = try await client.submit(path, as: visitor, [("password", "short"), ("confirm", "short")])
                #expect(weak.status == .unprocessableContent && weak.text.contains("at least 8"))
                let mismatch = try await client.submit(path, as: visitor, [("password", "a long passphrase"), ("confirm", "another passphrase")])
                #expect(mismatch.status == .unprocessableContent && mismatch.text.contains("The two passwords differ."))
                #expect(try await harness.number("SELECT count(*) FROM users WHERE lower(email) = 'new.person@acme.test'") == 0)

                var joined = visitor
                let accepted = try await client.submit(path, as: joined, [("password", "a long passphrase"), ("confirm", "a long passphrase")])
                #expect(accepted.status == .seeOther && accepted.headers[.location] == "/")
                joined.absorb(accepted)
                let home = try await client.get("/", as: joined)
                #expect(home.status == .ok && home.text.contains("New.Person@acme.test"))
                let user = try await harness.rows(
                    "SELECT u.role, a.external_id FROM users u JOIN accounts a ON a.id = u.account_id WHERE lower(u.email) = 'new.person@acme.test'"
                ).map { try $0.decode((String, String).self) }
                #expect(user.count == 1 && user[0] == ("member", "acme"))
                #expect(try await harness.number("SELECT count(*) FROM invitations WHERE accepted_at IS NOT NULL AND accepted_user_id IS NOT NULL") == 1)

                let (_, reused) = try await open(client, path)
                #expect(reused.status == .notFound && reused.text.contains("This invitation link is not valid"))
                let (other, _) = try await open(client, "/login")
                let replay = try await client.submit(path, as: other, [("password", "a long passphrase"), ("confirm", "a long passphrase")])
                #expect(replay.status == .notFound)
                let (_, signIn) = try await client.signIn(email: "new.person@acme.test", password: "a long passphrase")
                #expect(signIn.status == .seeOther)
            }
        }
    }

    @Test("unknown, used, revoked and expired links get the same 404 page; 7 days minus a second still works")
    func invalidLinksLookTheSame() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("owner@acme.test", role: .owner)
            try await harness.withClient { client in
                let owner = try await harness.signIn(client, "owner@acme.test")
                let expiring = try await invite(client, owner, "late@acme.test")
                let revoked = try await invite(client, owner, "revoked@acme.test")
                let revokedID = try await harness.number("SELECT id FROM invitations WHERE email = 'revoked@acme.test'")
                let confirm = try await client.get("/team/invitations/\(revokedID)/revoke", as: owner)
                #expect(confirm.status == .ok && confirm.text.contains("revoked@acme.test"))
                let revoke = try await client.submit("/team/invitations/revoke", as: owner, [("id", String(revokedID))])
                #expect(revoke.status == .seeOther)

                let (_, unknown) = try await open(client, "/invitations/" + SecureRandom.token(bytes: 32))
                let (_, junk) = try await open(client, "/invitations/not-a-token")
                let (_, revokedPage) = try await open(client, revoked)
                harness.clock.advance(seconds: 7 * 86_400 - 1)
                let (_, stillValid) = try await open(client, expiring)
                #expect(stillValid.status == .ok)
                harness.clock.advance(seconds: 1)
                let (_, expired) = try await open(client, expiring)
                let pages = [unknown, junk, revokedPage, expired]
                #expect(pages.allSatisfy { $0.status == .notFound })
                #expect(Set(pages.map(withoutRequestID)).count == 1)
            }
        }
    }

    @Test("refusals: an open invitation twice, someone already on the team, a bad email; no CSRF token → 403")
    func refusals() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("owner@acme.test", role: .owner)
            try await harness.createUser("member@acme.test", role: .member)
            try await harness.withClient { client in
                let owner = try await harness.signIn(client, "owner@acme.test")
                _ = try await invite(client, owner, "twice@acme.test")
                let twice = try await client.submit("/team/invitations", as: owner, [("email", "TWICE@acme.test"), ("role", "owner")])
                #expect(twice.status == .unprocessableContent && twice.text.contains("already has an open invitation"))
                #expect(twice.text.contains(#"value="TWICE@acme.test""#))
                let member = try await client.submit("/team/invitations", as: owner, [("email", "member@acme.test"), ("role", "member")])
                #expect(member.status == .unprocessableContent && member.text.contains("already on the team"))
                let bad = try await client.submit("/team/invitations", as: owner, [("email", "nobody"), ("role", "member")])
                #expect(bad.status == .unprocessableContent && bad.text.contains("Enter an email address."))
                let path = try await invite(client, owner, "fresh@acme.test", role: "owner")
                var (visitor, _) = try await open(client, path)
                visitor.csrf = "wrong"
                let forged = try await client.submit(path, as: visitor, [("password", "a long passphrase"), ("confirm", "a long passphrase")])
                #expect(forged.status == .forbidden)
                // A signed-in visitor is asked to sign out first.
                let signedIn = try await client.get(path, as: owner)
                #expect(signedIn.status == .ok && signedIn.text.contains("sign out first"))
                #expect(try await client.submit(path, as: owner, [("password", "a long passphrase")]).status == .conflict)
                // An expired invitation for the same email does not block a new one.
                harness.clock.advance(seconds: 8 * 86_400)
                let owner2 = try await harness.signIn(client, "owner@acme.test")
                #expect(try await invite(client, owner2, "twice@acme.test").hasPrefix("/invitations/"))
            }
        }
    }

    @Test("an email that signs in elsewhere cannot accept; the invitation stays open")
    func emailTakenElsewhere() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("owner@acme.test", role: .owner)
            try await harness.createUser("taken@globex.test", role: .member, account: "globex")
            try await harness.withClient { client in
                let owner = try await harness.signIn(client, "owner@acme.test")
                let path = try await invite(client, owner, "taken@globex.test")
                let (visitor, _) = try await open(client, path)
                let response = try await client.submit(path, as: visitor, [("password", "a long passphrase"), ("confirm", "a long passphrase")])
                #expect(response.status == .unprocessableContent && response.text.contains("already has a Tally sign-in"))
                #expect(try await harness.number("SELECT count(*) FROM invitations WHERE accepted_at IS NULL") == 1)
                #expect(try await harness.number("SELECT count(*) FROM users WHERE account_id = (SELECT id FROM accounts WHERE external_id = 'acme')") == 1)
            }
        }
    }

    @Test("a removed member invited again gets their sign-in back with the new password and the invited role")
    func removedMemberRejoins() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("owner@acme.test", role: .owner)
            let member = try await harness.createUser("member@acme.test", role: .member)
            try await harness.withClient { client in
                let owner = try await harness.signIn(client, "owner@acme.test")
                #expect(try await client.submit("/team/members/remove", as: owner, [("id", String(member.id))]).status == .seeOther)
                let path = try await invite(client, owner, "member@acme.test", role: "owner")
                let (visitor, _) = try await open(client, path)
                let accepted = try await client.submit(path, as: visitor, [("password", "back again passphrase"), ("confirm", "back again passphrase")])
                #expect(accepted.status == .seeOther)
                let rows = try await harness.rows(
                    "SELECT id, role, disabled_at IS NULL FROM users WHERE lower(email) = 'member@acme.test'"
                ).map { try $0.decode((Int64, String, Bool).self) }
                #expect(rows.count == 1 && rows[0] == (member.id, "owner", true))
                let (_, old) = try await client.signIn(email: "member@acme.test", password: WebHarness.password)
                #expect(old.status == .ok)
                let (_, new) = try await client.signIn(email: "member@acme.test", password: "back again passphrase")
                #expect(new.status == .seeOther)
            }
        }
    }
}
