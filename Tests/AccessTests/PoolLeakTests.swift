import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import TallyAccess
import TallyDatabase
import TallyTestSupport
import TallyWeb
import TallyWebTestSupport
import Testing

/// Test-only customer routes that read account data with no filter at all, so only the
/// transaction's data scope keeps other accounts out, and that fail midway on request.
enum LeakProbeRoutes {
    struct InjectedFailure: Error {}

    static func register(on router: Router<AppRequestContext>, pool: PostgresPool) {
        let group = router.group("/test-only/leak", context: CustomerRequestContext.self)
        group.get { _, context in
            try await pool.withTransaction(scope: context.scope) { try await unfilteredNames($0) }
        }
        // Throws from Swift in the middle of the transaction (after reading): ROLLBACK path.
        group.get("throw") { _, context -> String in
            try await pool.withTransaction(scope: context.scope) { connection in
                _ = try await unfilteredNames(connection)
                throw InjectedFailure()
            }
        }
        // A query that forgets to set any scope: must fail (42501 → 500), never reuse a scope
        // some earlier request left on the pooled connection.
        group.get("unscoped") { _, _ in
            try await pool.withConnection { try await unfilteredNames($0) }
        }
        // A failing statement: the transaction is aborted on the server, then rolled back.
        group.get("sql-error") { _, context -> String in
            try await pool.withTransaction(scope: context.scope) { connection in
                _ = try await unfilteredNames(connection)
                try await connection.execute("SELECT 1 / 0")
                return "unreachable"
            }
        }
    }

    /// Every account name and user email the scope can see, with no WHERE clause.
    private static func unfilteredNames(_ connection: PostgresConnection) async throws -> String {
        let accounts = try await connection.query("SELECT name FROM accounts").map { try $0.decode(String.self, at: 0) }
        let users = try await connection.query("SELECT email FROM users").map { try $0.decode(String.self, at: 0) }
        return (accounts + users).sorted().joined(separator: "\n")
    }
}

@Suite("Pool leak")
struct PoolLeakTests {
    static let alpha = (account: "Sentinel Alpha 7F3A", email: "ann@alpha-7f3a.test")
    static let bravo = (account: "Sentinel Bravo 91C2", email: "bob@bravo-91c2.test")

    @Test("2,000 requests alternating between accounts A and B, with injected failures, never show the other's data")
    func noLeak() async throws {
        var quiet = Logger(label: "test.quiet")
        quiet.logLevel = .critical
        try await WebHarness.with { harness in
            for (external, person) in [("alpha", Self.alpha), ("bravo", Self.bravo)] {
                _ = try await harness.access.accounts.create(externalID: external, name: person.account)
                try await harness.createUser(person.email, role: .member, account: external, password: "right password")
            }
            let router = harness.makeRouter(logger: quiet)
            LeakProbeRoutes.register(on: router, pool: harness.pool)
            try await Application(router: router, logger: quiet).test(.router) { client in
                let (a, _) = try await client.signIn(email: Self.alpha.email, password: "right password")
                let (b, _) = try await client.signIn(email: Self.bravo.email, password: "right password")
                let outcomes = try await withThrowingTaskGroup(of: [String: Int].self) { group in
                    for worker in 0..<8 {
                        group.addTask { try await Self.run(worker: worker, of: 8, total: 2000, client: client, a: a, b: b) }
                    }
                    return try await group.reduce(into: [:]) { $0.merge($1, uniquingKeysWith: +) }
                }
                #expect(outcomes.values.reduce(0, +) == 2000)
                #expect(outcomes["500", default: 0] > 0 && outcomes["200", default: 0] > 1000, "\(outcomes)")
            }
        }
    }

    /// Requests `worker`, `worker + workers`, … of `total`; returns the count per status.
    private static func run(
        worker: Int, of workers: Int, total: Int, client: some TestClientProtocol, a: BrowserState, b: BrowserState
    ) async throws -> [String: Int] {
        var statuses: [String: Int] = [:]
        for index in stride(from: worker, to: total, by: workers) {
            let isAlpha = index % 2 == 0
            let (own, other) = isAlpha ? (alpha, bravo) : (bravo, alpha)
            let path =
                switch index % 10 {
                case 3: "/test-only/leak/throw"
                case 7: "/test-only/leak/sql-error"
                case 9: "/test-only/leak/unscoped"
                case 0, 5: "/"
                default: "/test-only/leak"
                }
            let response = try await client.execute(uri: path, method: .get, headers: (isAlpha ? a : b).headers)
            let body = String(buffer: response.body)
            #expect(!body.contains(other.account) && !body.contains(other.email), "request \(index) \(path) leaked")
            if response.status == .ok { #expect(body.contains(own.account), "request \(index) \(path) lost its own data") }
            statuses[String(response.status.code), default: 0] += 1
        }
        return statuses
    }
}
