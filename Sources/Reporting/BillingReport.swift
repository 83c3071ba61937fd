import Foundation
import Metering
import Postgres
import TallyDatabase

/// "What does this account pay, and why?": the billing page's question, answered in the
/// account's own scope from the account, its plan, `credit_grants` and `period_usage` (the
/// period counters, never raw events).
///
/// Plans have no history yet, so closed periods are shown on the account's current plan.
public struct BillingReport: Sendable {
    /// Grants shown on the page, newest first.
    public static let grantLimit = 50
    /// Closed periods listed at most (ten years), so an account's history stays bounded.
    static let periodLimit = 120

    let pool: PostgresPool

    /// A report over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The overview for `accountID` at `now`, closed periods page `page` (1-based) of `perPage`;
    /// nil when the account is not visible in its own scope.
    public func overview(accountID: Int64, now: Date, page: Int = 1, perPage: Int = 12) async throws -> BillingOverview? {
        try await pool.withTransaction(scope: .account(accountID)) { connection in
            guard let account = try await Self.account(accountID, on: connection) else { return nil }
            let grants = try await Self.grants(accountID, on: connection)
            let usage = try await connection.query(
                """
                SELECT period_start, sum(credits) FROM period_usage
                WHERE account_id = \(accountID) GROUP BY period_start ORDER BY period_start
                """
            ).map { try $0.decode((Date, Int128).self) }
            let calculator = PeriodCalculator(plan: account.plan, grants: grants, usage: usage)
            let current = try BillingPeriod.containing(now, anchorDay: account.anchorDay, timeZone: account.timeZone)
            let earliest = ([account.createdAt] + usage.map(\.0) + grants.map(\.grantedAt)).min() ?? now
            var past: [BillingPeriod] = []
            var period = current.preceding
            while period.end > earliest, past.count < Self.periodLimit {
                past.append(period)
                period = period.preceding
            }
            let first = max(page - 1, 0) * perPage
            let shown = first < past.count ? past[first..<min(first + perPage, past.count)] : []
            return BillingOverview(
                accountName: account.name, timeZone: account.timeZone, timeZoneName: account.timeZoneName,
                anchorDay: account.anchorDay,
                status: account.status, plan: account.plan,
                current: try calculator.figures(current, at: now),
                grants: Array(grants.sorted { ($0.grantedAt, $0.id) > ($1.grantedAt, $1.id) }.prefix(Self.grantLimit)).map {
                    $0.withStatus(at: now)
                },
                grantCount: grants.count,
                pastPeriods: try shown.map { try calculator.figures($0, at: $0.end.addingTimeInterval(-0.001)) },
                pastPeriodCount: past.count)
        }
    }

    private struct AccountRow {
        let name: String
        let timeZone: TimeZone
        let timeZoneName: String
        let anchorDay: Int
        let status: AccountStatus
        let createdAt: Date
        let plan: BillingPlan?
    }

    private static func account(_ id: Int64, on connection: PostgresConnection) async throws -> AccountRow? {
        let rows = try await connection.query(
            """
            SELECT a.name, a.time_zone, a.anchor_day, a.status, a.created_at, p.id IS NOT NULL, coalesce(p.name, ''),
                   coalesce(p.monthly_fee, 0), p.included_credits, coalesce(p.overage_policy, 'block'),
                   coalesce(p.grace_bp, 0), coalesce(p.overage_price_per_credit, 0)
            FROM accounts a LEFT JOIN plans p ON p.id = a.plan_id
            WHERE a.id = \(id)
            """)
        guard let row = rows.first else { return nil }
        let (name, zone, anchorDay, status, createdAt, hasPlan, planName) =
            try row.decode((String, String, Int, String, Date, Bool, String).self)
        let (fee, included, policy, grace, price) = (
            try row.decode(Int64.self, at: 7), try row.decode(Int64?.self, at: 8), try row.decode(String.self, at: 9),
            try row.decode(Int64.self, at: 10), try row.decode(Int64.self, at: 11))
        let plan = hasPlan
            ? BillingPlan(
                name: planName, monthlyFee: Money(nanos: fee),
                included: included.map { .limited(Credits(millis: $0)) } ?? .unlimited,
                overage: policy == "charge" ? .charge(pricePerCredit: Money(nanos: price)) : .block(grace: try BasisPoints(grace)))
            : nil
        return AccountRow(
            name: name, timeZone: TimeZone(identifier: zone) ?? TimeZone(secondsFromGMT: 0)!, timeZoneName: zone,
            anchorDay: anchorDay,
            status: AccountStatus(rawValue: status) ?? .paused, createdAt: createdAt, plan: plan)
    }

    private static func grants(_ accountID: Int64, on connection: PostgresConnection) async throws -> [BillingGrant] {
        try await connection.query(
            """
            SELECT id, kind, amount, granted_at, expires_at, price, note FROM credit_grants
            WHERE account_id = \(accountID)
            """
        ).map { row in
            let (id, kind, amount, grantedAt, expiresAt, price, note) =
                try row.decode((Int64, String, Int64, Date, Date?, Int64?, String).self)
            return BillingGrant(
                id: id, kind: GrantKind(rawValue: kind) ?? .adjustment, amount: Credits(millis: amount),
                grantedAt: grantedAt, expiresAt: expiresAt, price: price.map(Money.init(nanos:)), note: note, status: .active)
        }
    }
}

/// The ledger arithmetic of one account's periods; the rules themselves are `Metering`'s.
struct PeriodCalculator {
    let plan: BillingPlan?
    let grants: [BillingGrant]
    /// `period_usage` credits by stored period start.
    let usage: [(Date, Int128)]

    /// The figures of `period`, with grants counted as at `instant`.
    func figures(_ period: BillingPeriod, at instant: Date) throws -> BillingPeriodFigures {
        // Counters are matched by range, not by equal start, so a period whose start moved (a
        // changed anchor or zone) still counts every credit stored in it.
        let used = try Credits.sum(usage.filter { period.contains($0.0) }.map { Credits(millis: $0.1) })
        let ledgerGrants = try grants.map {
            try CreditGrant(amount: $0.amount, kind: $0.kind, grantedAt: $0.grantedAt, expiresAt: $0.expiresAt, price: $0.price)
        }
        // Without a plan nothing is included, as in the entitlement check.
        let ledger = try CreditLedger(included: plan?.included ?? .limited(.zero), grants: ledgerGrants, used: used, at: instant)
        let charge: Money = if case .charge(let price) = plan?.overage { try ledger.overageCharge(pricePerCredit: price) } else { .zero }
        let fee = plan?.monthlyFee ?? .zero
        let topUps = try Money.sum(grants.filter { $0.kind == .topUp && period.contains($0.grantedAt) }.compactMap(\.price))
        return BillingPeriodFigures(
            period: period, ledger: ledger, overageCharge: charge, fee: fee, topUps: topUps,
            total: try Money.sum([fee, charge, topUps]))
    }
}

extension BillingGrant {
    /// The same grant with its status at `instant`.
    func withStatus(at instant: Date) -> BillingGrant {
        let status: Status = grantedAt > instant ? .upcoming : (expiresAt.map { $0 <= instant } ?? false) ? .expired : .active
        return BillingGrant(
            id: id, kind: kind, amount: amount, grantedAt: grantedAt, expiresAt: expiresAt, price: price, note: note, status: status)
    }
}
