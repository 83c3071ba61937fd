import Foundation
import Metering
import Postgres
import TallyDatabase

/// How `GET /api/v1/accounts/{account}/usage` groups its rows.
public enum UsageGrouping: String, Sendable, CaseIterable {
    /// One row per local day that has usage (`key` = `YYYY-MM-DD`).
    case day
    /// One row per feature key (`''` = unattributed).
    case feature
    /// One row per model id (`''` = no model).
    case model
}

/// Summed usage of one group (or of the whole range). Cost is deliberately absent: the usage
/// read is customer-facing data and the operator's cost stays out of it.
public struct UsageSums: Sendable, Hashable {
    /// Events (successful and failed).
    public var events: Int64 = 0
    /// Failed events.
    public var failures: Int64 = 0
    /// Input tokens (not cached).
    public var inputTokens: Int128 {
        get { input.value }
        set { input = WideInteger(newValue) }
    }
    /// Cached input tokens.
    public var cachedInputTokens: Int128 {
        get { cached.value }
        set { cached = WideInteger(newValue) }
    }
    /// Output tokens.
    public var outputTokens: Int128 {
        get { output.value }
        set { output = WideInteger(newValue) }
    }
    private var input = WideInteger(0), cached = WideInteger(0), output = WideInteger(0)
    /// The other token kinds and web searches, in `UsageSums.extraKinds` order, then web searches.
    private var extra = [WideInteger](repeating: WideInteger(0), count: UsageSums.extraKinds.count + 1)
    /// The kinds summed besides input, cached input and output.
    public static let extraKinds: [TokenKind] = [.cacheWrite5m, .cacheWrite1h, .reasoning, .audioInput, .audioOutput, .imageInput]

    /// The tokens of one kind.
    public subscript(kind: TokenKind) -> Int128 {
        get {
            switch kind {
            case .input: inputTokens
            case .cachedInput: cachedInputTokens
            case .output: outputTokens
            default: extra[Self.extraKinds.firstIndex(of: kind)!].value
            }
        }
        set {
            switch kind {
            case .input: inputTokens = newValue
            case .cachedInput: cachedInputTokens = newValue
            case .output: outputTokens = newValue
            default: extra[Self.extraKinds.firstIndex(of: kind)!] = WideInteger(newValue)
            }
        }
    }

    /// Web searches.
    public var webSearchQueries: Int128 {
        get { extra[Self.extraKinds.count].value }
        set { extra[Self.extraKinds.count] = WideInteger(newValue) }
    }

    /// Credits earned.
    public var credits: Credits = .zero

    /// Zero sums.
    public init() {}

    static func + (lhs: UsageSums, rhs: UsageSums) -> UsageSums {
        var sum = lhs
        sum.events += rhs.events
        sum.failures += rhs.failures
        for kind in TokenKind.allCases { sum[kind] += rhs[kind] }
        sum.webSearchQueries += rhs.webSearchQueries
        sum.credits = lhs.credits + rhs.credits
        return sum
    }
}

/// One row of the usage report.
public struct UsageRow: Sendable, Hashable {
    /// The group: a local day, a feature key or a model id.
    public let key: String
    /// Its sums.
    public let sums: UsageSums
}

/// The usage report of one account over a range of local days.
public struct UsageReport: Sendable, Hashable {
    /// The account's external id.
    public let account: String
    /// First local day, inclusive.
    public let from: LocalDay
    /// Last local day, inclusive.
    public let to: LocalDay
    /// The grouping.
    public let groupBy: UsageGrouping
    /// The rows, ordered by key.
    public let rows: [UsageRow]
    /// The sums over all rows.
    public let totals: UsageSums
}

/// A usage request that cannot be answered (400).
public struct UsageQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, for the client.
    public let message: String
    public var description: String { message }
}

/// Reads an account's usage from `daily_usage` (never raw events) in the service scope.
public struct UsageQueryService: Sendable {
    /// The longest range, in local days (inclusive).
    public static let maxDays = 366
    /// The default range: this many local days, ending today (the account's zone).
    public static let defaultDays = 30

    let pool: PostgresPool

    /// A service over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The report for the account with `externalID`; nil when no account has that external id.
    /// A missing `to` is the account's local today; a missing `from` is 29 days before `to`.
    /// Throws `UsageQueryError` when `from` is after `to` or the range is longer than 366 days.
    public func usage(
        account externalID: String, from: LocalDay?, to: LocalDay?, groupBy: UsageGrouping, now: Date
    ) async throws -> UsageReport? {
        try await pool.withTransaction(scope: .service) { connection in
            let accounts = try await connection.query(
                "SELECT id, time_zone FROM accounts WHERE external_id = \(externalID)")
            guard let account = accounts.first else { return nil }
            let (accountID, zone) = try account.decode((Int64, String).self)
            let timeZone = TimeZone(identifier: zone) ?? TimeZone(secondsFromGMT: 0)!
            let last = to ?? LocalDay(containing: now, in: timeZone)
            let first = from ?? last.adding(days: -Int64(Self.defaultDays - 1))
            guard first <= last else {
                throw UsageQueryError(message: "from (\(first)) is after to (\(last)).")
            }
            guard first.days(until: last) + 1 <= Int64(Self.maxDays) else {
                throw UsageQueryError(message: "The range \(first)…\(last) is longer than \(Self.maxDays) days.")
            }
            let key: String = switch groupBy {
            case .day: "to_char(local_day, 'YYYY-MM-DD')"
            case .feature: "feature_key COLLATE \"C\""
            case .model: "model COLLATE \"C\""
            }
            let query: PostgresQuery = """
                SELECT \(unsafeRaw: key) AS k,
                sum(events)::bigint, sum(failures)::bigint, sum(input_tokens),
                sum(cached_input_tokens), sum(output_tokens), sum(credits),
                ARRAY[\(unsafeRaw: Rollups.extraColumns.map { "sum(\($0))" }.joined(separator: ", "))]
                FROM daily_usage
                WHERE account_id = \(accountID) AND local_day BETWEEN \(first.description)::date AND \(last.description)::date
                GROUP BY 1 ORDER BY 1
                """
            var rows: [UsageRow] = []
            var totals = UsageSums()
            for row in try await connection.query(query) {
                let (key, events, failures, input, cached, output, credits) =
                    try row.decode((String, Int64, Int64, Int128, Int128, Int128, Int128).self)
                var sums = UsageSums()
                sums.events = events
                sums.failures = failures
                sums.inputTokens = input
                sums.cachedInputTokens = cached
                sums.outputTokens = output
                sums.credits = Credits(millis: credits)
                let extra = try row.decode([Int128].self, at: 7)
                for (offset, kind) in UsageSums.extraKinds.enumerated() { sums[kind] = extra[offset] }
                sums.webSearchQueries = extra[UsageSums.extraKinds.count]
                rows.append(UsageRow(key: key, sums: sums))
                totals = totals + sums
            }
            return UsageReport(account: externalID, from: first, to: last, groupBy: groupBy, rows: rows, totals: totals)
        }
    }
}
