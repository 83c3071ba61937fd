import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TallyAccess
import TallyWeb
import TallyWebTestSupport
import Testing

@Suite("CSRF")
struct CSRFWebTests {
    @Test("POST /logout: no token → 403, another session's token → 403, its own → 303")
    func logoutNeedsToken() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("gus@example.com", password: "right password")
            try await harness.createUser("hal@example.com", password: "right password")
            try await harness.makeApp().test(.router) { client in
                let (gus, _) = try await client.signIn(email: "gus@example.com", password: "right password")
                let (hal, _) = try await client.signIn(email: "hal@example.com", password: "right password")
                #expect(!gus.csrf.isEmpty && gus.csrf != hal.csrf)
                #expect(try await client.post("/logout", gus, csrf: nil).status == .forbidden)
                #expect(try await client.post("/logout", gus, csrf: hal.csrf).status == .forbidden)
                let cookieValue = try #require(gus.cookies[sessionCookie])
                let token = try #require(SessionToken(cookieValue: cookieValue))
                #expect(try await harness.access.sessions.exists(token))
                #expect(try await client.post("/logout", gus, csrf: gus.csrf).status == .seeOther)
                #expect(try await harness.access.sessions.exists(token) == false)
            }
        }
    }

    @Test("the X-CSRF-Token header is accepted in place of the form field")
    func headerToken() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("ida@example.com", password: "right password")
            try await harness.makeApp().test(.router) { client in
                let (ida, _) = try await client.signIn(email: "ida@example.com", password: "right password")
                let response = try await client.post(
                    "/logout", ida, csrf: nil, extraHeaders: [HTTPField.Name("X-CSRF-Token")!: ida.csrf])
                #expect(response.status == .seeOther)
            }
        }
    }

    @Test("Sec-Fetch-Site: cross-site is refused even with a valid token")
    func crossSite() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("jo@example.com", password: "right password")
            try await harness.makeApp().test(.router) { client in
                let (jo, _) = try await client.signIn(email: "jo@example.com", password: "right password")
                let response = try await client.post(
                    "/logout", jo, csrf: jo.csrf, extraHeaders: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
                #expect(response.status == .forbidden)
                let sameOrigin = try await client.post(
                    "/logout", jo, csrf: jo.csrf, extraHeaders: [HTTPField.Name("Sec-Fetch-Site")!: "same-origin"])
                #expect(sameOrigin.status == .seeOther)
            }
        }
    }

    @Test("POST /login needs the pre-session token of the form (double submit)")
    func loginForm() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("kim@example.com", password: "right password")
            try await harness.makeApp().test(.router) { client in
                var noForm = BrowserState()
                let withoutCookie = try await client.submitLogin(&noForm, email: "kim@example.com", password: "right password")
                #expect(withoutCookie.status == .forbidden)
                var forged = BrowserState()
                try await client.openLoginForm(&forged)
                forged.csrf = "forged-token"
                #expect(try await client.submitLogin(&forged, email: "kim@example.com", password: "right password").status == .forbidden)
                var real = BrowserState()
                try await client.openLoginForm(&real)
                #expect(try await client.submitLogin(&real, email: "kim@example.com", password: "right password").status == .seeOther)
            }
        }
    }
}
