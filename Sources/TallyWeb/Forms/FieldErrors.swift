import TallyDatabase
import Templating

/// Messages by form field: what a refused form shows next to each field. The one field-error
/// type of the web layer: a handler throws it for text it cannot parse, and a domain refusal
/// (`Refused<Problem>`) becomes one through its wording (``ProblemWording``).
///
/// In a template, `{{errors.credits}}` is a field's message and `{{#errors.any}}` whether there
/// is any; the value itself is falsy when empty.
struct FieldErrors: Error, Sendable, Equatable, TemplateValue {
    /// Messages by field name; `form` for a message about the form as a whole.
    private(set) var messages: [String: String] = [:]

    /// No messages.
    init() {}

    /// The messages by field.
    init(messages: [String: String]) {
        self.messages = messages
    }

    /// One message for `field`.
    init(_ field: String, _ message: String) {
        messages[field] = message
    }

    /// The messages of `refusal`, each under its field.
    init<Problem: ProblemWording>(_ refusal: Refused<Problem>) {
        merge(refusal.problems)
    }

    var isEmpty: Bool { messages.isEmpty }
    var count: Int { messages.count }

    /// A field's message; setting one replaces it.
    subscript(_ field: String) -> String? {
        get { messages[field] }
        set { messages[field] = newValue }
    }

    /// Adds `problems`' messages; a field keeps the first message it got.
    mutating func merge<Problem: ProblemWording>(_ problems: [Problem]) {
        for problem in problems where messages[problem.field] == nil { messages[problem.field] = problem.message }
    }

    /// Adds `other`'s messages; a field keeps the first message it got.
    mutating func merge(_ other: FieldErrors) {
        messages.merge(other.messages) { old, _ in old }
    }

    /// Runs a parser that notes messages as it goes; its value when it noted none, else the
    /// messages as the error.
    static func collecting<Value>(_ parse: (inout FieldErrors) -> Value?) throws(FieldErrors) -> Value {
        var errors = FieldErrors()
        let value = parse(&errors)
        guard let value, errors.isEmpty else { throw errors }
        return value
    }

    /// Every field name resolves (to its message or to nothing), so a field without a message
    /// is simply falsy.
    func templateValue(forKey key: String) -> (any TemplateValue)? {
        if key == "any" { return !messages.isEmpty }
        let message: String? = messages[key]
        return message as any TemplateValue
    }

    var templateIsTruthy: Bool { !messages.isEmpty }
}
