import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import TallyAccess
import TallyTestSupport
import TallyWeb
import TallyWebTestSupport
import Testing

/// Keeps every log line (message and metadata) in memory.
final class LogCapture: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
        Logger(label: "test") { _ in CapturingHandler(capture: self) }
    }

    /// The metadata of every line whose `security.event` is `event`.
    func events(_ event: String) -> [String] {
        lines.withLock { $0.filter { $0.contains("security.event=\(event) ") } }
    }
}

struct CapturingHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let text = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value) " }.joined()
        capture.lines.withLock { $0.append("\(event.message) \(text)") }
    }
}

@Suite("Security log")
struct SecurityLogTests {
    @Test("one line per login success, failure, throttle, logout, expiry, denial and CSRF failure; no secrets")
    func events() async throws {
        let capture = LogCapture()
        try await WebHarness.with { harness in
            let user = try await harness.createUser("lee@example.com", password: "secret password 1")
            try await harness.makeApp(logger: capture.logger).test(.router) { client in
                var state = BrowserState()
                try await client.openLoginForm(&state)
                for _ in 0..<10 { _ = try await client.submitLogin(&state, email: "lee@example.com", password: "wrong password 2") }
                _ = try await client.submitLogin(&state, email: "lee@example.com", password: "wrong password 2")
                harness.clock.advance(seconds: 16 * 60)
                let (signedIn, _) = try await client.signIn(email: "lee@example.com", password: "secret password 1", address: "192.0.2.9")
                _ = try await client.execute(uri: "/admin", method: .get, headers: signedIn.headers)
                _ = try await client.post("/logout", signedIn, csrf: "not the token")
                _ = try await client.post("/logout", signedIn, csrf: signedIn.csrf)
                let (expiring, _) = try await client.signIn(email: "lee@example.com", password: "secret password 1", address: "192.0.2.9")
                harness.clock.advance(seconds: 31 * 60)
                _ = try await client.execute(uri: "/", method: .get, headers: expiring.headers)

                #expect(capture.events("login.failure").count == 10)
                #expect(capture.events("login.throttled").count == 1)
                #expect(capture.events("login.success").count == 2)
                #expect(capture.events("access.denied").count == 1)
                #expect(capture.events("csrf.failure").count == 1)
                #expect(capture.events("logout").count == 1)
                #expect(capture.events("session.expired").count == 1)
                for line in capture.events("login.success") + capture.events("logout") {
                    #expect(line.contains("actor.id=\(user.id) "))
                    #expect(line.contains("request.id="))
                    #expect(line.contains("time=20"))
                }
                let secrets = ["secret password 1", "wrong password 2", signedIn.csrf, expiring.csrf]
                    + signedIn.cookies.values + expiring.cookies.values
                let all = capture.lines.withLock { $0 }
                for secret in secrets where !secret.isEmpty {
                    #expect(!all.contains { $0.contains(secret) }, "a log line contains a secret")
                }
            }
        }
    }
}
