import Foundation
import Hummingbird
import Templating

/// An `<option>` of a `<select>`.
struct SelectOption: KeyedTemplateValue, Sendable {
    let value: String
    let label: String
    let selected: Bool

    static let templateKeys: TemplateKeys<Self> = [
        "value": { $0.value },
        "label": { $0.label },
        "selected": { $0.selected },
    ]

    /// Options from pairs, the one equal to `current` selected.
    static func list(_ pairs: [(String, String)], current: String) -> [SelectOption] {
        pairs.map { SelectOption(value: $0.0, label: $0.1, selected: $0.0 == current) }
    }
}

/// "Previous / Next" and the total of a paginated admin list; links keep the list's other parameters.
struct Pager: KeyedTemplateValue, Sendable {
    let page: Int
    let pageCount: Int
    let totalText: String
    let previous: String?
    let next: String?

    /// `link` makes the list's URL for a page number.
    init(page: Int, pageCount: Int, total: Int, noun: String, link: (Int) -> String) {
        self.page = page
        self.pageCount = pageCount
        totalText = "\(total) \(noun)\(total == 1 ? "" : "s")"
        previous = page > 1 ? link(min(page - 1, pageCount)) : nil
        next = page < pageCount ? link(page + 1) : nil
    }

    static let templateKeys: TemplateKeys<Self> = [
        "page": { $0.page },
        "pageCount": { $0.pageCount },
        "total": { $0.totalText },
        "previous": { $0.previous },
        "next": { $0.next },
        "isPaged": { $0.pageCount > 1 || $0.page > 1 },
    ]
}

/// A query string from pairs, empty values left out; every value percent-encoded.
func queryString(_ pairs: [(String, String)]) -> String {
    let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    let parts = pairs.filter { !$0.1.isEmpty }.map {
        "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
    }
    return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
}
