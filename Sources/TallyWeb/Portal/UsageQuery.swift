import Hummingbird
import Metering
import Reporting

/// How the usage table groups its rows.
enum UsageGroup: String, CaseIterable, Sendable {
    case day, feature, model
    /// One row per day, feature and model.
    case all

    var label: String {
        switch self {
        case .day: "Day"
        case .feature: "Feature"
        case .model: "Model"
        case .all: "Day, feature and model"
        }
    }
}

/// The usage page's query string (`/usage` and `/usage.csv` take the same one), read leniently
/// and checked field by field, so a bad value gets its own message and the input is kept.
///
/// `range` = `period` (default) | `last-period` | `7d` | `30d` | `90d` | `custom` (with `from` and
/// `to` as YYYY-MM-DD; `from`/`to` alone imply custom); `feature` and `model` filter (the value
/// `_none` selects unattributed usage / usage without a model); `group` = `day` | `feature` |
/// `model` | `all`; `page` = 1…200 for the events list.
struct UsageQuery: Sendable {
    /// What `feature` or `model` is set to for the "none" bucket (`''` in the rollups). No feature
    /// key can start with `_`.
    static let noneValue = "_none"

    var preset: UsageRangePreset = .thisPeriod
    var fromText = ""
    var toText = ""
    var feature: String?
    var model: String?
    var group: UsageGroup = .day
    var page = 1
    /// Messages by field name: `range`, `from`, `to`, `feature`, `model`, `group`, `page`.
    var errors: [String: String] = [:]

    init(_ parameters: Parameters) {
        fromText = parameters.get("from") ?? ""
        toText = parameters.get("to") ?? ""
        if let text = parameters.get("range"), !text.isEmpty {
            if let preset = UsageRangePreset(rawValue: text) { self.preset = preset } else {
                errors["range"] = "Choose a range: this period, last period, the last 7, 30 or 90 days, or custom dates."
            }
        } else if !fromText.isEmpty || !toText.isEmpty {
            preset = .custom
        }
        feature = Self.filterValue(parameters.get("feature"), field: "feature", errors: &errors)
        model = Self.filterValue(parameters.get("model"), field: "model", errors: &errors)
        if let text = parameters.get("group"), !text.isEmpty {
            if let group = UsageGroup(rawValue: text) { self.group = group } else {
                errors["group"] = "Group by day, feature, model, or all three."
            }
        }
        if let text = parameters.get("page"), !text.isEmpty {
            if let page = Int(text), (1...UsageReader.maxPage).contains(page) { self.page = page } else {
                errors["page"] = "Pages go from 1 to \(UsageReader.maxPage); narrow the range to see older events."
            }
        }
        if preset == .custom {
            if LocalDay(requested: fromText) == nil { errors["from"] = fromText.isEmpty ? "Enter a start date." : "Enter the start date as YYYY-MM-DD." }
            if LocalDay(requested: toText) == nil { errors["to"] = toText.isEmpty ? "Enter an end date." : "Enter the end date as YYYY-MM-DD." }
        }
    }

    private static func filterValue(_ text: String?, field: String, errors: inout [String: String]) -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard text.unicodeScalars.count <= 200 else {
            errors[field] = "That \(field) name is too long."
            return nil
        }
        return IdentityText.normalized(text)
    }

    /// The filter, with `_none` as the rollups' `''`.
    var filter: UsageFilter {
        UsageFilter(feature: feature.map { $0 == Self.noneValue ? "" : $0 }, model: model.map { $0 == Self.noneValue ? "" : $0 })
    }

    /// The range on the account's calendar; records a message and returns nil when it cannot be shown.
    mutating func range(on calendar: UsageCalendar) -> UsageRange? {
        guard errors.isEmpty else { return nil }
        do {
            // The filter form sends the current preset with the dates it shows: dates left as
            // they were keep the preset (a shared link keeps meaning "the last 30 days"), edited
            // dates make the range custom.
            if preset != .custom, let from = LocalDay(requested: fromText), let to = LocalDay(requested: toText) {
                let shown = try UsageRange.resolve(preset, from: nil, to: nil, period: calendar.period, today: calendar.today)
                if shown.from != from || shown.to != to { preset = .custom }
            }
            return try UsageRange.resolve(preset, from: LocalDay(requested: fromText), to: LocalDay(requested: toText), period: calendar.period, today: calendar.today)
        } catch {
            switch error {
            case .missingDay(let field): errors[field] = "Enter a date."
            case .reversed(let from, let to): errors["to"] = "The end date (\(to)) is before the start date (\(from))."
            case .tooLong(_, _, let days): errors["to"] = "Choose at most \(UsageRange.maxDays) days (this range has \(days))."
            }
            return nil
        }
    }

    /// The query string of this view, optionally for another page or range, for links.
    func queryString(page: Int? = nil, preset: UsageRangePreset? = nil, range: UsageRange? = nil) -> String {
        let chosen = preset ?? self.preset
        var fields: [(String, String)] = [("range", chosen.rawValue)]
        if chosen == .custom {
            fields.append(("from", range?.from.description ?? fromText))
            fields.append(("to", range?.to.description ?? toText))
        }
        if let feature { fields.append(("feature", feature)) }
        if let model { fields.append(("model", model)) }
        if group != .day { fields.append(("group", group.rawValue)) }
        if let page, page > 1 { fields.append(("page", String(page))) }
        return "?" + fields.map { "\($0.0)=\(Self.encode($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986).
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
