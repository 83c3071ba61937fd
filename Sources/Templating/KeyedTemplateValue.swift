/// A view model's template keys: each key and the value it reads.
///
/// Each closure returns `any TemplateValue`, so an Optional that is nil is still a key the view
/// model has (rendered empty and falsy), not a missing one: a strict render
/// (``RenderMode/strict``) tells the two apart.
public typealias TemplateKeys<Model> = [String: @Sendable (Model) -> any TemplateValue]

/// A view model whose template keys are a table, ``templateKeys``: the one way Tally's view
/// models answer `{{key}}`.
///
/// ```swift
/// struct PlanRow: KeyedTemplateValue {
///     let name: String
///     let fee: String?
///
///     static let templateKeys: TemplateKeys<Self> = [
///         "name": { $0.name },
///         "fee": { $0.fee },               // nil: the key is there, and empty
///         "isFree": { $0.fee == nil },
///     ]
/// }
/// ```
///
/// A lookup is one dictionary probe and one call: no reflection, no casts. Write the table's
/// type out (`TemplateKeys<Self>`) so a long table type-checks quickly. A generic type cannot
/// hold a `static let`, so it writes ``TemplateValue/templateValue(forKey:)`` itself, as does a
/// value whose keys are data (messages by field name).
public protocol KeyedTemplateValue: TemplateValue {
    /// Every key of the view model and the value it reads.
    static var templateKeys: TemplateKeys<Self> { get }
}

extension KeyedTemplateValue {
    /// The value ``templateKeys`` has for `key`; nil when it has none.
    public func templateValue(forKey key: String) -> (any TemplateValue)? {
        Self.templateKeys[key]?(self)
    }
}
