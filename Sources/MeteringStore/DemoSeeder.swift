import Foundation
import Metering
import Postgres
import TallyCrypto
import TallyDatabase

/// How big a demo to seed.
public struct DemoSeedOptions: Sendable, Hashable {
    /// Customer accounts.
    public var accounts: Int
    /// Days of usage, ending today (in each account's time zone).
    public var days: Int
    /// Typical events per account per weekday (accounts vary around it; weekends are quieter).
    public var eventsPerDay: Int
    /// The random seed: the same seed and `now` give the same demo.
    public var seed: UInt64
    /// The instant the demo ends at; no event is later.
    public var now: Date

    /// Options; the defaults seed roughly 245k events.
    public init(accounts: Int = 50, days: Int = 90, eventsPerDay: Int = 90, seed: UInt64 = 42, now: Date = Date()) {
        self.accounts = accounts
        self.days = days
        self.eventsPerDay = eventsPerDay
        self.seed = seed
        self.now = now
    }
}

/// A seeded account, for the logins table.
public struct DemoAccount: Sendable, Hashable {
    /// The external id (`demo-001` …).
    public let externalID: String
    /// The display name.
    public let name: String
    /// The plan's code.
    public let plan: String
}

/// What the seeding stored.
public struct DemoSeedResult: Sendable, Hashable {
    /// The accounts, in creation order.
    public let accounts: [DemoAccount]
    /// Usage events loaded.
    public let events: Int
}

/// Why a demo cannot be seeded.
public enum DemoSeedError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database already has accounts.
    case notEmpty(accounts: Int)

    public var description: String {
        switch self {
        case .notEmpty(let count):
            "the database already has \(count) account(s); the demo seeds only an empty database (use a fresh TALLY_DATA_DIR)"
        }
    }
}

/// Seeds a demo operator: the catalog (`DemoCatalog`), accounts, and days of usage events loaded
/// with one COPY (into a temporary table, then one INSERT … SELECT), costed and credited by `UsageCost` and `CreditRule` exactly as the ingest does,
/// with `daily_usage` and `period_usage` filled from those events by the ingest's own rollup SQL
/// in the same transaction, and `daily_operator_usage` from `daily_usage` after them.
public struct DemoSeeder: Sendable {
    let pool: PostgresPool

    /// A seeder over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    static let zones = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney", "America/Los_Angeles"]
    static let names = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Soylent",
                        "Cyberdyne", "Aperture", "Vandelay", "Pied Piper", "Dunder", "Gringotts", "Monarch", "Oscorp"]

    /// The number of accounts stored.
    public func accountCount() async throws -> Int {
        try await pool.withTransaction(scope: .service) { connection in
            try await connection.query("SELECT count(*) FROM accounts").first!.decode(Int.self, at: 0)
        }
    }

    /// Seeds the demo; `progress(done, total)` is called as events are loaded.
    ///
    /// - Throws: `DemoSeedError.notEmpty` when any account exists (nothing is written).
    public func seed(
        _ options: DemoSeedOptions, progress: @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> DemoSeedResult {
        let existing = try await accountCount()
        guard existing == 0 else { throw DemoSeedError.notEmpty(accounts: existing) }
        var random = DemoRandom(seed: options.seed)
        let catalog = CatalogStore(pool: pool, actor: .seed)
        let firstDay = options.now.addingTimeInterval(-Double(options.days + 2) * 86_400)
        try await DemoCatalog.create(catalog, pricesFrom: firstDay)
        var accounts: [DemoAccount] = []
        for index in 0..<options.accounts {
            let plan = DemoCatalog.plans[index % 5 == 0 ? 2 : (index % 2 == 0 ? 1 : 0)]
            let base = Self.names[index % Self.names.count]
            let account = DemoAccount(
                externalID: String(format: "demo-%03d", index + 1),
                name: index < Self.names.count ? base : "\(base) \(index / Self.names.count + 1)", plan: plan)
            try await catalog.createAccount(
                externalID: account.externalID, name: account.name, planCode: plan,
                timeZone: Self.zones[index % Self.zones.count], anchorDay: Int(random.int(1...28)) + (index == 7 ? 3 : 0))
            accounts.append(account)
        }
        let events = try await pool.withTransaction(scope: .service) { connection in
            try await loadUsage(options, random: &random, on: connection, progress: progress)
        }
        return DemoSeedResult(accounts: accounts, events: events)
    }

    /// Generates, costs, credits and COPYs the events, then fills the rollups from them.
    private func loadUsage(
        _ options: DemoSeedOptions, random: inout DemoRandom, on connection: PostgresConnection,
        progress: (Int, Int) -> Void
    ) async throws -> Int {
        var metered: [MeteredAccount] = []
        for row in try await connection.query(
            "SELECT id, external_id, plan_id, status, time_zone, anchor_day FROM accounts ORDER BY id") {
            metered.append(try IngestCatalog.meteredAccount(row))
        }
        let ingestCatalog = try await Self.catalog(accounts: metered, on: connection)
        let plans = Dictionary(uniqueKeysWithValues: try await connection.query("SELECT id, code FROM plans").map {
            try $0.decode((Int64, String).self)
        })
        let plan = { (account: MeteredAccount) in account.planID.flatMap { plans[$0] } ?? "" }
        let schedule = DemoSchedule(options: options, accounts: metered, plan: plan, random: &random)
        let total = schedule.total
        let received = options.now
        var done = 0
        var lastReport = Date.distantPast
        if total == 0 { progress(0, 0) }
        // COPY cannot write a table under row-level security: it loads a temporary table, which
        // one INSERT … SELECT then moves into usage_events (policies checked) with the rollups.
        try await connection.execute(
            "CREATE TEMP TABLE demo_events (LIKE usage_events INCLUDING DEFAULTS) ON COMMIT DROP")
        try await connection.copyFromStdin(
            """
            COPY demo_events (account_id, event_id, feature_key, model, input_tokens, cached_input_tokens, output_tokens,
                output_units, success, duration_ms, occurred_at, received_at, local_day, period_start, cost, price_id,
                unpriced, credits, fingerprint)
            FROM STDIN
            """
        ) { writer in
            for day in schedule.days {
                let account = day.account
                let period = try account.period(containing: day.start)
                let features = DemoCatalog.features.filter {
                    plan(account) != "starter" || !DemoCatalog.disabledOnStarter.contains($0.key)
                }
                for sequence in 0..<day.count {
                    let feature = features[Int(random.next() % UInt64(features.count))]
                    let model = feature.models[Int(random.next() % UInt64(feature.models.count))]
                    let input = random.around(feature.input)
                    let cached = feature.input == 0 || random.unit() < 0.6 ? 0 : random.around(feature.input / 3)
                    let usage = try TokenUsage(input: input, cachedInput: cached, output: random.around(feature.output))
                    let units = feature.units == 0 ? 0 : random.int(1...feature.units * 2)
                    let success = random.unit() >= 0.02
                    let occurredAt = day.start.addingTimeInterval(random.unit() * day.length)
                    let cost = try UsageCost.of(
                        model: model, usage: usage, occurredAt: occurredAt, providerReportedCost: nil,
                        prices: ingestCatalog.prices, infraOverhead: .zero)
                    let rule = success ? ingestCatalog.rule(feature: feature.key, account: account) : nil
                    let credits = try rule?.credits(for: CreditableEvent(usage: usage, outputUnits: units, cost: cost.total)) ?? .zero
                    let eventID = "\(day.localDay)-\(sequence)"
                    let priceID: Int64? = if case .priceTable(let id) = cost.source { id.rawValue } else { nil }
                    let fingerprint = Data(SHA256.hash("demo|\(account.id)|\(eventID)|\(feature.key)|\(model)|\(usage.total)"))
                    try await writer.append(
                        account.id, eventID, feature.key, model, usage.input, usage.cachedInput, usage.output, units, success,
                        Int64(random.int(80...(feature.output + 400) * 4)), occurredAt, received, day.localDay.description,
                        period.start, cost.total.nanos, priceID, cost.isUnpriced, credits.millis, fingerprint)
                }
                done += day.count
                if day.count > 0, Date().timeIntervalSince(lastReport) >= 0.25 || done == total {
                    lastReport = Date()
                    progress(done, total)
                }
            }
        }
        // The ingest's rollup statements, fed (as in the ingest) by the rows this statement inserts.
        try await connection.execute(
            """
            WITH ins AS (
                INSERT INTO usage_events (account_id, event_id, feature_key, model, input_tokens, cached_input_tokens,
                    output_tokens, output_units, success, duration_ms, occurred_at, received_at, local_day, period_start,
                    cost, price_id, unpriced, credits, fingerprint)
                SELECT account_id, event_id, feature_key, model, input_tokens, cached_input_tokens, output_tokens,
                    output_units, success, duration_ms, occurred_at, received_at, local_day, period_start, cost,
                    price_id, unpriced, credits, fingerprint
                FROM demo_events ORDER BY account_id, event_id
                RETURNING account_id, event_id, feature_key, model, input_tokens, cached_input_tokens, output_tokens, output_units,
                    \(unsafeRaw: Rollups.extraColumnList), success, duration_ms, local_day, period_start, cost, credits
            ), daily AS (
                \(unsafeRaw: Rollups.dailyUpsert)
            ), period AS (
                \(unsafeRaw: Rollups.periodUpsert)
            )
            SELECT count(*) FROM ins
            """)
        try await connection.execute("\(unsafeRaw: OperatorRollupDelta.fillFromDailySQL)")
        return done
    }

    /// The ingest's catalog for every account: all feature rules, overrides and prices.
    private static func catalog(accounts: [MeteredAccount], on connection: PostgresConnection) async throws -> IngestCatalog {
        var rules: [String: CreditRule] = [:]
        for row in try await connection.query("SELECT key, credit_rule_kind, credit_rule_rate FROM features") {
            let (key, kind, rate) = try row.decode((String, String, Int64).self)
            rules[key] = CreditRule(kind: kind, rate: Credits(millis: rate))
        }
        var overrides: [Int64: [String: CreditRule]] = [:]
        for row in try await connection.query(
            "SELECT plan_id, feature_key, rule_override_kind, rule_override_rate FROM entitlements WHERE rule_override_kind IS NOT NULL") {
            let (plan, key, kind, rate) = try row.decode((Int64, String, String, Int64).self)
            overrides[plan, default: [:]][key] = CreditRule(kind: kind, rate: Credits(millis: rate))
        }
        return IngestCatalog(
            accounts: Dictionary(uniqueKeysWithValues: accounts.map { ($0.externalID, $0) }),
            prices: try await IngestCatalog.loadPrices(on: connection), featureRules: rules, overrides: overrides)
    }
}
