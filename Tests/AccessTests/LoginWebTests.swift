import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TallyAccess
import TallyTestSupport
import TallyWeb
import TallyWebTestSupport
import Testing

@Suite("Login page")
struct LoginWebTests {
    @Test("unknown email and wrong password: same status, same body")
    func sameAnswer() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("known@example.com", password: "right password")
            try await harness.makeApp().test(.router) { client in
                var state = BrowserState()
                try await client.openLoginForm(&state)
                let wrong = try await client.submitLogin(&state, email: "known@example.com", password: "wrong password")
                let unknown = try await client.submitLogin(&state, email: "ghost@example.com", password: "wrong password")
                #expect(wrong.status == .ok)
                #expect(unknown.status == wrong.status)
                #expect(String(buffer: wrong.body).contains("Email or password is incorrect."))
                // The form echoes the email typed; apart from that the pages are identical.
                let wrongPage = String(buffer: wrong.body).replacingOccurrences(of: "known@example.com", with: "EMAIL")
                let unknownPage = String(buffer: unknown.body).replacingOccurrences(of: "ghost@example.com", with: "EMAIL")
                #expect(wrongPage == unknownPage)
                #expect(wrong.headers[values: .setCookie] == unknown.headers[values: .setCookie])
            }
        }
    }

    @Test("success sets a __Host- session cookie (HttpOnly, Secure, SameSite=Lax, Path=/) and redirects by role")
    func successCookie() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("member@example.com", password: "right password")
            try await harness.createUser("staff@example.com", role: .sales, password: "right password")
            try await harness.makeApp().test(.router) { client in
                let (_, member) = try await client.signIn(email: "member@example.com", password: "right password")
                #expect(member.status == .seeOther)
                #expect(member.headers[.location] == "/")
                let cookie = try #require(member.headers[values: .setCookie].first { $0.hasPrefix(sessionCookie + "=") })
                for attribute in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] { #expect(cookie.contains(attribute)) }
                #expect(!cookie.contains("Domain"))
                let (_, staff) = try await client.signIn(email: "staff@example.com", password: "right password")
                #expect(staff.headers[.location] == "/admin")
            }
        }
    }

    @Test("the 11th failure in 15 minutes is 429 with Retry-After; another email and address are unaffected")
    func throttlePerEmail() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("victim@example.com", password: "right password")
            try await harness.createUser("other@example.com", password: "right password")
            try await harness.makeApp().test(.router) { client in
                var state = BrowserState()
                try await client.openLoginForm(&state)
                for attempt in 1...10 {
                    let response = try await client.submitLogin(
                        &state, email: "victim@example.com", password: "guess \(attempt)", address: "203.0.113.\(attempt)")
                    #expect(response.status == .ok)
                    harness.clock.advance(seconds: 60)
                }
                let eleventh = try await client.submitLogin(&state, email: "Victim@Example.com", password: "right password", address: "203.0.113.99")
                #expect(eleventh.status == .tooManyRequests)
                // Failures at minutes 0…9, this attempt at minute 10: the first leaves the window at 15.
                #expect(eleventh.headers[.retryAfter] == "300")
                var otherBrowser = BrowserState()
                try await client.openLoginForm(&otherBrowser)
                let other = try await client.submitLogin(&otherBrowser, email: "other@example.com", password: "right password", address: "198.51.100.20")
                #expect(other.status == .seeOther)
                // No permanent lockout: once the window has passed the right password works.
                harness.clock.advance(seconds: 15 * 60)
                let later = try await client.submitLogin(&state, email: "victim@example.com", password: "right password", address: "203.0.113.99")
                #expect(later.status == .seeOther)
            }
        }
    }

    @Test("the 11th failure from one client address is 429, whatever the email; other addresses pass")
    func throttlePerAddress() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("user@example.com", password: "right password")
            try await harness.makeApp().test(.router) { client in
                var state = BrowserState()
                try await client.openLoginForm(&state)
                for attempt in 1...10 {
                    let response = try await client.submitLogin(
                        &state, email: "spray\(attempt)@example.com", password: "guess", address: "192.0.2.66")
                    #expect(response.status == .ok)
                }
                let blocked = try await client.submitLogin(&state, email: "user@example.com", password: "right password", address: "192.0.2.66")
                #expect(blocked.status == .tooManyRequests)
                #expect(Int(blocked.headers[.retryAfter] ?? "") ?? 0 > 0)
                let elsewhere = try await client.submitLogin(&state, email: "user@example.com", password: "right password", address: "192.0.2.67")
                #expect(elsewhere.status == .seeOther)
            }
        }
    }

    @Test("never more than 100 verifications an hour for one email, successes included")
    func verificationCap() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("busy@example.com", password: "right password")
            let login = harness.access.login
            for index in 0..<100 {
                let outcome = try await login.login(
                    email: "busy@example.com", password: "right password", clientAddress: "10.0.\(index / 250).\(index % 250)",
                    now: harness.clock.now())
                guard case .success = outcome else { Issue.record("attempt \(index): \(outcome)"); return }
                harness.clock.advance(seconds: 30)
            }
            let capped = try await login.login(
                email: "busy@example.com", password: "right password", clientAddress: "10.9.9.9", now: harness.clock.now())
            guard case .throttled(_, .emailVerifications) = capped else { Issue.record("expected the cap, got \(capped)"); return }
        }
    }
}
