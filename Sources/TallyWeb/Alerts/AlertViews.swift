import Alerting
import Foundation
import Templating

/// `2027-02-20 12:00 UTC`: how the alert pages show instants.
func alertTimeText(_ date: Date) -> String {
    var style = Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 0)!)
    style = style.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon)
    let text = date.formatted(style)   // 2027-02-20T12:00:00Z
    return String(text.prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
}

/// A checkbox of a set (e.g. an endpoint's alert kinds).
struct CheckOption: KeyedTemplateValue, Sendable {
    let value: String
    let label: String
    let checked: Bool
    let id: String

    static let templateKeys: TemplateKeys<Self> = [
        "value": { $0.value },
        "label": { $0.label },
        "checked": { $0.checked },
        "id": { $0.id },
    ]
}

/// The level badge's CSS class.
func levelBadge(_ level: AlertLevel) -> String {
    switch level {
    case .info: "badge"
    case .warning: "badge badge-warning"
    case .critical: "badge badge-critical"
    }
}

/// "Previous / Next" and the total of a list.
struct Pagination: KeyedTemplateValue, Sendable {
    let total: Int
    let page: Int
    let pageCount: Int
    let previousHref: String?
    let nextHref: String?

    /// Links for `page` of `total` rows at `pageSize`, keeping `query` (without `page`).
    init(total: Int, page: Int, pageSize: Int, path: String, query: [(String, String)]) {
        self.total = total
        self.page = page
        pageCount = max(1, (total + pageSize - 1) / pageSize)
        func href(_ number: Int) -> String {
            let items = query + [("page", String(number))]
            var components = URLComponents()
            components.queryItems = items.map { URLQueryItem(name: $0.0, value: $0.1) }
            return path + "?" + (components.percentEncodedQuery ?? "")
        }
        previousHref = page > 1 ? href(page - 1) : nil
        nextHref = page < pageCount ? href(page + 1) : nil
    }

    static let templateKeys: TemplateKeys<Self> = [
        "total": { $0.total },
        "page": { $0.page },
        "pageCount": { $0.pageCount },
        "previousHref": { $0.previousHref },
        "nextHref": { $0.nextHref },
        "hasPages": { $0.pageCount > 1 },
    ]
}
