import Foundation
import Metering
import MeteringStore
import Postgres
import TallyDatabase

/// How the admin account list is sorted.
public enum AdminAccountSort: String, Sendable, CaseIterable {
    case name, plan, status
    /// Credits used this period as a share of credits granted.
    case used
    /// Cost this period.
    case cost
}

/// What the admin account list shows: a search, a sort and a page.
public struct AdminAccountListQuery: Sendable, Hashable {
    /// Part of the name or external id (case-insensitive); empty: every account.
    public var search: String
    /// The sort column.
    public var sort: AdminAccountSort
    /// Largest first.
    public var descending: Bool
    /// 1-based page.
    public var page: Int
    /// Rows per page.
    public var pageSize: Int

    /// A query; `page` is clamped to 1 or more.
    public init(search: String = "", sort: AdminAccountSort = .name, descending: Bool = false, page: Int = 1, pageSize: Int = 50) {
        self.search = search
        self.sort = sort
        self.descending = descending
        self.page = max(page, 1)
        self.pageSize = pageSize
    }
}

/// One account in the admin list, for its current billing period.
public struct AdminAccountRow: Sendable, Hashable {
    public let id: Int64
    public let externalID: String
    public let name: String
    /// The plan in effect now; nil: none.
    public let planName: String?
    public let status: AccountStatus
    /// Credits used this period.
    public let used: Credits
    /// Included (plan in effect) plus active grants; unlimited for an unlimited plan.
    public let granted: CreditLimit
    /// used ÷ granted in basis points; nil when granted is unlimited or not above zero.
    public let usedBasisPoints: Int64?
    /// Cost this period (provider cost + overhead), a sum of stored event costs.
    public let cost: Money
}

/// A page of the admin account list.
public struct AdminAccountPage: Sendable, Hashable {
    public let rows: [AdminAccountRow]
    /// Accounts matching the search, on every page.
    public let total: Int
    public let query: AdminAccountListQuery

    /// The number of pages (at least 1).
    public var pageCount: Int { max(1, (total + query.pageSize - 1) / query.pageSize) }
}

/// The admin account list: search by name or external id, sort by any column, paginate.
///
/// Each account has its own billing period (anchor day and time zone), so the period starts are
/// computed with `BillingPeriod` first and joined in SQL; used credits come from `period_usage`
/// (the counter the entitlement check reads) and granted credits from the plan in effect plus
/// the grants active now, as in the entitlement check.
public struct AdminAccountList: Sendable {
    let pool: PostgresPool

    /// A read model over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The page `query` asks for, at `now`.
    public func load(_ query: AdminAccountListQuery, now: Date) async throws -> AdminAccountPage {
        try await pool.withTransaction(scope: .staff) { connection in
            var ids: [Int64] = []
            var starts: [Date] = []
            for row in try await connection.query(
                """
                SELECT id, anchor_day, time_zone FROM accounts
                WHERE \(query.search) = '' OR strpos(lower(name), lower(\(query.search))) > 0
                   OR strpos(lower(external_id), lower(\(query.search))) > 0
                """) {
                let (id, anchor, zone) = try row.decode((Int64, Int, String).self)
                let period = try BillingPeriod.containing(
                    now, anchorDay: anchor, timeZone: TimeZone(identifier: zone) ?? TimeZone(secondsFromGMT: 0)!)
                ids.append(id)
                starts.append(period.start)
            }
            let rows = try await connection.query(
                """
                WITH k AS (SELECT * FROM unnest(\(ids), \(starts)) AS k(account_id, period_start)),
                t AS (
                    SELECT a.id, a.external_id, a.name, a.status, p.name AS plan_name, p.id AS plan_id, p.included_credits,
                           coalesce(u.credits, 0) AS used, coalesce(u.cost, 0) AS cost,
                           coalesce(g.amount, 0) AS extra
                    FROM k JOIN accounts a ON a.id = k.account_id
                    LEFT JOIN plans p ON p.id = plan_in_effect(a, \(now))
                    LEFT JOIN LATERAL (
                        SELECT sum(credits) AS credits, sum(cost) AS cost FROM period_usage pu
                        WHERE pu.account_id = a.id AND pu.period_start = k.period_start) u ON true
                    LEFT JOIN LATERAL (
                        SELECT sum(amount) AS amount FROM credit_grants cg
                        WHERE cg.account_id = a.id AND cg.granted_at <= \(now) AND (cg.expires_at IS NULL OR cg.expires_at > \(now))) g ON true
                ), s AS (
                    SELECT t.*,
                           CASE WHEN t.plan_id IS NOT NULL AND t.included_credits IS NULL THEN NULL
                                ELSE coalesce(t.included_credits, 0) + t.extra END AS granted
                    FROM t
                ), r AS (
                    SELECT s.*, CASE WHEN s.granted > 0 THEN least(round(s.used * 10000 / s.granted), 9223372036854775807)::bigint END AS used_bp FROM s
                )
                SELECT id, external_id, name, status, plan_name, used, granted, used_bp, cost
                FROM r
                ORDER BY \(unsafeRaw: Self.order(query.sort, descending: query.descending)), lower(name), id
                LIMIT \(query.pageSize) OFFSET \((query.page - 1) * query.pageSize)
                """)
            let items = try rows.map { row in
                let (id, externalID, name, status, plan, used, granted, usedBP, cost) =
                    try row.decode((Int64, String, String, String, String?, Int128, Int128?, Int64?, Int128).self)
                return AdminAccountRow(
                    id: id, externalID: externalID, name: name, planName: plan, status: AccountStatus(rawValue: status) ?? .paused,
                    used: Credits(millis: used), granted: granted.map { .limited(Credits(millis: $0)) } ?? .unlimited,
                    usedBasisPoints: usedBP, cost: Money(nanos: cost))
            }
            return AdminAccountPage(rows: items, total: ids.count, query: query)
        }
    }

    /// The ORDER BY expression of a sort: fixed text per case, never user input.
    private static func order(_ sort: AdminAccountSort, descending: Bool) -> String {
        let direction = descending ? "DESC" : "ASC"
        return switch sort {
        case .name: "lower(name) \(direction)"
        case .plan: "lower(plan_name) \(direction) NULLS LAST"
        case .status: "status \(direction)"
        case .used: "used_bp \(direction) NULLS LAST, used \(direction)"
        case .cost: "cost \(direction)"
        }
    }
}
