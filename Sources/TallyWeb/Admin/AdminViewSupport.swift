import Foundation
import Metering
import Templating

/// A link in a pager or a sortable column head.
struct LinkView: KeyedTemplateValue, Sendable {
    let label: String
    let href: String
    var current = false
    /// `ascending` / `descending` on the sorted column, for `aria-sort`.
    var sort: String? = nil

    static let templateKeys: TemplateKeys<Self> = [
        "label": { $0.label },
        "href": { $0.href },
        "current": { $0.current },
        "sort": { $0.sort },
    ]
}

/// Formatting shared by the money pages.
enum MoneyText {
    /// `$1,234.56`.
    static func usd(_ money: Money) -> String { money.formatted() }

    /// Amounts under a dollar keep their digits: `$0.000123`, `$0.012345` (up to 6 decimals).
    static func precise(_ money: Money) -> String {
        money.nanos != 0 && money.nanos.magnitude < UInt64(Money.nanosPerDollar) ? money.formatted(fractionDigits: 6) : money.formatted()
    }

    /// A price per 1M tokens: `$2.50`, `$0.075`, exact up to 9 decimals.
    static func perMillion(_ price: PricePerMillionTokens) -> String {
        let digits = price.perMillion.decimalString.split(separator: ".").dropFirst().first?.count ?? 0
        return price.perMillion.formatted(fractionDigits: max(2, digits))
    }

    /// Basis points as `42.5%`.
    static func percent(basisPoints: Int64) -> String {
        GrossMargin.percentText(basisPoints: basisPoints)
    }

    /// `2027-02-20 12:00 UTC`.
    static func timestamp(_ date: Date) -> String {
        let components = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(secondsFromGMT: 0)!, from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(components.year ?? 0)-\(two(components.month))-\(two(components.day)) \(two(components.hour)):\(two(components.minute)) UTC"
    }
}

/// The margin level as a badge: class and text.
struct MarginBadge: KeyedTemplateValue, Sendable {
    let className: String
    let label: String

    static let templateKeys: TemplateKeys<Self> = [
        "className": { $0.className },
        "label": { $0.label },
    ]

    /// The badge of `margin`; "no revenue" with cost and nothing else is critical too.
    init(_ margin: GrossMargin) {
        switch margin.level {
        case .critical?: (className, label) = ("badge-critical", "Critical")
        case .warning?: (className, label) = ("badge-warning", "Warning")
        case .healthy?: (className, label) = ("badge-ok", "Healthy")
        case nil: (className, label) = margin.cost.nanos > 0 ? ("badge-critical", "No revenue") : ("badge", "No activity")
        }
    }
}

/// Parses `YYYY-MM-DD` from a query or form, trimming spaces; nil outside 2000…9999 (`RequestDates`).
func parseDay(_ text: String?) -> LocalDay? {
    text.flatMap { LocalDay(requested: $0.trimmingCharacters(in: .whitespaces)) }
}

/// Percent-encodes a query value.
func queryValue(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
}
