import Foundation
import Metering
import Postgres
import TallyDatabase

/// Which alerts a list shows.
public struct AlertFilter: Sendable, Hashable {
    /// Only this rule.
    public var rule: AlertRule?
    /// Only this level.
    public var level: AlertLevel?
    /// Only this account (by external id).
    public var account: String?
    /// Open or acknowledged; nil: both.
    public var open: Bool?

    /// No filter.
    public init(rule: AlertRule? = nil, level: AlertLevel? = nil, account: String? = nil, open: Bool? = nil) {
        self.rule = rule
        self.level = level
        self.account = account
        self.open = open
    }
}

/// One page of alerts and the total that match.
public struct AlertPage: Sendable {
    /// The alerts, newest first.
    public let alerts: [Alert]
    /// How many alerts match the filter.
    public let total: Int
}

/// Why an acknowledgement did not happen.
public enum AcknowledgeError: Error, Sendable, Equatable {
    /// No alert with that id (in the caller's scope).
    case notFound
}

/// Reads and acknowledges alerts.
public struct AlertStore: Sendable {
    let pool: PostgresPool

    /// A store over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    static let columns = """
        al.id, al.account_id, ac.external_id, ac.name, al.rule, al.level, al.subject, al.period_start, al.threshold,
        al.message, al.fired_at, al.acknowledged_at, al.acknowledged_by
        """

    static func decode(_ row: PostgresRow) throws -> Alert {
        Alert(
            id: try row.decode(Int64.self, at: 0), accountID: try row.decode(Int64?.self, at: 1),
            accountExternalID: try row.decode(String?.self, at: 2), accountName: try row.decode(String?.self, at: 3),
            rule: AlertRule(rawValue: try row.decode(String.self, at: 4)) ?? .creditsUsed,
            level: AlertLevel(rawValue: try row.decode(String.self, at: 5)) ?? .warning,
            subject: try row.decode(String.self, at: 6), periodStart: try row.decode(Date?.self, at: 7),
            threshold: try row.decode(Int?.self, at: 8), message: try row.decode(String.self, at: 9),
            firedAt: try row.decode(Date.self, at: 10), acknowledgedAt: try row.decode(Date?.self, at: 11),
            acknowledgedBy: try row.decode(String?.self, at: 12))
    }

    /// Alerts matching `filter`, newest first, `pageSize` per page (page 1 first).
    public func list(_ filter: AlertFilter, page: Int, pageSize: Int = 50, in scope: DataScope) async throws -> AlertPage {
        let offset = max(page - 1, 0) * pageSize
        let rule = filter.rule?.rawValue
        let level = filter.level?.rawValue
        return try await pool.withTransaction(scope: scope) { connection in
            let condition: PostgresQuery = """
                (\(rule)::text IS NULL OR al.rule = \(rule)) AND (\(level)::text IS NULL OR al.level = \(level))
                AND (\(filter.account)::text IS NULL OR ac.external_id = \(filter.account))
                AND (\(filter.open)::boolean IS NULL OR (al.acknowledged_at IS NULL) = \(filter.open))
                """
            let total = try await connection.query(
                "SELECT count(*)::bigint FROM alerts al LEFT JOIN accounts ac ON ac.id = al.account_id WHERE \(condition)")
            let rows = try await connection.query(
                """
                SELECT \(unsafeRaw: Self.columns) FROM alerts al LEFT JOIN accounts ac ON ac.id = al.account_id
                WHERE \(condition) ORDER BY al.fired_at DESC, al.id DESC LIMIT \(pageSize) OFFSET \(offset)
                """)
            return AlertPage(alerts: try rows.map(Self.decode), total: Int(try total.first?.decode(Int64.self, at: 0) ?? 0))
        }
    }

    /// One alert, or nil.
    public func find(id: Int64, in scope: DataScope) async throws -> Alert? {
        try await pool.withTransaction(scope: scope) { connection in
            let rows = try await connection.query(
                "SELECT \(unsafeRaw: Self.columns) FROM alerts al LEFT JOIN accounts ac ON ac.id = al.account_id WHERE al.id = \(id)")
            return try rows.first.map(Self.decode)
        }
    }

    /// Acknowledges alert `id` (an already acknowledged one stays as it was), with an audit row.
    public func acknowledge(id: Int64, by actor: AuditActor, at now: Date) async throws {
        try await pool.withTransaction(scope: .staff) { connection in
            let rows = try await connection.query(
                "SELECT \(unsafeRaw: Self.columns) FROM alerts al LEFT JOIN accounts ac ON ac.id = al.account_id WHERE al.id = \(id) FOR UPDATE OF al")
            guard let alert = try rows.first.map(Self.decode) else { throw AcknowledgeError.notFound }
            guard alert.isOpen else { return }
            try await connection.execute(
                "UPDATE alerts SET acknowledged_at = \(now), acknowledged_by = \(actor.label) WHERE id = \(id)")
            try await AuditTrail.record(
                AuditChange(
                    action: "alert.acknowledge", objectKind: "alert", objectID: String(id), accountID: alert.accountID,
                    before: ["state": "open"], after: ["state": "acknowledged"]),
                by: actor, at: now, on: connection)
        }
    }

    /// The percentage of the customer's "credits used" banner: the highest threshold alert of
    /// the account's current billing period (the one holding `now`) that usage still reaches,
    /// or nil. A staff acknowledgement does not hide it; a top-up that lowers usage below a
    /// threshold does (the alert stays in the log, it only stops being true). Runs in the
    /// account's own scope.
    public func bannerThreshold(account accountID: Int64, at now: Date) async throws -> Int? {
        try await pool.withTransaction(scope: .account(accountID)) { connection in
            let accounts = try await connection.query("SELECT anchor_day, time_zone FROM accounts WHERE id = \(accountID)")
            guard let account = accounts.first else { return nil }
            let (anchor, zoneName) = try account.decode((Int, String).self)
            let zone = TimeZone(identifier: zoneName) ?? TimeZone(secondsFromGMT: 0)!
            let period = try BillingPeriod.containing(now, anchorDay: anchor, timeZone: zone)
            return try Self.bannerThreshold(
                try await connection.query(Self.bannerQuery(account: accountID, periodStart: period.start, at: now)))
        }
    }

    /// The statement behind ``bannerThreshold(account:at:)``, for a caller that sends it with its
    /// own reads (the dashboard). Usage "still reaches" a threshold by the rule that fired it
    /// (``ThresholdAlerts``): credits used this period × 100 ≥ (the included credits of the plan
    /// in effect at the period's start + the grants active at `now`) × threshold.
    public static func bannerQuery(account accountID: Int64, periodStart: Date, at now: Date) -> PostgresQuery {
        """
        SELECT max(al.threshold)
        FROM alerts al
        CROSS JOIN (
            SELECT (SELECT coalesce(sum(u.credits), 0) FROM period_usage u
                    WHERE u.account_id = a.id AND u.period_start = \(periodStart)) AS used,
                   p.included_credits + coalesce((
                       SELECT sum(g.amount) FROM credit_grants g
                       WHERE g.account_id = a.id AND g.granted_at <= \(now)
                         AND (g.expires_at IS NULL OR g.expires_at > \(now))), 0) AS granted
            FROM accounts a JOIN plans p ON p.id = plan_in_effect(a, \(periodStart))
            WHERE a.id = \(accountID)
        ) b
        WHERE al.account_id = \(accountID) AND al.rule = 'credits_used' AND al.period_start = \(periodStart)
          AND b.granted > 0 AND b.used * 100 >= b.granted * al.threshold::numeric
        """
    }

    /// The threshold in ``bannerQuery(account:periodStart:at:)``'s rows.
    public static func bannerThreshold(_ rows: PostgresRows) throws -> Int? {
        try rows.first?.decode(Int?.self, at: 0)
    }
}
