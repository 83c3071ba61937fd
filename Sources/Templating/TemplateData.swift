/// A dynamic value tree, for data whose shape is only known at run time (decoded JSON, tests).
///
/// Tally's pages use typed view models instead; this is the escape hatch that still avoids `Any`.
public enum TemplateData: TemplateValue, Sendable {
    /// Nothing: falsy, renders empty.
    case null
    /// A boolean: truthy when true, renders `true`/`false`.
    case bool(Bool)
    /// An integer.
    case int(Int)
    /// A floating-point number.
    case double(Double)
    /// A string.
    case string(String)
    /// A list: a section iterates it; falsy when empty.
    case list([TemplateData])
    /// An object with named fields.
    case object([String: TemplateData])
    /// A lambda.
    case lambda(TemplateLambda)

    /// The field `key` when this is an object.
    public func templateValue(forKey key: String) -> (any TemplateValue)? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    /// False for null, false and empty lists.
    public var templateIsTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .list(let items): !items.isEmpty
        default: true
        }
    }

    /// Iterates a list's items, or the value itself.
    public func templateForEach(_ body: (any TemplateValue) throws -> Void) rethrows {
        if case .list(let items) = self {
            for item in items { try body(item) }
        } else {
            try body(self)
        }
    }

    /// Writes scalars; lists, objects and null write nothing.
    public func writeTemplateText(to output: inout TemplateOutput, escaped: Bool) {
        switch self {
        case .bool(let value): value.writeTemplateText(to: &output, escaped: escaped)
        case .int(let value): value.writeTemplateText(to: &output, escaped: escaped)
        case .double(let value): value.writeTemplateText(to: &output, escaped: escaped)
        case .string(let value): output.write(value, escaped: escaped)
        case .null, .list, .object, .lambda: break
        }
    }

    /// Open for null (`{{a.b}}` when `a` is null resolves to nothing); closed otherwise.
    public var templateKeysAreOpen: Bool {
        if case .null = self { return true }
        return false
    }

    /// The lambda, when this is one.
    public var templateLambda: TemplateLambda? {
        if case .lambda(let lambda) = self { return lambda }
        return nil
    }
}
