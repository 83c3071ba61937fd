/// A value a template can render: the typed replacement for `[String: Any]`.
///
/// Every requirement has a default, so a value only implements what it uses. A view model
/// answers its keys from a table (``KeyedTemplateValue``):
///
/// ```swift
/// struct HeaderView: KeyedTemplateValue {
///     let accountName: String
///     let planName: String?
///     static let templateKeys: TemplateKeys<Self> = [
///         "accountName": { $0.accountName },
///         "planName": { $0.planName },
///     ]
/// }
/// ```
///
/// Lookups are plain Swift calls: no reflection, no casts.
public protocol TemplateValue {
    /// The field `key` of this value, used by `{{key}}` and the segments of `{{a.b}}`.
    ///
    /// Return nil when the value has no such field, so lookup continues down the context stack;
    /// a field whose value is nil is returned as the Optional itself (`name as any TemplateValue`),
    /// so a strict render (``RenderMode/strict``) can tell it from a misspelt key.
    func templateValue(forKey key: String) -> (any TemplateValue)?

    /// Whether `{{#section}}` renders (and `{{^section}}` does not). Defaults to true.
    var templateIsTruthy: Bool { get }

    /// Calls `body` once per item a `{{#section}}` iterates over: each element of a list, or the
    /// value itself. Only called when ``templateIsTruthy`` is true. Defaults to `body(self)`.
    func templateForEach(_ body: (any TemplateValue) throws -> Void) rethrows

    /// Writes the value for `{{name}}` (escaped) or `{{{name}}}` (not). Defaults to writing nothing.
    func writeTemplateText(to output: inout TemplateOutput, escaped: Bool)

    /// The lambda this value stands for, if it is one. Defaults to nil.
    var templateLambda: TemplateLambda? { get }

    /// Whether a key this value lacks still resolves, to nothing, in a strict render
    /// (``RenderMode/strict``): true for nil, and for values whose keys are data rather than
    /// fields, such as a form's messages by field name (`{{errors.email}}` when the email field
    /// has no message). It only applies to the later keys of a dotted name. Defaults to false.
    var templateKeysAreOpen: Bool { get }
}

extension TemplateValue {
    /// No fields.
    public func templateValue(forKey key: String) -> (any TemplateValue)? { nil }

    /// Truthy.
    public var templateIsTruthy: Bool { true }

    /// Iterates once, over the value itself.
    public func templateForEach(_ body: (any TemplateValue) throws -> Void) rethrows {
        try body(self)
    }

    /// Writes nothing.
    public func writeTemplateText(to output: inout TemplateOutput, escaped: Bool) {}

    /// Not a lambda.
    public var templateLambda: TemplateLambda? { nil }

    /// Closed: a key this value lacks is a missing name.
    public var templateKeysAreOpen: Bool { false }
}

/// A Mustache lambda: a Swift closure in place of a value.
///
/// As `{{name}}`, the closure is called with an empty string and its result is rendered as a
/// template (default delimiters), then escaped. As `{{#name}}…{{/name}}`, it is called with the
/// section's raw text and its result is rendered as a template with the section's delimiters.
public struct TemplateLambda: TemplateValue, Sendable {
    /// The closure: raw section text in (empty for interpolation), template text out.
    public let body: @Sendable (String) -> String

    /// Creates a lambda from a closure that receives the raw section text.
    public init(_ body: @escaping @Sendable (String) -> String) {
        self.body = body
    }

    /// Itself.
    public var templateLambda: TemplateLambda? { self }
}
