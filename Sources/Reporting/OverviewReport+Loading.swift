import Foundation
import Metering
import Postgres
import TallyDatabase

extension OverviewReport {
    /// The overview of local days `from`…`through` as of `now`, in one transaction in `scope`.
    public static func load(
        from: LocalDay, through: LocalDay, now: Date, pool: PostgresPool, scope: DataScope
    ) async throws -> OverviewReport {
        try await pool.withTransaction(scope: scope) { connection in
            let lines = try await costLines(from: from, through: through, on: connection)
            let margins = try await MarginReport.load(.overlapping(from: from, through: through), now: now, on: connection)
            let revenue = RevenueSpread.revenueByDay(margins, from: from, through: through)
            let costByAccount = Dictionary(uniqueKeysWithValues: lines.accounts.map { ($0.key, $0.cost) })
            let rangeMargins: [AccountRangeMargin] = margins.accounts.compactMap { account in
                let accountRevenue = revenue.byAccount[account.accountID] ?? .zero
                let cost = costByAccount[String(account.accountID)] ?? .zero
                guard accountRevenue.nanos != 0 || cost.nanos != 0 else { return nil }
                return AccountRangeMargin(
                    accountID: account.accountID, name: account.name, externalID: account.externalID, revenue: accountRevenue,
                    cost: cost)
            }
            let names = Dictionary(uniqueKeysWithValues: margins.accounts.map { (String($0.accountID), $0.name) })
            var days: [DayMoney] = []
            var day = from
            while day <= through {
                days.append(DayMoney(
                    day: day, cost: lines.days[day.description] ?? .zero, revenue: revenue.byDay[day] ?? .zero))
                day = day.next
            }
            let unattributed = lines.features.first { $0.key == "" }
            return OverviewReport(
                from: from, through: through,
                cost: try Money.sum(days.map(\.cost)), revenue: try Money.sum(days.map(\.revenue)), events: lines.events,
                days: days, byFeature: lines.features, byModel: lines.models,
                topAccounts: lines.accounts.prefix(10).map {
                    CostLine(key: $0.key, name: names[$0.key] ?? $0.key, events: $0.events, cost: $0.cost)
                },
                lowestMargins: Array(rangeMargins.sorted(by: lowerMarginFirst).prefix(10)),
                unpriced: try await unpricedModels(from: from, through: through, on: connection),
                unattributedEvents: unattributed?.events ?? 0, unattributedCost: unattributed?.cost ?? .zero,
                features: lines.health)
        }
    }

    /// Accounts with cost and no revenue first (the most cost first), then by margin, lowest first.
    static func lowerMarginFirst(_ a: AccountRangeMargin, _ b: AccountRangeMargin) -> Bool {
        switch (a.margin.basisPoints, b.margin.basisPoints) {
        case (nil, nil): return (a.cost, a.accountID) > (b.cost, b.accountID)
        case (nil, _): return true
        case (_, nil): return false
        case (let x?, let y?): return (x, a.accountID) < (y, b.accountID)
        }
    }

    struct Lines {
        var days: [String: Money] = [:]
        var features: [CostLine] = []
        var models: [CostLine] = []
        var accounts: [CostLine] = []
        var events: Int64 = 0
        /// Per feature, by key.
        var health: [FeatureHealth] = []
    }

    /// The range's cost lines and feature health: days, features, models and the totals from
    /// `daily_operator_usage` (a few hundred rows a month), accounts from `daily_usage` (the
    /// only grouping that needs the account, with two plain sums).
    static func costLines(from: LocalDay, through: LocalDay, on connection: PostgresConnection) async throws -> Lines {
        var lines = try await operatorLines(from: from, through: through, on: connection)
        lines.accounts = try await accountLines(from: from, through: through, on: connection)
        let byCost = { (a: CostLine, b: CostLine) in (a.cost, b.key) > (b.cost, a.key) }
        lines.features.sort(by: byCost)
        lines.models.sort(by: byCost)
        lines.accounts.sort(by: byCost)
        return lines
    }

    /// `ARRAY[sum(latency[1]), …, sum(latency[20])]`: the histogram summed element-wise in one
    /// aggregate pass (an `unnest` per row costs ten times more). Constant SQL.
    static let latencySums = "ARRAY[" + (1...20).map { "coalesce(sum(latency[\($0)]), 0)" }.joined(separator: ", ") + "]::bigint[]"

    /// One pass over the range of `daily_operator_usage`, grouped by day, by feature (with the
    /// feature's health: failures, output units, the latency histogram), by model and in all.
    /// Features come in key order (the database's), as `features` lists them.
    static func operatorLines(from: LocalDay, through: LocalDay, on connection: PostgresConnection) async throws -> Lines {
        var lines = Lines()
        for row in try await connection.query(
            """
            SELECT grouping(local_day, feature_key, model), local_day::text, feature_key, model,
                   coalesce(sum(events), 0)::bigint, coalesce(sum(cost), 0),
                   coalesce(sum(failures), 0)::bigint, coalesce(sum(output_units), 0), \(unsafeRaw: latencySums)
            FROM daily_operator_usage
            WHERE local_day BETWEEN \(from.description)::date AND \(through.description)::date
            GROUP BY GROUPING SETS ((local_day), (feature_key), (model), ())
            ORDER BY 1, 3
            """) {
            let (grouping, day, feature, model, events, cost, failures, units) =
                try row.decode((Int, String?, String?, String?, Int64, Int128, Int64, Int128).self)
            let money = Money(nanos: cost)
            switch grouping {
            case 0b011: lines.days[day ?? ""] = money
            case 0b101:
                let key = feature ?? ""
                lines.features.append(CostLine(key: key, name: key, events: events, cost: money))
                lines.health.append(FeatureHealth(
                    featureKey: key, events: events, failures: failures, outputUnits: units, cost: money,
                    latency: try row.decode([Int64].self, at: 8)))
            case 0b110: lines.models.append(CostLine(key: model ?? "", name: model ?? "", events: events, cost: money))
            default: lines.events = events
            }
        }
        return lines
    }

    /// Events and cost per account in the range.
    static func accountLines(from: LocalDay, through: LocalDay, on connection: PostgresConnection) async throws -> [CostLine] {
        try await connection.query(
            """
            SELECT account_id, sum(events)::bigint, sum(cost)
            FROM daily_usage
            WHERE local_day BETWEEN \(from.description)::date AND \(through.description)::date
            GROUP BY account_id
            """
        ).map { row in
            let (account, events, cost) = try row.decode((Int64, Int64, Int128).self)
            return CostLine(key: String(account), name: String(account), events: events, cost: Money(nanos: cost))
        }
    }

    /// Unpriced events in the range (UTC days), by model: a scan of the partial index on unpriced
    /// events only, which stays small because unpriced events are the exception.
    static func unpricedModels(from: LocalDay, through: LocalDay, on connection: PostgresConnection) async throws -> [UnpricedModel] {
        let utc = TimeZone(secondsFromGMT: 0)!
        var models: [UnpricedModel] = []
        for row in try await connection.query(
            """
            SELECT coalesce(model, ''), count(*)::bigint, count(DISTINCT account_id)::bigint FROM usage_events
            WHERE unpriced AND occurred_at >= \(from.start(in: utc)) AND occurred_at < \(through.next.start(in: utc))
            GROUP BY 1 ORDER BY 2 DESC, 1
            """) {
            let (model, events, accounts) = try row.decode((String, Int64, Int64).self)
            models.append(UnpricedModel(model: model, events: events, accounts: accounts))
        }
        return models
    }
}

/// How period revenue becomes daily revenue (the overview's chart and its range totals).
public enum RevenueSpread {
    /// Per day and per account, the revenue that falls in `from`…`through`: each period's fee and
    /// overage charge spread evenly over the period's local days (⌊amount / days⌋ nano-USD a day,
    /// the remainder one nano each to the first days), each sold top-up on the local day it was
    /// granted.
    public static func revenueByDay(
        _ report: MarginReport, from: LocalDay, through: LocalDay
    ) -> (byDay: [LocalDay: Money], byAccount: [Int64: Money]) {
        var byDay: [LocalDay: Money] = [:]
        var byAccount: [Int64: Money] = [:]
        func add(_ nanos: Int128, on day: LocalDay, account: Int64) {
            guard day >= from, day <= through, nanos != 0 else { return }
            byDay[day, default: .zero] = byDay[day, default: .zero] + Money(nanos: nanos)
            byAccount[account, default: .zero] = byAccount[account, default: .zero] + Money(nanos: nanos)
        }
        for account in report.accounts {
            for period in account.periods {
                var days: [LocalDay] = []
                var day = period.period.firstDay
                while day < period.period.nextFirstDay {
                    days.append(day)
                    day = day.next
                }
                let spread = (period.revenue.fee + period.revenue.overage).nanos
                let share = spread / Int128(max(days.count, 1))
                let extra = Int(spread % Int128(max(days.count, 1)))
                for (index, day) in days.enumerated() {
                    add(share + (index < extra ? 1 : 0), on: day, account: account.accountID)
                }
                for sale in period.topUpSales {
                    add(sale.price.nanos, on: LocalDay(containing: sale.grantedAt, in: account.timeZone), account: account.accountID)
                }
            }
        }
        return (byDay, byAccount)
    }
}
