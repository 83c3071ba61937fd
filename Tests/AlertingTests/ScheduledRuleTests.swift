// Spike, margin, unpriced-model and cap rules; the scheduler's lock and cooldowns (issue 8).
import Alerting
import Foundation
import Logging
import Metering
import MeteringStore
import Postgres
import TallyDatabase
import Synchronization
import TallyTestSupport
import TallyWebTestSupport
import Testing

@Suite("Scheduled alert rules")
struct ScheduledRuleTests {
    /// Seven days of $2/day for `account`, ending yesterday (2027-02-19), then `today` USD today.
    private func spikeHistory(_ harness: WebHarness, account: String, today: String, feature: String = "summarize") async throws {
        for day in 13...19 {
            try await harness.ingest([
                #"{"id": "\#(account)-h\#(day)", "account": "\#(account)", "feature": "\#(feature)", "occurred_at": "2027-02-\#(day)T10:00:00Z", "cost_usd": "2.00"}"#,
            ])
        }
        try await harness.ingest([
            #"{"id": "\#(account)-today", "account": "\#(account)", "feature": "\#(feature)", "occurred_at": "2027-02-20T11:00:00Z", "cost_usd": "\#(today)"}"#,
        ])
    }

    @Test("cost spike: fires above 3× the 7-day average and the minimum, for the account and the feature; not otherwise")
    func costSpike() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            for account in ["spiky", "steady", "tiny"] {
                try await harness.catalog.createAccount(externalID: account, name: account.capitalized, planCode: "payg")
            }
            try await spikeHistory(harness, account: "spiky", today: "6.01")    // > 3 × $2 and ≥ $5
            try await spikeHistory(harness, account: "steady", today: "6.00")   // exactly 3×: no spike
            try await harness.setRules { $0.spikeMinimumCost = 5_000_000_000; $0.marginEnabled = false }
            try await harness.ingest([#"{"id": "tiny-1", "account": "tiny", "feature": "chat", "cost_usd": "4.99"}"#])   // new but below $5
            let fired = try await ScheduledRules(pool: harness.pool).evaluate(at: harness.clock.now())
            #expect(fired == 2)
            let subjects = try await harness.rows(
                "SELECT ac.external_id, al.subject FROM alerts al JOIN accounts ac ON ac.id = al.account_id WHERE al.rule = 'cost_spike' ORDER BY 2")
                .map { try $0.decode((String, String).self) }
            #expect(subjects.map(\.0) == ["spiky", "spiky"])
            #expect(subjects.map(\.1) == ["", "feature:summarize"])
            // The figures in the message are the raw events' sums.
            let today = try await harness.rows(
                "SELECT sum(cost)::bigint FROM usage_events u JOIN accounts a ON a.id = u.account_id WHERE a.external_id = 'spiky' AND u.occurred_at >= '2027-02-20'")
            #expect(try today.first!.decode(Int64.self, at: 0) == 6_010_000_000)
            let message = try await harness.rows("SELECT message FROM alerts WHERE rule = 'cost_spike' AND subject = ''").first!.decode(String.self, at: 0)
            #expect(message == "Spiky cost $6.01 today, against a 7-day daily average of $2.00.")
        }
    }

    @Test("the cooldown holds: the same spike fires again only after the cooldown")
    func cooldown() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "spiky", name: "Spiky", planCode: "payg")
            try await harness.setRules { $0.spikeCooldownMinutes = 60; $0.marginEnabled = false }
            try await spikeHistory(harness, account: "spiky", today: "30")
            let rules = ScheduledRules(pool: harness.pool)
            #expect(try await rules.evaluate(at: harness.clock.now()) == 2)
            harness.clock.advance(seconds: 59 * 60)
            #expect(try await rules.evaluate(at: harness.clock.now()) == 0)
            harness.clock.advance(seconds: 2 * 60)
            #expect(try await rules.evaluate(at: harness.clock.now()) == 2)
            #expect(try await harness.alertCount(.costSpike) == 4)
        }
    }

    @Test("low margin: warning below 30 %, critical below 10 %, nothing without revenue or when healthy")
    func lowMargin() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()   // pro: $49 fee
            try await harness.catalog.createAccount(externalID: "healthy", name: "Healthy", planCode: "pro")
            try await harness.catalog.createAccount(externalID: "thin", name: "Thin", planCode: "pro")
            try await harness.catalog.createAccount(externalID: "losing", name: "Losing", planCode: "pro")
            try await harness.catalog.createAccount(externalID: "norevenue", name: "No revenue", planCode: nil)
            let costs = ["healthy": "34.30", "thin": "34.31", "losing": "60", "norevenue": "10"]   // 30.0 %, 29.98 %, -22 %, no revenue
            for (account, cost) in costs {
                try await harness.ingest([#"{"id": "\#(account)-1", "account": "\#(account)", "feature": "summarize", "cost_usd": "\#(cost)"}"#])
            }
            try await ScheduledRules(pool: harness.pool).evaluate(at: harness.clock.now())
            let rows = try await harness.rows(
                "SELECT ac.external_id, al.level FROM alerts al JOIN accounts ac ON ac.id = al.account_id WHERE al.rule = 'low_margin' ORDER BY 1")
                .map { try $0.decode((String, String).self) }
            #expect(rows.map(\.0) == ["losing", "thin"])
            #expect(rows.map(\.1) == ["critical", "warning"])
            // Through the margins page's own answer: revenue and cost equal the sums.
            let margins = try await harness.pool.withTransaction(scope: .service) {
                try await MarginReportPeriodMargins().margins(at: harness.clock.now(), on: $0)
            }
            let thin = try #require(margins.first { $0.accountName == "Thin" })
            #expect(thin.margin.revenue == (Money(dollars: 49)))
            #expect(thin.margin.cost == (try Money(parsing: "34.31")))
        }
    }

    @Test("unpriced model: fires once per model within the cooldown, operator-wide")
    func unpricedModel() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "payg")
            try await harness.setRules { $0.marginEnabled = false }
            try await harness.ingest([
                #"{"id": "p1", "account": "acme", "feature": "chat", "model": "gpt-4o", "usage": {"input_tokens": 10, "output_tokens": 5}}"#,
            ])
            let rules = ScheduledRules(pool: harness.pool)
            #expect(try await rules.evaluate(at: harness.clock.now()) == 0)   // priced: nothing
            try await harness.ingest([
                #"{"id": "u1", "account": "acme", "feature": "chat", "model": "mystery-1", "usage": {"input_tokens": 10, "output_tokens": 5}}"#,
                #"{"id": "u2", "account": "acme", "feature": "chat", "model": "mystery-1", "usage": {"input_tokens": 10, "output_tokens": 5}}"#,
            ])
            #expect(try await rules.evaluate(at: harness.clock.now()) == 1)
            harness.clock.advance(seconds: 60)
            #expect(try await rules.evaluate(at: harness.clock.now()) == 0)   // cooldown
            let row = try await harness.rows("SELECT account_id IS NULL, subject, message FROM alerts WHERE rule = 'unpriced_model'").first!
            let (operatorWide, subject, message) = try row.decode((Bool, String, String).self)
            #expect(operatorWide && subject == "mystery-1")
            #expect(message.contains("2 events"))
        }
    }

    @Test("cap reached: a block account at its limit fires once per period; a charge account never")
    func capReached() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "capped", name: "Capped", planCode: "pro")
            try await harness.catalog.createAccount(externalID: "payg", name: "Payg", planCode: "payg")
            try await harness.setRules { $0.spikeEnabled = false; $0.marginEnabled = false }
            try await harness.ingest(harness.summarizeEvents("capped", count: 99, prefix: "c"))
            try await harness.ingest(harness.summarizeEvents("payg", count: 500, prefix: "p"))
            let rules = ScheduledRules(pool: harness.pool)
            #expect(try await rules.evaluate(at: harness.clock.now()) == 0)
            try await harness.ingest(harness.summarizeEvents("capped", count: 1, prefix: "d"))
            #expect(try await rules.evaluate(at: harness.clock.now()) == 1)
            harness.clock.advance(seconds: 3_600)
            #expect(try await rules.evaluate(at: harness.clock.now()) == 0)
            #expect(try await harness.alertCount(.capReached, account: "capped") == 1)
            #expect(try await harness.alertCount(.capReached, account: "payg") == 0)
        }
    }

    @Test("two scheduler instances ticking at once: the jobs run once; a job runs once per minute")
    func twoSchedulersOneEvaluation() async throws {
        try await WebHarness.with { harness in
            let runs = Mutex(0)
            // The job holds the lock until the other instance's tick has tried and returned.
            let otherTickDone = TestLatch()
            let job = PeriodicJob(name: "count") { _ in
                runs.withLock { $0 += 1 }
                await otherTickDone.wait()
            }
            let logger = Logger(label: "test")
            let a = PeriodicScheduler(pool: harness.pool, clock: harness.clock, jobs: [job], logger: logger)
            let b = PeriodicScheduler(pool: harness.pool, clock: harness.clock, jobs: [job], logger: logger)
            func tick(_ scheduler: PeriodicScheduler) async throws -> PeriodicScheduler.TickOutcome {
                defer { otherTickDone.open() }
                return try await scheduler.tick()
            }
            async let first = tick(a)
            async let second = tick(b)
            let outcomes = try await [first, second]
            #expect(runs.withLock { $0 } == 1)
            #expect(outcomes.contains(.ran(["count"])))
            // Later in the same minute: nothing; the next minute: once more.
            #expect(try await b.tick() == .ran([]))
            harness.clock.advance(seconds: 60)
            #expect(try await b.tick() == .ran(["count"]))
            #expect(try await a.tick() == .ran([]))
            #expect(runs.withLock { $0 } == 2)
        }
    }

    @Test("two scheduler instances over the real rules: one alert")
    func twoSchedulersOneAlert() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "spiky", name: "Spiky", planCode: "payg")
            try await spikeHistory(harness, account: "spiky", today: "30")
            try await harness.setRules { $0.spikeCooldownMinutes = 1; $0.marginEnabled = false }
            let logger = Logger(label: "test")
            let jobs = [PeriodicJob(name: "alerts.evaluate") { now in try await ScheduledRules(pool: harness.pool).evaluate(at: now) }]
            let a = PeriodicScheduler(pool: harness.pool, clock: harness.clock, jobs: jobs, logger: logger)
            let b = PeriodicScheduler(pool: harness.pool, clock: harness.clock, jobs: jobs, logger: logger)
            async let first = a.tick()
            async let second = b.tick()
            _ = try await [first, second]
            #expect(try await harness.alertCount(.costSpike) == 2)   // account + feature, once
        }
    }
}
