import Foundation
import MeteringStore
import Postgres
import TallyAccess
import TallyDatabase
import TallyTestSupport
import TallyWeb
import TallyWebTestSupport
import Testing

@Suite("tally seed-demo")
struct DemoSeedTests {
    /// A small demo: the catalog, accounts, users and events are all there, the rollups equal
    /// the sums over the events, a second seeding is refused, and a seeded owner can log in.
    @Test func seedsASmallDemoWithExactRollups() async throws {
        try await WebHarness.with(start: MeteringHarness.start) { web in
            let (database, pool) = (web.database, web.pool)
            let harness = MeteringHarness(web: web, ingestKey: "")
            let options = DemoSeedOptions(accounts: 4, days: 5, eventsPerDay: 20, seed: 7, now: MeteringHarness.start)
            let (result, logins) = try await DemoSetup(pool: pool).run(options)
            #expect(result.accounts.map(\.externalID) == ["demo-001", "demo-002", "demo-003", "demo-004"])
            #expect(result.events > 0)
            let counts = try await harness.rows(
                """
                SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM plans), (SELECT count(*) FROM features),
                    (SELECT count(*) FROM users), (SELECT count(*) FROM usage_events),
                    (SELECT count(*) FROM entitlements), (SELECT count(*) FROM usage_events WHERE unpriced),
                    (SELECT count(*) FROM usage_events WHERE credits > 0)
                """).first!.decode((Int, Int, Int, Int, Int, Int, Int, Int).self)
            #expect(counts.0 == 4 && counts.1 == 3 && counts.2 == 8)
            #expect(counts.3 == 5 && logins.count == 5)
            #expect(counts.4 == result.events)
            #expect(counts.5 == 24)
            #expect(counts.6 == 0, "every demo model is priced")
            #expect(counts.7 > 0)
            try await expectRollupsMatchEvents(harness)

            // Events are costed and credited.
            let total = try await harness.rows("SELECT sum(cost)::bigint, sum(credits)::bigint FROM usage_events")
                .first!.decode((Int, Int).self)
            #expect(total.0 > 0 && total.1 > 0)

            await #expect(throws: DemoSeedError.notEmpty(accounts: 4)) {
                _ = try await DemoSetup(pool: pool).run(options)
            }
            #expect(try await harness.rows("SELECT count(*) FROM usage_events").first!.decode(Int.self, at: 0) == result.events)

            let owner = try #require(logins.first { $0.role == .owner })
            #expect(owner.account == "demo-001")
            let access = AccessServices(pool: pool, clock: harness.clock, logger: database.logger)
            let outcome = try await access.login.login(
                email: owner.email, password: owner.password, clientAddress: "127.0.0.1", now: MeteringHarness.start)
            if case .success = outcome {} else { Issue.record("the seeded owner could not log in: \(outcome)") }
        }
    }

    /// With the default daily volume, the second account (on the blocking `starter` plan) uses
    /// more than its included credits plus grace in a full billing period; the other starter
    /// account stays under.
    @Test func oneStarterAccountRunsOverItsLimit() async throws {
        try await TestDatabase.withPool { database, pool in
            let options = DemoSeedOptions(accounts: 2, days: 70, now: MeteringHarness.start)
            _ = try await DemoSeeder(pool: pool).seed(options)
            let rows = try await pool.withTransaction(scope: .service) { connection in
                try await connection.query(
                    """
                    SELECT a.external_id, p.code, max(u.credits)::bigint FROM accounts a JOIN plans p ON p.id = a.plan_id
                    JOIN (SELECT account_id, period_start, sum(credits) AS credits FROM period_usage
                          GROUP BY 1, 2) u ON u.account_id = a.id
                    GROUP BY 1, 2 ORDER BY 1
                    """).map { try $0.decode((String, String, Int64).self) }
            }
            #expect(rows.count == 2)
            #expect(rows.last?.0 == "demo-002" && rows.last?.1 == "starter")
            #expect((rows.last?.2 ?? 0) > 1_100_000, "over 1,000 included credits + 10 % grace")
        }
    }
}
