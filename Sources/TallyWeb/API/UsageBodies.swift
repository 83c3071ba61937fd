import Foundation
import Metering
import Reporting

/// The usage sums in JSON; credits as a decimal string (`"12.5"`). No cost, on purpose.
struct UsageSumsBody: Encodable {
    let events: Int64
    let failures: Int64
    let inputTokens: Int128
    let cachedInputTokens: Int128
    let outputTokens: Int128
    /// The other kinds (`UsageSums.extraKinds`), then web searches.
    let extra: [Int128]
    let credits: String

    init(_ sums: UsageSums) {
        events = sums.events
        failures = sums.failures
        inputTokens = sums.inputTokens
        cachedInputTokens = sums.cachedInputTokens
        outputTokens = sums.outputTokens
        extra = UsageSums.extraKinds.map { sums[$0] } + [sums.webSearchQueries]
        credits = sums.credits.decimalString
    }

    /// The JSON names of `extra`.
    static let extraNames = UsageSums.extraKinds.map(\.field) + ["web_search_queries"]

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try encodeSums(into: &container)
    }

    func encodeSums(into container: inout KeyedEncodingContainer<CodingKeys>) throws {
        try container.encode(events, forKey: .events)
        try container.encode(failures, forKey: .failures)
        try container.encode(inputTokens, forKey: .inputTokens)
        try container.encode(cachedInputTokens, forKey: .cachedInputTokens)
        try container.encode(outputTokens, forKey: .outputTokens)
        for (name, value) in zip(Self.extraNames, extra) { try container.encode(value, forKey: CodingKeys(stringValue: name)!) }
        try container.encode(credits, forKey: .credits)
    }

    struct CodingKeys: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        static let events = CodingKeys(stringValue: "events")!, failures = CodingKeys(stringValue: "failures")!
        static let credits = CodingKeys(stringValue: "credits")!, inputTokens = CodingKeys(stringValue: "input_tokens")!
        static let cachedInputTokens = CodingKeys(stringValue: "cached_input_tokens")!
        static let outputTokens = CodingKeys(stringValue: "output_tokens")!
    }
}

/// One row: the key and its sums, flat.
struct UsageRowBody: Encodable {
    let key: String
    let sums: UsageSumsBody

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: UsageSumsBody.CodingKeys.self)
        try sums.encodeSums(into: &container)
        var keyed = encoder.container(keyedBy: KeyCodingKey.self)
        try keyed.encode(key, forKey: .key)
    }

    enum KeyCodingKey: String, CodingKey { case key }
}

/// `GET /api/v1/accounts/{account}/usage` as JSON.
struct UsageBody: Encodable {
    let account: String
    let from: String
    let to: String
    let groupBy: String
    let rows: [UsageRowBody]
    let totals: UsageSumsBody

    init(_ report: UsageReport) {
        account = report.account
        from = report.from.description
        to = report.to.description
        groupBy = report.groupBy.rawValue
        rows = report.rows.map { UsageRowBody(key: $0.key, sums: UsageSumsBody($0.sums)) }
        totals = UsageSumsBody(report.totals)
    }

    enum CodingKeys: String, CodingKey {
        case account, from, to, rows, totals, groupBy = "group_by"
    }
}

/// The usage report as CSV (RFC 4180): a header line, one line per row, CRLF line ends, no totals.
enum UsageCSV {
    /// The first seven columns are those of the report before the other token kinds; the
    /// kinds added later follow, so a reader of the older columns by position reads the same.
    static let header = ["key", "events", "failures", "input_tokens", "cached_input_tokens", "output_tokens", "credits"]
        + UsageSumsBody.extraNames

    static func text(_ report: UsageReport) -> String {
        var lines = [header.joined(separator: ",")]
        for row in report.rows {
            let sums = row.sums
            lines.append(([
                field(row.key), String(sums.events), String(sums.failures), String(sums.inputTokens),
                String(sums.cachedInputTokens), String(sums.outputTokens), sums.credits.decimalString,
            ] + (UsageSums.extraKinds.map { String(sums[$0]) } + [String(sums.webSearchQueries)])).joined(separator: ","))
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    /// A field, quoted when it holds a comma, a quote, CR or LF (quotes doubled).
    static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
