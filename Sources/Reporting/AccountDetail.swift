import Foundation
import Metering
import MeteringStore
import Postgres
import TallyDatabase

/// A plan as the admin pages name it.
public struct PlanSummary: Sendable, Hashable {
    public let id: Int64
    public let code: String
    public let name: String
    public let monthlyFee: Money
    public let included: CreditLimit
    public let overage: OveragePolicy
    public let archived: Bool
}

/// Everything the admin account page shows about one account in its current period.
public struct AccountDetail: Sendable, Hashable {
    /// One day of the period: credits and cost from the daily rollup.
    public struct Day: Sendable, Hashable {
        public let day: LocalDay
        public let credits: Credits
        public let cost: Money
    }

    /// Usage of one feature or one model this period.
    public struct Usage: Sendable, Hashable {
        /// The feature key or model; "" for unattributed / no model.
        public let key: String
        /// The feature's registered name, when it has one.
        public let name: String?
        public let events: Int64
        public let credits: Credits
        public let cost: Money
    }

    /// A customer user of the account.
    public struct Member: Sendable, Hashable {
        public let id: Int64
        public let email: String
        public let role: String
        public let disabledAt: Date?
    }

    /// A credit grant.
    public struct Grant: Sendable, Hashable {
        public let id: Int64
        public let grant: CreditGrant
        public let note: String
    }

    public let id: Int64
    public let externalID: String
    public let name: String
    public let status: AccountStatus
    public let timeZone: String
    public let anchorDay: Int
    public let createdAt: Date
    /// The plan in effect now; nil: none.
    public let plan: PlanSummary?
    /// A plan scheduled from the start of a later period.
    public let nextPlan: PlanSummary?
    public let nextPlanFrom: Date?
    /// The current billing period.
    public let period: BillingPeriod
    /// Used, granted, remaining and overage now: the entitlement check's numbers.
    public let ledger: CreditLedger
    /// Cost this period (sum of stored event costs, from `period_usage`).
    public let cost: Money
    /// Events this period.
    public let events: Int64
    /// Every day of the period, zeros included.
    public let days: [Day]
    public let byFeature: [Usage]
    public let byModel: [Usage]
    public let members: [Member]
    /// Every grant, newest first.
    public let grants: [Grant]
    /// The newest audit rows about the account.
    public let recentAudit: [AuditEntry]
}

/// Loads ``AccountDetail`` (staff scope).
public struct AccountDetailReport: Sendable {
    let pool: PostgresPool

    /// A read model over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The account `id` at `now`; nil when there is none.
    public func load(id: Int64, now: Date) async throws -> AccountDetail? {
        try await pool.withTransaction(scope: .staff) { connection in
            let rows = try await connection.query(
                """
                SELECT id, external_id, name, status, time_zone, anchor_day, created_at,
                       plan_in_effect(a, \(now)), CASE WHEN next_plan_from > \(now) THEN next_plan_id END,
                       CASE WHEN next_plan_from > \(now) THEN next_plan_from END
                FROM accounts a WHERE id = \(id)
                """)
            guard let row = rows.first else { return nil }
            let (_, externalID, name, status, zone, anchor, createdAt, planID, nextPlanID, nextFrom) =
                try row.decode((Int64, String, String, String, String, Int, Date, Int64?, Int64?, Date?).self)
            let timeZone = TimeZone(identifier: zone) ?? TimeZone(secondsFromGMT: 0)!
            let period = try BillingPeriod.containing(now, anchorDay: anchor, timeZone: timeZone)
            var plan: PlanSummary?
            if let planID { plan = try await PlanCatalogReport.summary(planID, on: connection) }
            var nextPlan: PlanSummary?
            if let nextPlanID { nextPlan = try await PlanCatalogReport.summary(nextPlanID, on: connection) }
            let totals = try await connection.query(
                """
                SELECT coalesce(sum(credits), 0), coalesce(sum(cost), 0), coalesce(sum(events), 0)::bigint
                FROM period_usage WHERE account_id = \(id) AND period_start = \(period.start)
                """).first!
            let (used, cost, events) = try totals.decode((Int128, Int128, Int64).self)
            let grants = try await self.grants(id, on: connection)
            let included: CreditLimit = plan.map(\.included) ?? .limited(.zero)
            let ledger = try CreditLedger(included: included, grants: grants.map(\.grant), used: Credits(millis: used), at: now)
            return AccountDetail(
                id: id, externalID: externalID, name: name, status: AccountStatus(rawValue: status) ?? .paused,
                timeZone: zone, anchorDay: anchor, createdAt: createdAt, plan: plan, nextPlan: nextPlan, nextPlanFrom: nextFrom,
                period: period, ledger: ledger, cost: Money(nanos: cost), events: events,
                days: try await days(id, period: period, on: connection),
                byFeature: try await usage(id, period: period, column: "feature_key", on: connection),
                byModel: try await usage(id, period: period, column: "model", on: connection),
                members: try await members(id, on: connection), grants: grants,
                recentAudit: try await AuditLog(pool: pool).recent(accountID: id, limit: 10, on: connection))
        }
    }

    private func days(_ id: Int64, period: BillingPeriod, on connection: PostgresConnection) async throws -> [AccountDetail.Day] {
        var byDay: [String: (Int128, Int128)] = [:]
        for row in try await connection.query(
            """
            SELECT to_char(local_day, 'YYYY-MM-DD'), sum(credits), sum(cost) FROM daily_usage
            WHERE account_id = \(id) AND local_day >= \(period.firstDay.description)::date AND local_day < \(period.nextFirstDay.description)::date
            GROUP BY local_day
            """) {
            let (day, credits, cost) = try row.decode((String, Int128, Int128).self)
            byDay[day] = (credits, cost)
        }
        var days: [AccountDetail.Day] = []
        var day = period.firstDay
        while day < period.nextFirstDay {
            let (credits, cost) = byDay[day.description] ?? (0, 0)
            days.append(AccountDetail.Day(day: day, credits: Credits(millis: credits), cost: Money(nanos: cost)))
            day = day.next
        }
        return days
    }

    private func usage(_ id: Int64, period: BillingPeriod, column: String, on connection: PostgresConnection) async throws -> [AccountDetail.Usage] {
        let rows = try await connection.query(
            """
            SELECT d.\(identifier: column), f.name, sum(d.events)::bigint, sum(d.credits), sum(d.cost)
            FROM daily_usage d LEFT JOIN features f ON f.key = d.\(identifier: column)
            WHERE d.account_id = \(id) AND d.local_day >= \(period.firstDay.description)::date
              AND d.local_day < \(period.nextFirstDay.description)::date
            GROUP BY d.\(identifier: column), f.name
            ORDER BY sum(d.cost) DESC, sum(d.credits) DESC, d.\(identifier: column)
            """)
        return try rows.map { row in
            let (key, name, events, credits, cost) = try row.decode((String, String?, Int64, Int128, Int128).self)
            return AccountDetail.Usage(
                key: key, name: column == "feature_key" ? name : nil, events: events, credits: Credits(millis: credits),
                cost: Money(nanos: cost))
        }
    }

    private func members(_ id: Int64, on connection: PostgresConnection) async throws -> [AccountDetail.Member] {
        try await connection.query(
            "SELECT id, email, role, disabled_at FROM users WHERE account_id = \(id) ORDER BY role, lower(email)"
        ).map { row in
            let (userID, email, role, disabled) = try row.decode((Int64, String, String, Date?).self)
            return AccountDetail.Member(id: userID, email: email, role: role, disabledAt: disabled)
        }
    }

    private func grants(_ id: Int64, on connection: PostgresConnection) async throws -> [AccountDetail.Grant] {
        try await connection.query(
            """
            SELECT id, kind, amount, granted_at, expires_at, price, note FROM credit_grants
            WHERE account_id = \(id) ORDER BY granted_at DESC, id DESC
            """
        ).map { row in
            let (grantID, kind, amount, grantedAt, expiresAt, price, note) =
                try row.decode((Int64, String, Int64, Date, Date?, Int64?, String).self)
            let grant = try CreditGrant(
                amount: Credits(millis: amount), kind: GrantKind(rawValue: kind) ?? .adjustment, grantedAt: grantedAt,
                expiresAt: expiresAt, price: price.map(Money.init(nanos:)))
            return AccountDetail.Grant(id: grantID, grant: grant, note: note)
        }
    }
}
