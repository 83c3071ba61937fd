import Foundation
import Logging
import Metering
import Postgres
import TallyDatabase

/// The rules the scheduler evaluates every minute: low margin, cost spike, unpriced model and
/// cap reached. Each evaluation reads rollups (never a scan of raw events, except the partial
/// index of unpriced ones) and fires through ``AlertWriter`` with the rule's cooldown.
public struct ScheduledRules: Sendable {
    let pool: PostgresPool
    let margins: any CurrentPeriodMargins

    /// Rules over `pool`; `margins` answers the low-margin rule's question (by default the
    /// margins page's own ``MarginReportPeriodMargins``).
    public init(pool: PostgresPool, margins: any CurrentPeriodMargins = MarginReportPeriodMargins()) {
        self.pool = pool
        self.margins = margins
    }

    /// Evaluates every enabled rule at `now` in one transaction; returns the alerts fired.
    @discardableResult
    public func evaluate(at now: Date) async throws -> Int {
        try await pool.withTransaction(scope: .service) { connection in
            let settings = try await AlertRuleStore.load(on: connection)
            var fired = 0
            if settings.marginEnabled { fired += try await lowMargins(settings, at: now, on: connection) }
            if settings.spikeEnabled || settings.capEnabled {
                let periods = try await AccountPeriods.load(at: now, on: connection)
                if settings.capEnabled { fired += try await caps(periods, at: now, on: connection) }
                if settings.spikeEnabled { fired += try await spikes(periods, settings, at: now, on: connection) }
            }
            if settings.unpricedEnabled { fired += try await unpriced(settings, at: now, on: connection) }
            return fired
        }
    }

    private func lowMargins(_ settings: AlertRuleSettings, at now: Date, on connection: PostgresConnection) async throws -> Int {
        var fired = 0
        for row in try await margins.margins(at: now, on: connection) {
            guard let bp = row.margin.basisPoints else { continue }   // no revenue yet: nothing to judge
            let level: AlertLevel
            if bp < settings.marginCriticalBP { level = .critical } else if bp < settings.marginWarningBP { level = .warning } else { continue }
            let candidate = AlertCandidate(
                accountID: row.accountID, rule: .lowMargin, level: level, subject: level.rawValue,
                dedupeKey: "\(level.rawValue)@\(isoText(now))", periodStart: row.periodStart,
                message: "\(row.accountName)'s gross margin this period is \(row.margin.percentText).",
                details: ["margin_bp": "\(bp)", "revenue_nanos": "\(row.margin.revenue.nanos)", "cost_nanos": "\(row.margin.cost.nanos)"])
            if try await AlertWriter.fire(candidate, cooldownMinutes: settings.marginCooldownMinutes, at: now, on: connection) != nil { fired += 1 }
        }
        return fired
    }

    /// Block plans whose used credits reached granted × (1 + grace): the entitlement check now
    /// answers `over_limit`. Once per account and period.
    private func caps(_ periods: [AccountPeriod], at now: Date, on connection: PostgresConnection) async throws -> Int {
        var fired = 0
        for account in periods where account.hasPlan {
            guard case .block = account.policy, case .limited(let limit) = account.policy.hardLimit(granted: account.ledger.granted),
                  !CreditLimit.limited(limit).admits(used: account.ledger.used, requested: .zero)
            else { continue }
            let candidate = AlertCandidate(
                accountID: account.accountID, rule: .capReached, level: .critical, subject: "",
                dedupeKey: isoText(account.period.start), periodStart: account.period.start,
                message: "\(account.name) has used all \(limit.formatted) credits it may use this period; entitlement checks now answer over_limit.",
                details: ["used_millicredits": "\(account.ledger.used.millis)", "limit_millicredits": "\(limit.millis)"])
            if try await AlertWriter.fire(candidate, cooldownMinutes: nil, at: now, on: connection) != nil { fired += 1 }
        }
        return fired
    }

    /// Cost today (the account's local day) above multiplier × the trailing 7-day daily average
    /// and at least the minimum, per account and per feature.
    private func spikes(
        _ periods: [AccountPeriod], _ settings: AlertRuleSettings, at now: Date, on connection: PostgresConnection
    ) async throws -> Int {
        guard !periods.isEmpty else { return 0 }
        let days = periods.map { LocalDay(containing: now, in: $0.timeZone).description }
        let names = Dictionary(uniqueKeysWithValues: periods.map { ($0.accountID, $0.name) })
        let rows = try await connection.query(
            """
            WITH a AS (SELECT account_id, today::date AS today FROM unnest(\(periods.map(\.accountID)), \(days)) AS a(account_id, today))
            SELECT d.account_id, CASE WHEN GROUPING(d.feature_key) = 1 THEN NULL ELSE d.feature_key END,
                coalesce(sum(d.cost) FILTER (WHERE d.local_day = a.today), 0),
                coalesce(sum(d.cost) FILTER (WHERE d.local_day < a.today), 0)
            FROM daily_usage d JOIN a ON a.account_id = d.account_id
            WHERE d.local_day BETWEEN a.today - 7 AND a.today
            GROUP BY GROUPING SETS ((d.account_id), (d.account_id, d.feature_key))
            """)
        var fired = 0
        for row in rows {
            let (accountID, feature, today, trailing) = try row.decode((Int64, String?, Int128, Int128).self)
            // today × 7 × 10,000 > multiplier × trailing, compared in 256 bits (both sides can pass 128).
            guard today >= settings.spikeMinimumCost, today > 0,
                  Self.product(today.magnitude, 70_000, exceeds: UInt128(max(settings.spikeMultiplierBP, 0)), trailing.magnitude)
            else { continue }
            let name = names[accountID] ?? "An account"
            let what = feature.map { "\(name)'s feature \($0.isEmpty ? "(unattributed)" : $0)" } ?? name
            let average = Money(nanos: trailing / 7)
            let candidate = AlertCandidate(
                accountID: accountID, rule: .costSpike, level: .warning, subject: feature.map { "feature:\($0)" } ?? "",
                dedupeKey: "\(feature.map { "feature:\($0)" } ?? "account")@\(isoText(now))",
                message: "\(what) cost \(Money(nanos: today).formatted()) today, against a 7-day daily average of \(average.formatted()).",
                details: ["today_nanos": "\(today)", "trailing_7_days_nanos": "\(trailing)", "feature": feature ?? ""])
            if try await AlertWriter.fire(candidate, cooldownMinutes: settings.spikeCooldownMinutes, at: now, on: connection) != nil { fired += 1 }
        }
        return fired
    }

    /// Whether a × b > c × d, the products formed in 256 bits.
    static func product(_ a: UInt128, _ b: UInt128, exceeds c: UInt128, _ d: UInt128) -> Bool {
        let left = a.multipliedFullWidth(by: b), right = c.multipliedFullWidth(by: d)
        return (left.high, left.low) > (right.high, right.low)
    }

    /// Models stored unpriced within the cooldown window: operator-wide. Events without a model
    /// (a feature that calls no model, costed by `cost_usd` or not at all) are not "a model with no
    /// price" and raise nothing.
    private func unpriced(_ settings: AlertRuleSettings, at now: Date, on connection: PostgresConnection) async throws -> Int {
        let since = now.addingTimeInterval(-Double(settings.unpricedCooldownMinutes * 60))
        var fired = 0
        for row in try await connection.query(
            """
            SELECT model, count(*)::bigint FROM usage_events
            WHERE unpriced AND model IS NOT NULL AND received_at > \(since) AND received_at <= \(now)
            GROUP BY 1 ORDER BY 1
            """) {
            let (model, count) = try row.decode((String, Int64).self)
            let label = "Model \(model)"
            let candidate = AlertCandidate(
                accountID: nil, rule: .unpricedModel, level: .warning, subject: model,
                dedupeKey: "\(model)@\(isoText(now))",
                message: "\(label) has no price: \(count) event\(count == 1 ? "" : "s") stored at zero cost. Add a price, then re-rate.",
                details: ["model": model, "events": "\(count)"])
            if try await AlertWriter.fire(candidate, cooldownMinutes: settings.unpricedCooldownMinutes, at: now, on: connection) != nil { fired += 1 }
        }
        return fired
    }
}
