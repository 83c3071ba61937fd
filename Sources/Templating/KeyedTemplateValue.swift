/// A view model's template keys: each key and the value it reads, written as a dictionary
/// literal (`["name": { $0.name }]`).
///
/// Each closure returns `any TemplateValue`, so an Optional that is nil is still a key the view
/// model has (rendered empty and falsy), not a missing one: a strict render
/// (``RenderMode/strict``) tells the two apart. A key written twice stops the program when the
/// table is first used, as a dictionary literal does.
public struct TemplateKeys<Model>: ExpressibleByDictionaryLiteral, Sendable {
    /// Each key and its reader, in the order written.
    @usableFromInline let entries: [(key: String, read: @Sendable (Model) -> any TemplateValue)]

    /// A table from a literal; a key written twice is a programming error.
    public init(dictionaryLiteral elements: (String, @Sendable (Model) -> any TemplateValue)...) {
        entries = elements.map { (key: $0.0, read: $0.1) }
        precondition(
            Set(entries.lazy.map(\.key)).count == entries.count, "a template key is written twice in \(Model.self)'s table")
    }

    /// The value `key` reads from `model`; nil when the table has no such key.
    ///
    /// A scan rather than a hash: tables hold a few dozen short keys at most, and comparing
    /// them is cheaper than hashing the key on every lookup (the context stack asks each value
    /// it passes).
    @inlinable
    public func value(of model: Model, forKey key: String) -> (any TemplateValue)? {
        for entry in entries where entry.key == key {
            return entry.read(model)
        }
        return nil
    }
}

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
/// A lookup is a scan of short strings and one call: no reflection, no casts. Write the table's
/// type out (`TemplateKeys<Self>`) so a long table type-checks quickly. A generic type cannot
/// hold a `static let`, so it writes ``TemplateValue/templateValue(forKey:)`` itself, as does a
/// value whose keys are data (messages by field name).
public protocol KeyedTemplateValue: TemplateValue {
    /// Every key of the view model and the value it reads.
    static var templateKeys: TemplateKeys<Self> { get }
}

extension KeyedTemplateValue {
    /// The value ``templateKeys`` has for `key`; nil when it has none. Inlinable, so each view
    /// model's lookup is compiled for its own type.
    @inlinable
    public func templateValue(forKey key: String) -> (any TemplateValue)? {
        Self.templateKeys.value(of: self, forKey: key)
    }
}
