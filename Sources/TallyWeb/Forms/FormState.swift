import Foundation
import Hummingbird
import Templating

/// A submitted form: its text fields exactly as typed, so a refused form comes back as it was,
/// and the messages of its refusal. The one form-state type of the web layer; handlers read
/// typed values from it (``FormSubmission``), templates read it as
/// `{{form.value.name}}`, `{{#form.error.name}}…{{/form.error.name}}`, `{{#form.checked.x}}`,
/// `{{form.field.name.value}}` (one field's value, error and `invalid`), `{{#form.hasErrors}}`
/// and `{{form.errorCount}}`.
struct FormState: KeyedTemplateValue, Sendable {
    /// The fields as typed (the CSRF token left out).
    var values: [String: String]
    /// The fields sent as lists (`rules[]=a&rules[]=b`), by name without the brackets.
    var lists: [String: [String]] = [:]
    /// The messages of a refusal, by field.
    var errors: FieldErrors

    /// A form with `values` (a page's defaults, or what was typed) and `errors`.
    init(_ values: [String: String] = [:], errors: FieldErrors = FieldErrors()) {
        self.values = values
        self.errors = errors
    }

    /// The field's text, trimmed of surrounding spaces ("" when absent).
    subscript(_ name: String) -> String {
        (values[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether a checkbox was ticked.
    func isChecked(_ name: String) -> Bool { !self[name].isEmpty }

    var hasErrors: Bool { !errors.isEmpty }

    /// The request's form fields; an empty form when the body is not a form, unless
    /// `requireForm` (then 400).
    ///
    /// - Throws: ``AppError/badForm`` when the body is not valid form encoding.
    static func read(_ request: inout Request, context: some RequestContext, requireForm: Bool = false) async throws -> FormState {
        let fields = try await FormBody.decode(Fields.self, from: &request, context: context)
        if requireForm, fields == nil { throw AppError.badForm }
        var form = FormState(fields?.values ?? [:])
        form.lists = fields?.lists ?? [:]
        return form
    }

    /// Every text field of a form body by name.
    private struct Fields: Decodable {
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        var values: [String: String] = [:]
        var lists: [String: [String]] = [:]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            for key in container.allKeys where key.stringValue != "_csrf" {
                if let list = try? container.decode([String].self, forKey: key) {
                    lists[key.stringValue] = list
                } else {
                    values[key.stringValue] = (try? container.decode(String.self, forKey: key)) ?? ""
                }
            }
        }
    }

    static let templateKeys: TemplateKeys<Self> = [
        "value": { Keyed(strings: $0.values) },
        "error": { $0.errors },
        "checked": { model in Keyed(strings: model.values.filter { !$0.value.isEmpty }) },
        "field": { FieldViews(form: $0) },
        "hasErrors": { $0.hasErrors },
        "errorCount": { $0.errors.count == 1 ? "1 field needs" : "\($0.errors.count) fields need" },
    ]

    /// Strings by name; every name resolves, a missing one to nothing.
    struct Keyed: TemplateValue {
        let strings: [String: String]
        func templateValue(forKey key: String) -> (any TemplateValue)? {
            let string: String? = strings[key]
            return string as any TemplateValue
        }
    }

    /// `{{form.field.price.value}}`, `.error`, `.invalid`: one field at a time.
    struct FieldViews: TemplateValue {
        let form: FormState
        func templateValue(forKey key: String) -> (any TemplateValue)? {
            FieldView(value: form.values[key] ?? "", error: form.errors[key])
        }
    }

    struct FieldView: KeyedTemplateValue {
        let value: String
        let error: String?
        static let templateKeys: TemplateKeys<Self> = [
            "value": { $0.value },
            "error": { $0.error },
            "invalid": { $0.error != nil },
        ]
    }
}
