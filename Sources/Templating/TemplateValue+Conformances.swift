extension String: TemplateValue {
    /// Writes the string, escaped or not.
    public func writeTemplateText(to output: inout TemplateOutput, escaped: Bool) {
        output.write(self, escaped: escaped)
    }
}

extension Substring: TemplateValue {
    /// Writes the substring, escaped or not.
    public func writeTemplateText(to output: inout TemplateOutput, escaped: Bool) {
        output.write(String(self), escaped: escaped)
    }
}

extension Bool: TemplateValue {
    /// The value itself.
    public var templateIsTruthy: Bool { self }

    /// Writes `true` or `false`.
    public func writeTemplateText(to output: inout TemplateOutput, escaped: Bool) {
        output.write(self ? "true" : "false", escaped: false)
    }
}

extension Int: TemplateValue {
    /// Writes the decimal digits.
    public func writeTemplateText(to output: inout TemplateOutput, escaped: Bool) {
        output.write(self)
    }
}

extension Int64: TemplateValue {
    /// Writes the decimal digits.
    public func writeTemplateText(to output: inout TemplateOutput, escaped: Bool) {
        output.write(self)
    }
}

extension Double: TemplateValue {
    /// Writes Swift's shortest round-tripping form, e.g. `1.21`.
    public func writeTemplateText(to output: inout TemplateOutput, escaped: Bool) {
        output.write(description, escaped: false)
    }
}

extension Optional: TemplateValue where Wrapped: TemplateValue {
    /// The wrapped value's field; none when nil.
    public func templateValue(forKey key: String) -> (any TemplateValue)? {
        self?.templateValue(forKey: key)
    }

    /// False when nil, else the wrapped value's truthiness.
    public var templateIsTruthy: Bool { self?.templateIsTruthy ?? false }

    /// Iterates the wrapped value; nothing when nil.
    public func templateForEach(_ body: (any TemplateValue) throws -> Void) rethrows {
        try self?.templateForEach(body)
    }

    /// Writes the wrapped value; nothing when nil.
    public func writeTemplateText(to output: inout TemplateOutput, escaped: Bool) {
        self?.writeTemplateText(to: &output, escaped: escaped)
    }

    /// The wrapped value's lambda.
    public var templateLambda: TemplateLambda? { self?.templateLambda }

    /// Open when nil (`{{plan.name}}` with no plan resolves to nothing); else the wrapped value's.
    public var templateKeysAreOpen: Bool { self?.templateKeysAreOpen ?? true }
}

extension Array: TemplateValue where Element: TemplateValue {
    /// False when empty.
    public var templateIsTruthy: Bool { !isEmpty }

    /// Iterates the elements.
    public func templateForEach(_ body: (any TemplateValue) throws -> Void) rethrows {
        for element in self {
            try body(element)
        }
    }
}

extension Dictionary: TemplateValue where Key == String, Value: TemplateValue {
    /// The entry for `key`.
    public func templateValue(forKey key: String) -> (any TemplateValue)? {
        self[key]
    }
}
