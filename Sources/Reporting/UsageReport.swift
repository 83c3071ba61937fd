import Metering

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

/// The usage report of one account over a range of local days, for the API.
public struct UsageReport: Sendable, Hashable {
    /// The default range: this many local days, ending today (the account's zone).
    public static let defaultDays: Int64 = 30

    /// The account's external id.
    public let account: String
    /// First local day, inclusive.
    public let from: LocalDay
    /// Last local day, inclusive.
    public let to: LocalDay
    /// The grouping.
    public let groupBy: UsageGrouping
    /// The rows, ordered by key byte for byte (SQL's `COLLATE "C"`).
    public let rows: [UsageRow]
    /// The sums over all rows.
    public let totals: UsageSums

    /// The report of the `daily_usage` rows of `range`, grouped by `groupBy`.
    init(account: String, range: UsageRange, groupBy: UsageGrouping, rows dailyRows: [DailyUsageRow]) {
        var groups: [String: UsageSums] = [:]
        var totals = UsageSums()
        for row in dailyRows {
            let key = switch groupBy {
            case .day: row.day
            case .feature: row.feature
            case .model: row.model
            }
            groups[key] = (groups[key] ?? UsageSums()) + row.sums
            totals = totals + row.sums
        }
        self.account = account
        from = range.from
        to = range.to
        self.groupBy = groupBy
        rows = groups.map { UsageRow(key: $0.key, sums: $0.value) }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        self.totals = totals
    }
}
