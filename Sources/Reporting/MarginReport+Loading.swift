import Foundation
import Metering
import Postgres
import TallyDatabase

extension MarginReport {
    /// Computes the margins of `selection` as of `now` for every account, or only `accountIDs`,
    /// in one transaction in `scope` (staff pages: `.staff`; jobs: `.service`).
    public static func load(
        _ selection: MarginPeriod, accountIDs: [Int64]? = nil, now: Date, pool: PostgresPool, scope: DataScope
    ) async throws -> MarginReport {
        try await pool.withTransaction(scope: scope) { connection in
            try await load(selection, accountIDs: accountIDs, now: now, on: connection)
        }
    }

    /// The same on an open connection (inside the caller's transaction and scope).
    public static func load(
        _ selection: MarginPeriod, accountIDs: [Int64]? = nil, now: Date, on connection: PostgresConnection
    ) async throws -> MarginReport {
        let accounts = try await MarginAccountRow.load(accountIDs, at: now, on: connection)
        var periodsByAccount: [Int64: [BillingPeriod]] = [:]
        for account in accounts {
            periodsByAccount[account.id] = try selection.periods(anchorDay: account.anchorDay, timeZone: account.timeZone, now: now)
        }
        let keys = periodsByAccount.flatMap { id, periods in periods.map { (id, $0.start) } }
        let usage = try await loadUsage(keys, on: connection)
        let plans = try await MarginAccountRow.loadPlans(keys, on: connection)
        let latestEnd = periodsByAccount.values.flatMap { $0.map(\.end) }.max() ?? now
        let grants = try await loadGrants(accounts.map(\.id), before: latestEnd, on: connection)
        var result: [AccountMargin] = []
        for account in accounts {
            var periods: [PeriodMargin] = []
            for period in periodsByAccount[account.id] ?? [] {
                let features = usage[UsageKey(accountID: account.id, periodStart: period.start)] ?? []
                // A period before the account existed and without usage is not billed.
                guard selection == .current || account.createdAt < period.end || !features.isEmpty else { continue }
                let plan = plans[UsageKey(accountID: account.id, periodStart: period.start)]
                periods.append(try margin(of: plan, in: period, features: features, grants: grants[account.id] ?? [], now: now))
            }
            result.append(AccountMargin(
                accountID: account.id, externalID: account.externalID, name: account.name, status: account.status,
                timeZone: account.timeZone, planCode: account.plan?.code, planName: account.plan?.name, periods: periods))
        }
        return MarginReport(selection: selection, now: now, accounts: result)
    }

    /// One account in one period, on `plan` (the plan in effect at the period's start): the
    /// ledger at min(now, the period's last instant) gives the overage, exactly as the
    /// entitlement check sees it during the period.
    static func margin(
        of plan: MarginAccountRow.Plan?, in period: BillingPeriod, features: [FeatureUsage], grants: [CreditGrant], now: Date
    ) throws -> PeriodMargin {
        let used = try Credits.sum(features.map(\.credits))
        let cost = try Money.sum(features.map(\.cost))
        let instant = min(now, period.end.addingTimeInterval(-0.000_001))
        let ledger = try CreditLedger(
            included: plan?.included ?? .limited(.zero), grants: grants.filter { $0.grantedAt < period.end },
            used: used, at: instant)
        let overageCharge: Money = if let price = plan?.chargePerCredit { try ledger.overageCharge(pricePerCredit: price) } else { .zero }
        let sales = grants.filter { $0.kind == .topUp && $0.price != nil && period.contains($0.grantedAt) }
            .map { TopUpSale(grantedAt: $0.grantedAt, price: $0.price!) }
        let revenue = PeriodRevenue(
            fee: plan?.fee ?? .zero, overage: overageCharge, topUps: try Money.sum(sales.map(\.price)))
        return PeriodMargin(
            period: period, revenue: revenue, cost: cost, used: used, overage: plan == nil ? .zero : ledger.overage,
            features: features, topUpSales: sales)
    }

    struct UsageKey: Hashable {
        let accountID: Int64
        let periodStart: Date
    }

    /// `period_usage` rows of the given (account, period start) pairs, per feature.
    static func loadUsage(_ keys: [(Int64, Date)], on connection: PostgresConnection) async throws -> [UsageKey: [FeatureUsage]] {
        guard !keys.isEmpty else { return [:] }
        var usage: [UsageKey: [FeatureUsage]] = [:]
        for row in try await connection.query(
            """
            SELECT u.account_id, u.period_start, u.feature_key, u.credits, u.cost
            FROM unnest(\(keys.map(\.0)), \(keys.map(\.1))) AS k(account_id, period_start)
            JOIN period_usage u ON u.account_id = k.account_id AND u.period_start = k.period_start
            ORDER BY u.account_id, u.period_start, u.feature_key
            """) {
            let (account, start, feature, credits, cost) = try row.decode((Int64, Date, String, Int128, Int128).self)
            usage[UsageKey(accountID: account, periodStart: start), default: []].append(
                FeatureUsage(featureKey: feature, credits: Credits(millis: credits), cost: Money(nanos: cost)))
        }
        return usage
    }

    /// Every grant of the accounts made before `before`.
    static func loadGrants(_ accountIDs: [Int64], before: Date, on connection: PostgresConnection) async throws -> [Int64: [CreditGrant]] {
        var grants: [Int64: [CreditGrant]] = [:]
        for row in try await connection.query(
            """
            SELECT account_id, kind, amount, granted_at, expires_at, price FROM credit_grants
            WHERE account_id = ANY(\(accountIDs)) AND granted_at < \(before)
            ORDER BY account_id, granted_at, id
            """) {
            let (account, kind, amount, grantedAt, expiresAt, price) = try row.decode((Int64, String, Int64, Date, Date?, Int64?).self)
            grants[account, default: []].append(try CreditGrant(
                amount: Credits(millis: amount), kind: GrantKind(rawValue: kind) ?? .adjustment, grantedAt: grantedAt,
                expiresAt: expiresAt, price: price.map(Money.init(nanos:))))
        }
        return grants
    }
}

/// An account with what its margin needs: its periods' rules and the plan in effect now (the
/// plan it is listed under). Each period is priced by the plan in effect at its start
/// (``loadPlans(_:on:)``), so a change scheduled for the next period bills that period on the new plan.
struct MarginAccountRow {
    struct Plan {
        let code: String
        let name: String
        let fee: Money
        let included: CreditLimit
        /// The overage price on `charge` plans; nil on `block` plans (overage is never billed).
        let chargePerCredit: Money?
    }

    let id: Int64
    let externalID: String
    let name: String
    let status: String
    let timeZone: TimeZone
    let anchorDay: Int
    let createdAt: Date
    let plan: Plan?

    static func load(_ ids: [Int64]?, at now: Date, on connection: PostgresConnection) async throws -> [MarginAccountRow] {
        var accounts: [MarginAccountRow] = []
        for row in try await connection.query(
            """
            SELECT a.id, a.external_id, a.name, a.status, a.time_zone, a.anchor_day, a.created_at,
                   p.code, p.name, p.monthly_fee, p.included_credits, p.overage_policy, p.overage_price_per_credit
            FROM accounts a LEFT JOIN plans p ON p.id = plan_in_effect(a, \(now))
            WHERE \(ids == nil) OR a.id = ANY(\(ids ?? []))
            ORDER BY a.id
            """) {
            let (id, externalID, name, status, zone, anchorDay, createdAt) =
                try row.decode((Int64, String, String, String, String, Int, Date).self)
            let plan = try Plan.decode(row, from: 7)
            accounts.append(MarginAccountRow(
                id: id, externalID: externalID, name: name, status: status,
                timeZone: TimeZone(identifier: zone) ?? TimeZone(secondsFromGMT: 0)!, anchorDay: anchorDay,
                createdAt: createdAt, plan: plan))
        }
        return accounts
    }

    /// The plan in effect (migration 0007's `plan_in_effect`) at each (account, instant) pair;
    /// pairs without a plan are missing.
    static func loadPlans(
        _ keys: [(Int64, Date)], on connection: PostgresConnection
    ) async throws -> [MarginReport.UsageKey: Plan] {
        guard !keys.isEmpty else { return [:] }
        var plans: [MarginReport.UsageKey: Plan] = [:]
        for row in try await connection.query(
            """
            SELECT k.account_id, k.at,
                   p.code, p.name, p.monthly_fee, p.included_credits, p.overage_policy, p.overage_price_per_credit
            FROM unnest(\(keys.map(\.0)), \(keys.map(\.1))) AS k(account_id, at)
            JOIN accounts a ON a.id = k.account_id
            JOIN plans p ON p.id = plan_in_effect(a, k.at)
            """) {
            let (account, at) = try row.decode((Int64, Date).self)
            plans[MarginReport.UsageKey(accountID: account, periodStart: at)] = try Plan.decode(row, from: 2)
        }
        return plans
    }
}

extension MarginAccountRow.Plan {
    /// The plan in the six columns code, name, monthly_fee, included_credits, overage_policy,
    /// overage_price_per_credit from `column` on; nil when the code is NULL (no plan).
    static func decode(_ row: PostgresRow, from column: Int) throws -> Self? {
        guard let code = try row.decode(String?.self, at: column) else { return nil }
        let name = try row.decode(String?.self, at: column + 1)
        let fee = try row.decode(Int64?.self, at: column + 2), included = try row.decode(Int64?.self, at: column + 3)
        let policy = try row.decode(String?.self, at: column + 4), price = try row.decode(Int64?.self, at: column + 5)
        return Self(
            code: code, name: name ?? code, fee: Money(nanos: fee ?? 0),
            included: included.map { .limited(Credits(millis: $0)) } ?? .unlimited,
            chargePerCredit: policy == "charge" ? Money(nanos: price ?? 0) : nil)
    }
}
