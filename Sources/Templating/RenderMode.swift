/// What a render does with a variable or section tag whose name resolves to nothing: no context
/// on the stack has its first key, or a later key of a dotted name is missing.
///
/// A key that is present with a nil value resolves (to an empty, falsy value) in every mode, and
/// so does a dotted name that stops at such a value (`{{plan.name}}` when `plan` is nil) or at a
/// value whose keys are open (``TemplateValue/templateKeysAreOpen``).
/// `{{.}}`, partials, parents and blocks are the same in every mode.
public enum RenderMode: Sendable {
    /// The Mustache spec: the tag renders as empty text, or as a falsy section.
    case lenient
    /// As ``lenient``, and `report` is called with an ``TemplateError/Kind/unresolvedName(_:tag:)``
    /// error for every such tag rendered (so once per row in a list).
    case reporting(@Sendable (TemplateError) -> Void)
    /// The render fails with an ``TemplateError/Kind/unresolvedName(_:tag:)`` error naming the
    /// template, line, column and tag: for tests, so a misspelt key fails.
    case strict
}

extension Renderer {
    /// `path`'s value, or nil; a name that resolves to nothing is reported or thrown as `mode` says.
    func lookUp(_ path: Path) throws(TemplateError) -> (any TemplateValue)? {
        if let value = resolve(path) { return value }
        if case .lenient = mode { return nil }
        if stopsAtOpenValue(path) { return nil }
        let site = path.site
        let error = TemplateError(
            .unresolvedName(path.name, tag: site?.text ?? path.name), template: site?.template ?? templateName,
            line: site?.location.line ?? 0, column: site?.location.column ?? 0)
        switch mode {
        case .lenient: break
        case .reporting(let report): report(error)
        case .strict: throw error
        }
        return nil
    }

    /// Whether a dotted name that resolved to nothing stopped at a value whose missing keys count
    /// as nil (a nil Optional, a form's messages), rather than at a key that is not there.
    private func stopsAtOpenValue(_ path: Path) -> Bool {
        var current: (any TemplateValue)?
        for value in stack.reversed() {
            current = value.templateValue(forKey: path.head)
            if current != nil { break }
        }
        guard var current else { return false }
        for key in path.tail {
            guard let next = current.templateValue(forKey: key) else { return current.templateKeysAreOpen }
            current = next
        }
        return true
    }
}
