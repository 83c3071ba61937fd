import Foundation
import Hummingbird
import Templating

/// A submitted admin form as its raw text fields, so a refused form comes back exactly as typed.
struct RawForm: Decodable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private(set) var fields: [String: String] = [:]

    init(fields: [String: String] = [:]) {
        self.fields = fields
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys where key.stringValue != "_csrf" {
            fields[key.stringValue] = (try? container.decode(String.self, forKey: key)) ?? ""
        }
    }

    /// The field's text, trimmed of surrounding spaces ("" when absent).
    subscript(_ name: String) -> String {
        (fields[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether a checkbox was ticked.
    func isChecked(_ name: String) -> Bool { !self[name].isEmpty }

    /// Reads the request's form; an empty form when the body is not a form.
    static func read(_ request: inout Request, context: some RequestContext) async throws -> RawForm {
        try await FormBody.decode(RawForm.self, from: &request, context: context) ?? RawForm()
    }
}

/// A form's values and its field-level messages, for the template:
/// `{{form.value.name}}`, `{{#form.error.name}}…{{/form.error.name}}`, `{{#form.checked.x}}`.
struct FormState: TemplateValue {
    var values: [String: String]
    var errors: [String: String] = [:]

    init(_ values: [String: String] = [:], errors: [String: String] = [:]) {
        self.values = values
        self.errors = errors
    }

    init(_ form: RawForm, errors: [String: String]) {
        self.init(form.fields, errors: errors)
    }

    var hasErrors: Bool { !errors.isEmpty }

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "value": Keyed(strings: values)
        case "error": Keyed(strings: errors)
        case "checked": Keyed(strings: values.filter { !$0.value.isEmpty })
        case "hasErrors": hasErrors
        case "errorCount": errors.count == 1 ? "1 field needs" : "\(errors.count) fields need"
        default: nil
        }
    }

    /// Strings by name; a missing name is absent (a section over it does not render).
    struct Keyed: TemplateValue {
        let strings: [String: String]
        func templateValue(forKey key: String) -> (any TemplateValue)? { strings[key] }
    }
}

/// An `<option>` of a `<select>`.
struct SelectOption: TemplateValue, Sendable {
    let value: String
    let label: String
    let selected: Bool

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "value": value
        case "label": label
        case "selected": selected
        default: nil
        }
    }

    /// Options from pairs, the one equal to `current` selected.
    static func list(_ pairs: [(String, String)], current: String) -> [SelectOption] {
        pairs.map { SelectOption(value: $0.0, label: $0.1, selected: $0.0 == current) }
    }
}

/// "Previous / Next" and the total of a paginated admin list; links keep the list's other parameters.
struct Pager: TemplateValue, Sendable {
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

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "page": page
        case "pageCount": pageCount
        case "total": totalText
        case "previous": previous
        case "next": next
        case "isPaged": pageCount > 1 || page > 1
        default: nil
        }
    }
}

/// A query string from pairs, empty values left out; every value percent-encoded.
func queryString(_ pairs: [(String, String)]) -> String {
    let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    let parts = pairs.filter { !$0.1.isEmpty }.map {
        "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
    }
    return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
}
