import Templating
import Foundation
import Hummingbird
import Metering
import Reporting

/// The margins page's query string: `period` (`current` or `YYYY-MM`), `through` (`YYYY-MM`,
/// for a range of months), `sort`, `dir`, `page`. Shared by the page and the CSV export.
struct MarginsQuery: Sendable {
    /// The sortable columns.
    enum SortKey: String, CaseIterable, Sendable {
        case account, plan, revenue, cost, margin, percent

        var label: String {
            switch self {
            case .account: "Account"
            case .plan: "Plan"
            case .revenue: "Revenue"
            case .cost: "Cost"
            case .margin: "Margin"
            case .percent: "Margin %"
            }
        }
    }

    var periodText = "current"
    var throughText = ""
    var sort = SortKey.percent
    var ascending = true
    var page = 1
    /// Field errors for `period` and `through`.
    var periodError: String?
    var throughError: String?

    /// The periods asked for; nil when the query is invalid.
    var selection: MarginPeriod?

    /// The longest range of months.
    static let maximumMonths = 24

    /// Reads the query; invalid values keep their text and get a message.
    init(_ parameters: [String: String]) {
        periodText = parameters["period"]?.trimmingCharacters(in: .whitespaces) ?? "current"
        if periodText.isEmpty { periodText = "current" }
        throughText = parameters["through"]?.trimmingCharacters(in: .whitespaces) ?? ""
        sort = parameters["sort"].flatMap(SortKey.init(rawValue:)) ?? .percent
        ascending = parameters["dir"].map { $0 != "desc" } ?? (sort == .percent || sort == .account || sort == .plan)
        page = PageNumber.parse(parameters["page"])
        if periodText == "current" {
            if !throughText.isEmpty { throughError = "A range starts at a month: choose one as “From”." }
            selection = throughError == nil ? .current : nil
            return
        }
        guard let from = YearMonth(periodText) else {
            periodError = "Choose “current” or a month as YYYY-MM."
            return
        }
        guard !throughText.isEmpty else {
            selection = .months(from: from, through: from)
            return
        }
        guard let through = YearMonth(throughText) else {
            throughError = "Enter a month as YYYY-MM, or leave it empty."
            return
        }
        var count = 0
        var month = from
        while month <= through && count <= Self.maximumMonths {
            count += 1
            month = month.next
        }
        if through < from {
            throughError = "The last month must not be before the first."
        } else if count > Self.maximumMonths {
            throughError = "Choose at most \(Self.maximumMonths) months."
        } else {
            selection = .months(from: from, through: through)
        }
    }

    /// The query string for these filters with `changes` applied (page resets unless given).
    func queryString(sort: SortKey? = nil, ascending: Bool? = nil, page: Int? = nil) -> String {
        var parts = ["period=" + queryValue(periodText)]
        if !throughText.isEmpty { parts.append("through=" + queryValue(throughText)) }
        parts.append("sort=" + (sort ?? self.sort).rawValue)
        parts.append("dir=" + ((ascending ?? self.ascending) ? "asc" : "desc"))
        if let page, page > 1 { parts.append("page=\(page)") }
        return parts.joined(separator: "&")
    }

    /// Sorts accounts by the chosen column (ties by account id). Margin % puts accounts with cost
    /// and no revenue below every percentage.
    func sorted(_ accounts: [AccountMargin]) -> [AccountMargin] {
        func key(_ account: AccountMargin) -> Int128 {
            switch sort {
            case .revenue: account.totalRevenue.nanos
            case .cost: account.cost.nanos
            case .margin: (account.totalRevenue - account.cost).nanos
            case .percent: account.margin.basisPoints.map { Int128($0) } ?? (account.cost.nanos > 0 ? Int128.min : Int128.max)
            case .account, .plan: 0
            }
        }
        return accounts.sorted { a, b in
            let ordered: Bool
            switch sort {
            case .account:
                if a.name != b.name { ordered = a.name.localizedStandardCompare(b.name) == .orderedAscending } else { return a.accountID < b.accountID }
            case .plan:
                let x = a.planName ?? "\u{10FFFF}", y = b.planName ?? "\u{10FFFF}"
                if x != y { ordered = x < y } else { return a.accountID < b.accountID }
            default:
                let x = key(a), y = key(b)
                if x != y { ordered = x < y } else { return a.accountID < b.accountID }
            }
            return ascending ? ordered : !ordered
        }
    }
}

extension Request {
    /// The query parameters as a dictionary (the last value of a repeated name wins).
    var queryDictionary: [String: String] {
        var values: [String: String] = [:]
        for (name, value) in uri.queryParameters { values[String(name)] = String(value) }
        return values
    }
}
