import Foundation
import Metering
import Postgres

/// One event whose stored cost, price or credits change.
struct ReRatedEvent {
    let accountID: Int64
    let eventID: String
    let localDay: String
    let periodStart: Date
    let featureKey: String
    let model: String
    let cost: Int64
    let priceID: Int64?
    let unpriced: Bool
    let credits: Int64
    let costDelta: Int64
    let creditsDelta: Int64
}

/// Recomputes the events of a range with today's price table, overhead and credit rules.
struct ReRateComputation {
    let result: ReRateResult
    let changes: [ReRatedEvent]

    /// Reads the range's events (costed from the price table or unpriced) and recosts them:
    /// cost by `UsageCost.of` at the event's `occurred_at`, every token kind and the service tier
    /// as stored; credits recomputed from the new cost
    /// for successful events whose feature's effective rule is per USD of cost (other rules do not
    /// depend on cost and keep their stored credits).
    static func run(_ range: ReRateRange, on connection: PostgresConnection) async throws -> ReRateComputation {
        let prices = try await IngestCatalog.loadPrices(on: connection)
        let overhead = try BasisPoints(try await connection.query("SELECT infra_overhead_bp FROM settings").first!.decode(Int64.self, at: 0))
        let rules = try await perDollarRules(on: connection)
        var changes: [ReRatedEvent] = []
        var accounts: [Int64: ReRateAccountDiff] = [:]
        var examined = 0
        for row in try await connection.query(
            """
            SELECT e.account_id, e.event_id, e.feature_key, e.model, e.input_tokens, e.cached_input_tokens,
                   e.output_tokens, e.success, e.occurred_at, e.local_day::text, e.period_start, e.cost, e.credits,
                   e.price_id, e.unpriced, a.plan_id, a.external_id, a.name, e.service_tier,
                   ARRAY[e.cache_write_5m_tokens, e.cache_write_1h_tokens, e.reasoning_tokens, e.audio_input_tokens,
                         e.audio_output_tokens, e.image_input_tokens, e.web_search_queries]
            FROM usage_events e JOIN accounts a ON a.id = e.account_id
            WHERE e.occurred_at >= \(range.from) AND e.occurred_at < \(range.until)
              AND (e.price_id IS NOT NULL OR e.unpriced)
              AND (\(range.model == nil) OR e.model = \(range.model ?? ""))
            ORDER BY e.account_id, e.event_id
            """) {
            examined += 1
            let (account, eventID, feature, model, input, cached, output, success, occurredAt, day, period, cost, credits) =
                try row.decode((Int64, String, String?, String?, Int64, Int64, Int64, Bool, Date, String, Date, Int64, Int64).self)
            let priceID = try row.decode(Int64?.self, at: 13), unpriced = try row.decode(Bool.self, at: 14)
            let planID = try row.decode(Int64?.self, at: 15)
            let extra = try row.decode([Int64].self, at: 19)
            let usage = try TokenUsage(
                input: input, cachedInput: cached, cacheWrite5m: extra[0], cacheWrite1h: extra[1], output: output,
                reasoning: extra[2], audioInput: extra[3], audioOutput: extra[4], imageInput: extra[5], webSearchQueries: extra[6])
            let serviceTier = ServiceTier(rawValue: try row.decode(String.self, at: 18)) ?? .standard
            let recost = try UsageCost.of(
                model: model, usage: usage, serviceTier: serviceTier, occurredAt: occurredAt, providerReportedCost: nil, prices: prices, infraOverhead: overhead)
            let newPriceID: Int64? = if case .priceTable(let id) = recost.source { id.rawValue } else { nil }
            var earned = Credits(millis: credits)
            if success, let feature, let rule = rules.rule(feature: feature, plan: planID) {
                earned = try rule.credits(for: CreditableEvent(usage: usage, cost: recost.total))
            }
            let newCost: Int64, newCredits: Int64
            do {
                (newCost, newCredits) = try MeteringBounds.storable(cost: recost.total, credits: earned)
            } catch {
                throw ReRateError.eventOutOfBounds(eventID: eventID, error)
            }
            guard newCost != cost || newPriceID != priceID || recost.isUnpriced != unpriced || newCredits != credits else {
                continue
            }
            // Both values are within the bounds, so their difference fits 64 bits.
            changes.append(ReRatedEvent(
                accountID: account, eventID: eventID, localDay: day, periodStart: period, featureKey: feature ?? "",
                model: model ?? "", cost: newCost, priceID: newPriceID, unpriced: recost.isUnpriced,
                credits: newCredits, costDelta: newCost - cost, creditsDelta: newCredits - credits))
            var diff = try accounts[account] ?? ReRateAccountDiff(
                accountID: account, externalID: row.decode(String.self, at: 16), name: row.decode(String.self, at: 17),
                events: 0, costBefore: .zero, costAfter: .zero, creditsBefore: .zero, creditsAfter: .zero)
            diff.events += 1
            diff.costBefore = try diff.costBefore.adding(Money(nanos: cost))
            diff.costAfter = try diff.costAfter.adding(recost.total)
            diff.creditsBefore = try diff.creditsBefore.adding(Credits(millis: credits))
            diff.creditsAfter = try diff.creditsAfter.adding(Credits(millis: newCredits))
            accounts[account] = diff
        }
        let result = ReRateResult(
            range: range, eventsExamined: examined, accounts: accounts.values.sorted { $0.accountID < $1.accountID })
        return ReRateComputation(result: result, changes: changes)
    }

    /// Writes the new event values and moves `daily_usage`, `period_usage` and
    /// `daily_operator_usage` by exactly the per-event differences, so the rollups keep equalling
    /// the sums over the events.
    func write(on connection: PostgresConnection) async throws {
        try await connection.execute(
            """
            UPDATE usage_events e SET cost = c.cost, price_id = c.price_id, unpriced = c.unpriced, credits = c.credits
            FROM unnest(\(changes.map(\.accountID)), \(changes.map(\.eventID)), \(changes.map(\.cost)),
                        \(changes.map(\.priceID)), \(changes.map(\.unpriced)), \(changes.map(\.credits)))
                 AS c(account_id, event_id, cost, price_id, unpriced, credits)
            WHERE e.account_id = c.account_id AND e.event_id = c.event_id
            """)
        try await connection.execute(
            """
            UPDATE daily_usage d SET cost = d.cost + x.cost, credits = d.credits + x.credits
            FROM (SELECT account_id, local_day::date AS local_day, feature_key, model,
                         sum(cost) AS cost, sum(credits) AS credits
                  FROM unnest(\(changes.map(\.accountID)), \(changes.map(\.localDay)), \(changes.map(\.featureKey)),
                              \(changes.map(\.model)), \(changes.map(\.costDelta)), \(changes.map(\.creditsDelta)))
                       AS c(account_id, local_day, feature_key, model, cost, credits)
                  GROUP BY 1, 2, 3, 4) x
            WHERE d.account_id = x.account_id AND d.local_day = x.local_day AND d.feature_key = x.feature_key AND d.model = x.model
            """)
        try await connection.execute(
            """
            UPDATE period_usage p SET cost = p.cost + x.cost, credits = p.credits + x.credits
            FROM (SELECT account_id, period_start, feature_key, sum(cost) AS cost, sum(credits) AS credits
                  FROM unnest(\(changes.map(\.accountID)), \(changes.map(\.periodStart)), \(changes.map(\.featureKey)),
                              \(changes.map(\.costDelta)), \(changes.map(\.creditsDelta)))
                       AS c(account_id, period_start, feature_key, cost, credits)
                  GROUP BY 1, 2, 3) x
            WHERE p.account_id = x.account_id AND p.period_start = x.period_start AND p.feature_key = x.feature_key
            """)
        // Last, as in the ingest: the operator's rows are the ones every ingest also locks.
        var operatorDelta = OperatorRollupDelta()
        for change in changes where change.costDelta != 0 {
            try operatorDelta.addCost(change.costDelta, day: change.localDay, feature: change.featureKey, model: change.model)
        }
        try await operatorDelta.write(on: connection)
    }

    /// Feature rules and plan overrides whose effective rule is per USD of cost.
    struct PerDollarRules {
        let features: [String: CreditRule]
        let overrides: [Int64: [String: CreditRule]]

        /// The effective rule when it is per USD; nil otherwise (credits do not depend on cost).
        func rule(feature: String, plan: Int64?) -> CreditRule? {
            guard let base = features[feature] else { return nil }
            let rule = CreditRule.effective(feature: base, override: plan.flatMap { overrides[$0]?[feature] })
            if case .perDollarOfCost = rule { return rule }
            return nil
        }
    }

    static func perDollarRules(on connection: PostgresConnection) async throws -> PerDollarRules {
        var features: [String: CreditRule] = [:]
        for row in try await connection.query("SELECT key, credit_rule_kind, credit_rule_rate FROM features") {
            let (key, kind, rate) = try row.decode((String, String, Int64).self)
            features[key] = CreditRule(kind: kind, rate: Credits(millis: rate))
        }
        var overrides: [Int64: [String: CreditRule]] = [:]
        for row in try await connection.query(
            "SELECT plan_id, feature_key, rule_override_kind, rule_override_rate FROM entitlements WHERE rule_override_kind IS NOT NULL") {
            let (plan, key, kind, rate) = try row.decode((Int64, String, String, Int64).self)
            overrides[plan, default: [:]][key] = CreditRule(kind: kind, rate: Credits(millis: rate))
        }
        return PerDollarRules(features: features, overrides: overrides)
    }
}
