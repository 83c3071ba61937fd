import Foundation
import Synchronization
import Metering
import Postgres
import TallyDatabase

/// Reads the customer dashboard from the rollups in one round trip: the account and its plan,
/// then the period counter (`period_usage`, the rows the entitlement check reads), the period's
/// `daily_usage` rows (one index range, grouped three ways at once) and the active grants, plus
/// whatever the caller reads alongside for the same period (the page's banner). Never reads
/// `usage_events`.
///
/// Which period to read depends on the account's anchor day and time zone, which arrive in the
/// same round trip. The reader remembers each account's calendar and reads the period it gives;
/// the account row read alongside says whether that was right, and when it was not (the first
/// view after a start, or after an admin changed the calendar) the reads run again for the right
/// period. The remembered calendar is only ever a guess that the same round trip checks.
///
/// The period's days, features and models (the grouping of its `daily_usage` rows, the bulk of
/// the reading) are remembered the same way: with the row versions they were read at
/// (`PeriodUsageVersion`). Every view reads the current versions in its one round trip; only when
/// they differ from the remembered ones (events came in, a re-rate, a renamed feature) does it
/// read and group the rows again, in a second round trip that reads everything afresh.
public struct DashboardReader: Sendable {
    let pool: PostgresPool
    private let memo: CalendarMemo
    private let guesses = CalendarGuesses()
    private let breakdowns = PeriodBreakdowns()

    /// A reader over `pool` that finds periods and days through `calendar`.
    public init(pool: PostgresPool, calendar: CalendarMemo = CalendarMemo()) {
        self.pool = pool
        memo = calendar
    }

    /// The dashboard of `accountID` at `now`, in `scope` (a customer's own account scope), and
    /// the rows of `alongside(period)`, read in the same round trip and implicit transaction for
    /// the dashboard's period; nil when the scope cannot see the account.
    public func dashboard(
        accountID: Int64, now: Date, scope: DataScope,
        alongside: (BillingPeriod) -> [PostgresQuery] = { _ in [] }
    ) async throws -> (dashboard: Dashboard, alongside: [PostgresRows])? {
        let guess = guesses[accountID]
        var calendar = guess ?? AccountCalendar(anchorDay: 1, timeZoneName: "UTC")
        var readBreakdown = false
        // A calendar changed between two reads is read a third time, and a breakdown that
        // changed since it was remembered once more; more would mean a calendar changing on
        // every request, which no admin form can do.
        for _ in 0..<4 {
            let placement = try memo.placement(of: now, anchorDay: calendar.anchorDay, timeZone: calendar.timeZone)
            let (period, previous) = (placement.period, placement.previous)
            let remembered = readBreakdown ? nil : breakdowns.breakdown(accountID: accountID, periodStart: period.start)
            let rows = try await pool.read(
                [Self.accountQuery(accountID),
                 Self.usageQuery(accountID, period: period, previous: previous, now: now, breakdown: remembered == nil)]
                    + alongside(period),
                scope: scope)
            guard let account = try Self.account(rows[0]) else { return nil }
            guard account.calendar == calendar else {
                calendar = account.calendar
                continue
            }
            if calendar != guess { guesses.remember(calendar, for: accountID) }
            var usage = try Self.usage(rows[1])
            if let remembered {
                guard remembered.version == usage.version else {
                    readBreakdown = true
                    continue
                }
                usage.breakdown = remembered
            } else {
                breakdowns.remember(usage.breakdown, accountID: accountID, periodStart: period.start)
            }
            let dashboard = try Self.assemble(account, usage, period: period, previous: previous, today: placement.day, now: now)
            return (dashboard, Array(rows.dropFirst(2)))
        }
        throw DashboardReadError.calendarKeptChanging(accountID: accountID)
    }

    /// The dashboard from an account row and its period's usage.
    private static func assemble(
        _ account: AccountRow, _ usage: PeriodUsage, period: BillingPeriod, previous: BillingPeriod, today: LocalDay,
        now: Date
    ) throws -> Dashboard {
        let zone = period.timeZone
        let included: CreditLimit = account.plan?.included ?? .limited(.zero)
        let ledger = try CreditLedger(included: included, grants: usage.grants, used: usage.used, at: now)
        let byDay = Dictionary(usage.breakdown.days.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let lastShown = min(today, period.nextFirstDay.adding(days: -1))
        let daily = period.firstDay.through(lastShown).map { day in
            byDay[day.description] ?? NamedCredits(key: day.description, label: day.shortText, credits: .zero, events: 0)
        }
        return Dashboard(
            accountName: account.name, status: account.status, timeZone: zone,
            timeZoneName: account.calendar.timeZoneName, plan: account.plan,
            period: period, today: today, ledger: ledger, periodEvents: usage.events, daily: daily,
            previousPeriodCredits: usage.previous, previousPeriodDays: previous.firstDay.days(until: previous.nextFirstDay),
            byFeature: usage.breakdown.features, byModel: usage.breakdown.models, hasAnyUsage: usage.hasAny,
            projection: UsageProjection(used: usage.used, granted: ledger.granted, period: period, now: now))
    }

    private struct AccountRow {
        let name: String
        let status: AccountStatus
        let calendar: AccountCalendar
        let plan: DashboardPlan?
    }

    private static func accountQuery(_ id: Int64) -> PostgresQuery {
        """
        SELECT a.name, a.status, a.time_zone, a.anchor_day,
               p.name, p.included_credits, p.overage_policy, p.grace_bp, p.overage_price_per_credit
        FROM accounts a LEFT JOIN plans p ON p.id = a.plan_id
        WHERE a.id = \(id)
        """
    }

    private static func account(_ rows: PostgresRows) throws -> AccountRow? {
        guard let row = rows.first else { return nil }
        let (name, status, zone, anchorDay) = try row.decode((String, String, String, Int).self)
        let (planName, included, policy, grace, price) = try (
            row.decode(String?.self, at: 4), row.decode(Int64?.self, at: 5), row.decode(String?.self, at: 6),
            row.decode(Int64?.self, at: 7), row.decode(Int64?.self, at: 8))
        var plan: DashboardPlan?
        if let planName {
            let overage: OveragePolicy = if policy == "charge" {
                .charge(pricePerCredit: Money(nanos: price ?? 0))
            } else {
                .block(grace: try BasisPoints(grace ?? 0))
            }
            plan = DashboardPlan(
                name: planName, included: included.map { .limited(Credits(millis: $0)) } ?? .unlimited, overage: overage)
        }
        return AccountRow(
            name: name, status: AccountStatus(rawValue: status) ?? .paused,
            calendar: AccountCalendar(anchorDay: anchorDay, timeZoneName: zone), plan: plan)
    }

    /// What one dashboard reads besides the account.
    private struct PeriodUsage {
        var used = Credits.zero
        var events: Int64 = 0
        var previous = Credits.zero
        var hasAny = false
        var breakdown = PeriodBreakdown()
        var grants: [CreditGrant] = []
        var version: PeriodUsageVersion { breakdown.version }
    }

    /// The rest of the dashboard in one statement; its rows are told apart by the first column:
    ///
    /// - `total`: this period's credits and events and last period's credits from `period_usage`
    ///   (the counter the entitlement check reads), and whether the account has usage at all;
    /// - `version`: the versions (`xmin`) of the period's `period_usage` rows and of the features
    ///   (see `PeriodUsageVersion`);
    /// - `usage` (with `breakdown`): the period's `daily_usage` grouped by day, by feature and by
    ///   model in one pass (in each grouping set the other keys are NULL; the rollup stores `''`,
    ///   never NULL);
    /// - `grant`: the grants active at `now`, by the entitlement check's rule (granted ≤ now < expires).
    private static func usageQuery(
        _ account: Int64, period: BillingPeriod, previous: BillingPeriod, now: Date, breakdown: Bool
    ) -> PostgresQuery {
        let breakdownRows: PostgresQuery = breakdown ? """

        UNION ALL
        SELECT 'usage', to_char(g.local_day, 'YYYY-MM-DD'), g.feature_key, g.model, f.name, g.credits, g.events,
               NULL, NULL, NULL, NULL
        FROM (
            SELECT local_day, feature_key, model, sum(credits) AS credits, sum(events)::bigint AS events
            FROM daily_usage
            WHERE account_id = \(account)
              AND local_day >= \(period.firstDay.description)::date AND local_day < \(period.nextFirstDay.description)::date
            GROUP BY GROUPING SETS ((local_day), (feature_key), (model))
        ) g
        LEFT JOIN features f ON f.key = g.feature_key
        """ : ""
        return """
        SELECT 'total', NULL::text, NULL::text, NULL::text, NULL::text,
               coalesce(sum(credits) FILTER (WHERE period_start = \(period.start)), 0),
               coalesce(sum(events) FILTER (WHERE period_start = \(period.start)), 0)::bigint,
               coalesce(sum(credits) FILTER (WHERE period_start = \(previous.start)), 0),
               NULL::timestamptz, NULL::timestamptz,
               EXISTS (SELECT 1 FROM daily_usage WHERE account_id = \(account))
        FROM period_usage
        WHERE account_id = \(account) AND period_start IN (\(period.start), \(previous.start))
        UNION ALL
        SELECT 'version',
               (SELECT string_agg(feature_key || ':' || xmin::text, ',' ORDER BY feature_key)
                FROM period_usage WHERE account_id = \(account) AND period_start = \(period.start)),
               (SELECT string_agg(key || ':' || xmin::text, ',' ORDER BY key) FROM features),
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
        UNION ALL
        SELECT 'grant', kind, NULL, NULL, NULL, amount::numeric, NULL, price, granted_at, expires_at, NULL
        FROM credit_grants
        WHERE account_id = \(account) AND granted_at <= \(now) AND (expires_at IS NULL OR expires_at > \(now))
        \(breakdownRows)
        """
    }

    private static func usage(_ rows: PostgresRows) throws -> PeriodUsage {
        var usage = PeriodUsage()
        for row in rows {
            switch try row.decode(String.self, at: 0) {
            case "total": try readTotal(row, into: &usage)
            case "usage": try readUsage(row, into: &usage.breakdown)
            case "version":
                usage.breakdown.version = PeriodUsageVersion(
                    periodRows: try row.decode(String?.self, at: 1) ?? "", features: try row.decode(String?.self, at: 2) ?? "")
            default: usage.grants.append(try readGrant(row))
            }
        }
        usage.breakdown.features = largestFirst(usage.breakdown.features)
        usage.breakdown.models = largestFirst(usage.breakdown.models)
        return usage
    }

    private static func readTotal(_ row: PostgresRow, into usage: inout PeriodUsage) throws {
        usage.used = Credits(millis: try row.decode(Int128.self, at: 5))
        usage.events = try row.decode(Int64.self, at: 6)
        usage.previous = Credits(millis: try row.decode(Int128.self, at: 7))
        usage.hasAny = try row.decode(Bool.self, at: 10)
    }

    private static func readUsage(_ row: PostgresRow, into usage: inout PeriodBreakdown) throws {
        let (_, day, feature, model, featureName, credits, events) =
            try row.decode((String, String?, String?, String?, String?, Int128, Int64).self)
        let amount = Credits(millis: credits)
        if let day, let parsed = LocalDay(day) {
            usage.days.append(NamedCredits(key: day, label: parsed.shortText, credits: amount, events: events))
        } else if let feature {
            let label = feature.isEmpty ? "Unattributed" : featureName ?? feature
            usage.features.append(NamedCredits(key: feature, label: label, credits: amount, events: events))
        } else if let model {
            usage.models.append(NamedCredits(key: model, label: model.isEmpty ? "No model" : model, credits: amount, events: events))
        }
    }

    /// A `grant` row: kind, amount, price, granted, expires.
    private static func readGrant(_ row: PostgresRow) throws -> CreditGrant {
        let (kind, amount, price, grantedAt, expiresAt) = try (
            row.decode(String.self, at: 1), row.decode(Int128.self, at: 5), row.decode(Int128?.self, at: 7),
            row.decode(Date.self, at: 8), row.decode(Date?.self, at: 9))
        return try CreditGrant(
            amount: Credits(millis: amount), kind: GrantKind(rawValue: kind) ?? .adjustment,
            grantedAt: grantedAt, expiresAt: expiresAt, price: price.map(Money.init(nanos:)))
    }

    /// Largest credits first; ties by label, so the order never depends on the database.
    static func largestFirst(_ rows: [NamedCredits]) -> [NamedCredits] {
        rows.sorted { ($0.credits.millis, $1.label) > ($1.credits.millis, $0.label) }
    }
}

/// What an account's billing periods depend on: its anchor day and time zone.
public struct AccountCalendar: Sendable, Hashable {
    /// The day of the month periods start on (clamped to short months).
    public let anchorDay: Int
    /// The IANA zone name; an unknown name counts as UTC.
    public let timeZoneName: String

    /// A calendar.
    public init(anchorDay: Int, timeZoneName: String) {
        self.anchorDay = anchorDay
        self.timeZoneName = timeZoneName
    }

    /// The zone periods and local days are computed in.
    public var timeZone: TimeZone { TimeZone(identifier: timeZoneName) ?? TimeZone(secondsFromGMT: 0)! }
}

/// The dashboard could not settle on the account's calendar.
public enum DashboardReadError: Error, Sendable {
    /// The anchor day or time zone changed on each of three consecutive reads.
    case calendarKeptChanging(accountID: Int64)
}

/// The calendar a reader last found per account: bounded (cleared when full), shared by tasks.
/// Only ever a guess: the account row read in the same round trip checks it. (The periods and
/// day a calendar gives come from the shared `CalendarMemo`.)
final class CalendarGuesses: Sendable {
    private let guesses = Mutex<[Int64: AccountCalendar]>([:])
    private static let capacity = 100_000

    /// The calendar last found for the account.
    subscript(accountID: Int64) -> AccountCalendar? {
        guesses.withLock { $0[accountID] }
    }

    /// Remembers `calendar` as the account's.
    func remember(_ calendar: AccountCalendar, for accountID: Int64) {
        guesses.withLock { guesses in
            if guesses.count >= Self.capacity, guesses[accountID] == nil { guesses.removeAll(keepingCapacity: true) }
            guesses[accountID] = calendar
        }
    }
}
