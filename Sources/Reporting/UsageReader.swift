import Foundation
import Metering
import Postgres
import TallyDatabase

/// The account's calendar: what ranges are resolved against.
public struct UsageCalendar: Sendable, Hashable {
    /// The account's display name.
    public let accountName: String
    /// The account's time zone.
    public let timeZone: TimeZone
    /// The zone's IANA name as stored for the account.
    public let timeZoneName: String
    /// The current billing period.
    public let period: BillingPeriod
    /// Today in the account's time zone.
    public let today: LocalDay
}

/// Reads the usage page: totals from `daily_usage` (one index range per request) and the newest
/// events of the range from `usage_events` through its `(account_id, occurred_at)` index, a page
/// at a time with a bounded count.
public struct UsageReader: Sendable {
    /// Events per page of the recent-events list.
    public static let pageSize = 50
    /// The count of events stops here; pages go no deeper than this many events.
    public static let countLimit = 10_000
    /// The deepest page.
    public static var maxPage: Int { countLimit / pageSize }

    let pool: PostgresPool

    /// A reader over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The account's zone, period and today at `now`; nil when `scope` cannot see the account.
    public func calendar(accountID: Int64, now: Date, scope: DataScope) async throws -> UsageCalendar? {
        try await pool.withTransaction(scope: scope) { connection in
            guard let row = try await connection.query(
                "SELECT name, time_zone, anchor_day FROM accounts WHERE id = \(accountID)").first else { return nil }
            let (name, zone, anchorDay) = try row.decode((String, String, Int).self)
            let timeZone = TimeZone(identifier: zone) ?? TimeZone(secondsFromGMT: 0)!
            return UsageCalendar(
                accountName: name, timeZone: timeZone, timeZoneName: zone, period: try BillingPeriod.containing(now, anchorDay: anchorDay, timeZone: timeZone),
                today: LocalDay(containing: now, in: timeZone))
        }
    }

    /// The API's usage report of the account with `externalID`, read in the service scope; nil
    /// when no account has that external id. A missing `to` is the account's local today; a
    /// missing `from` is 29 days before `to`.
    ///
    /// - Throws: `UsageRangeError` when `from` is after `to` or the range is longer than
    ///   ``UsageRange/maxDays``.
    public func report(
        account externalID: String, from: LocalDay?, to: LocalDay?, groupBy: UsageGrouping, now: Date
    ) async throws -> UsageReport? {
        try await pool.withTransaction(scope: .service) { connection in
            guard let row = try await connection.query(
                "SELECT id, time_zone FROM accounts WHERE external_id = \(externalID)").first else { return nil }
            let (accountID, zone) = try row.decode((Int64, String).self)
            let timeZone = TimeZone(identifier: zone) ?? TimeZone(secondsFromGMT: 0)!
            let last = to ?? LocalDay(containing: now, in: timeZone)
            let range = try UsageRange(from: from ?? last.adding(days: -(UsageReport.defaultDays - 1)), to: last)
            let rows = try await Self.dailyRows(accountID, range: range, on: connection)
            return UsageReport(account: externalID, range: range, groupBy: groupBy, rows: rows)
        }
    }

    /// The range's usage cells that pass `filter`, and the filter menus.
    public func breakdown(accountID: Int64, range: UsageRange, filter: UsageFilter, scope: DataScope) async throws -> UsageBreakdown {
        try await pool.withTransaction(scope: scope) { connection in
            try await Self.breakdown(accountID, range: range, filter: filter, on: connection)
        }
    }

    /// The breakdown and page `page` of the newest events, in one transaction.
    public func page(
        accountID: Int64, range: UsageRange, filter: UsageFilter, timeZone: TimeZone, page: Int, scope: DataScope
    ) async throws -> (UsageBreakdown, UsageEventPage) {
        try await pool.withTransaction(scope: scope) { connection in
            let breakdown = try await Self.breakdown(accountID, range: range, filter: filter, on: connection)
            let events = try await Self.events(accountID, range: range, filter: filter, timeZone: timeZone, page: page, on: connection)
            return (breakdown, events)
        }
    }

    /// One event by its id; nil when `scope` has no such event.
    public func event(accountID: Int64, eventID: String, scope: DataScope) async throws -> UsageEventDetail? {
        try await pool.withTransaction(scope: scope) { connection in
            guard let row = try await connection.query(
                """
                SELECT e.event_id, e.occurred_at, e.feature_key, coalesce(f.name, e.feature_key), e.model,
                       e.input_tokens::numeric + e.cached_input_tokens + e.output_tokens + e.cache_write_5m_tokens
                           + e.cache_write_1h_tokens + e.reasoning_tokens + e.audio_input_tokens + e.audio_output_tokens
                           + e.image_input_tokens, e.credits, e.success,
                       to_char(e.local_day, 'YYYY-MM-DD'), e.received_at, e.input_tokens, e.cached_input_tokens,
                       e.output_tokens, e.output_units, e.duration_ms,
                       ARRAY[e.cache_write_5m_tokens, e.cache_write_1h_tokens, e.reasoning_tokens, e.audio_input_tokens,
                             e.audio_output_tokens, e.image_input_tokens, e.web_search_queries]
                FROM usage_events e LEFT JOIN features f ON f.key = e.feature_key
                WHERE e.account_id = \(accountID) AND e.event_id = \(eventID)
                """).first else { return nil }
            let (day, received, input, cached, output, units, duration) =
                try (row.decode(String.self, at: 8), row.decode(Date.self, at: 9), row.decode(Int64.self, at: 10),
                     row.decode(Int64.self, at: 11), row.decode(Int64.self, at: 12), row.decode(Int64.self, at: 13),
                     row.decode(Int64?.self, at: 14))
            let labels = [
                "Cache write tokens (5 min)", "Cache write tokens (1 h)", "Reasoning tokens", "Audio input tokens",
                "Audio output tokens", "Image input tokens", "Web searches",
            ]
            let others = zip(labels, try row.decode([Int64].self, at: 15)).filter { $0.1 != 0 }.map { (label: $0.0, count: $0.1) }
            return UsageEventDetail(
                row: try Self.eventRow(row), localDay: LocalDay(day) ?? LocalDay(ordinal: 0), receivedAt: received,
                inputTokens: input, cachedInputTokens: cached, outputTokens: output, otherCounts: others, outputUnits: units,
                durationMS: duration)
        }
    }

    private static func breakdown(
        _ account: Int64, range: UsageRange, filter: UsageFilter, on connection: PostgresConnection
    ) async throws -> UsageBreakdown {
        var cells: [UsageCell] = []
        var features: [String: String] = [:]
        var models: Set<String> = []
        for row in try await dailyRows(account, range: range, on: connection) {
            let label = row.feature.isEmpty ? "Unattributed" : row.featureName
            features[row.feature] = label
            models.insert(row.model)
            guard filter.admits(feature: row.feature, model: row.model), let localDay = LocalDay(row.day) else { continue }
            cells.append(UsageCell(
                day: localDay, feature: row.feature, featureLabel: label, model: row.model, events: row.sums.events,
                tokens: row.tokens.value, credits: row.sums.credits))
        }
        return UsageBreakdown(
            range: range, filter: filter, cells: cells,
            features: features.map { UsageOption(key: $0.key, label: $0.value) }.sorted { ($0.label, $0.key) < ($1.label, $1.key) },
            models: models.sorted().map { UsageOption(key: $0, label: $0.isEmpty ? "No model" : $0) })
    }

    /// Every `daily_usage` row of `account` in `range`, ordered by day, feature key and model
    /// (byte for byte): the one read of the rollup behind both the usage page and the API's
    /// usage report.
    private static func dailyRows(_ account: Int64, range: UsageRange, on connection: PostgresConnection) async throws -> [DailyUsageRow] {
        try await connection.query(
            """
            SELECT to_char(d.local_day, 'YYYY-MM-DD'), d.feature_key, coalesce(f.name, d.feature_key), d.model,
                   d.events, d.failures, d.input_tokens, d.cached_input_tokens, d.output_tokens,
                   d.input_tokens + d.cached_input_tokens + d.output_tokens + d.cache_write_5m_tokens + d.cache_write_1h_tokens
                       + d.reasoning_tokens + d.audio_input_tokens + d.audio_output_tokens + d.image_input_tokens,
                   d.credits,
                   ARRAY[d.cache_write_5m_tokens, d.cache_write_1h_tokens, d.reasoning_tokens, d.audio_input_tokens,
                         d.audio_output_tokens, d.image_input_tokens, d.web_search_queries]
            FROM daily_usage d LEFT JOIN features f ON f.key = d.feature_key
            WHERE d.account_id = \(account)
              AND d.local_day BETWEEN \(range.from.description)::date AND \(range.to.description)::date
            ORDER BY d.local_day, d.feature_key COLLATE "C", d.model COLLATE "C"
            """
        ).map { row in
            let (day, feature, name, model, events, failures) = try row.decode((String, String, String, String, Int64, Int64).self)
            var sums = UsageSums()
            sums.events = events
            sums.failures = failures
            sums.inputTokens = try row.decode(Int128.self, at: 6)
            sums.cachedInputTokens = try row.decode(Int128.self, at: 7)
            sums.outputTokens = try row.decode(Int128.self, at: 8)
            sums.credits = Credits(millis: try row.decode(Int128.self, at: 10))
            // The array's order is `UsageSums.extraKinds`, then web searches.
            let extra = try row.decode([Int128].self, at: 11)
            for (offset, kind) in UsageSums.extraKinds.enumerated() { sums[kind] = extra[offset] }
            sums.webSearchQueries = extra[UsageSums.extraKinds.count]
            return DailyUsageRow(
                day: day, feature: feature, featureName: name, model: model, sums: sums,
                tokens: WideInteger(try row.decode(Int128.self, at: 9)))
        }
    }

    private static func events(
        _ account: Int64, range: UsageRange, filter: UsageFilter, timeZone: TimeZone, page: Int, on connection: PostgresConnection
    ) async throws -> UsageEventPage {
        let start = range.from.start(in: timeZone)
        let end = range.to.next.start(in: timeZone)
        let page = min(max(page, 1), maxPage)
        let offset = (page - 1) * pageSize
        let rows = try await connection.query(
            """
            SELECT e.event_id, e.occurred_at, e.feature_key, coalesce(f.name, e.feature_key), e.model,
                   e.input_tokens::numeric + e.cached_input_tokens + e.output_tokens + e.cache_write_5m_tokens + e.cache_write_1h_tokens + e.reasoning_tokens + e.audio_input_tokens + e.audio_output_tokens + e.image_input_tokens, e.credits, e.success
            FROM usage_events e LEFT JOIN features f ON f.key = e.feature_key
            WHERE e.account_id = \(account) AND e.occurred_at >= \(start) AND e.occurred_at < \(end)
              AND (\(filter.feature)::text IS NULL OR coalesce(e.feature_key, '') = \(filter.feature)::text)
              AND (\(filter.model)::text IS NULL OR coalesce(e.model, '') = \(filter.model)::text)
            ORDER BY e.occurred_at DESC, e.event_id DESC
            LIMIT \(Int64(pageSize)) OFFSET \(Int64(offset))
            """)
        let count = try await connection.query(
            """
            SELECT count(*)::bigint FROM (
                SELECT 1 FROM usage_events e
                WHERE e.account_id = \(account) AND e.occurred_at >= \(start) AND e.occurred_at < \(end)
                  AND (\(filter.feature)::text IS NULL OR coalesce(e.feature_key, '') = \(filter.feature)::text)
                  AND (\(filter.model)::text IS NULL OR coalesce(e.model, '') = \(filter.model)::text)
                LIMIT \(Int64(countLimit + 1))
            ) c
            """).first?.decode(Int64.self, at: 0) ?? 0
        return UsageEventPage(
            events: try rows.map(eventRow), page: page, total: Int(min(count, Int64(countLimit))),
            totalIsCapped: count > Int64(countLimit))
    }

    /// Decodes `event_id, occurred_at, feature_key, feature name, model, tokens, credits, success`.
    private static func eventRow(_ row: PostgresRow) throws -> UsageEventRow {
        let (id, occurred, feature, name, model, tokens, credits, success) =
            try row.decode((String, Date, String?, String?, String?, Int128, Int64, Bool).self)
        return UsageEventRow(
            eventID: id, occurredAt: occurred, feature: feature, featureName: name, model: model, tokens: tokens,
            credits: Credits(millis: credits), success: success)
    }
}

/// One `daily_usage` row: an account's usage of one feature and model on one local day.
struct DailyUsageRow: Sendable {
    /// The local day as `YYYY-MM-DD`.
    let day: String
    /// The feature key; `""` for unattributed.
    let feature: String
    /// The feature's name; the key of an unregistered feature.
    let featureName: String
    /// The model id; `""` for none.
    let model: String
    /// The row's sums.
    let sums: UsageSums
    /// Input, cached input and output tokens together (summed by PostgreSQL, so a sum past 128
    /// bits is a decoding error rather than a trap).
    let tokens: WideInteger
}
