/// A template error: what went wrong, in which template, and where.
///
/// `description` reads like a compiler diagnostic:
/// `templates/dashboard.mustache:12:5: unclosed section 'items'`.
public struct TemplateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Equatable, Sendable {
        /// A section, inverted section, parent or block opened here is never closed.
        case unclosedSection(String)
        /// A close tag names a different section than the one open.
        case mismatchedClose(expected: String, found: String)
        /// A close tag with no open section.
        case unexpectedClose(String)
        /// A tag that never reaches its closing delimiter.
        case unterminatedTag
        /// A tag without a name, e.g. `{{}}` or `{{#}}`.
        case emptyTag
        /// A name that is not a valid key, e.g. one with spaces inside.
        case invalidName(String)
        /// A set-delimiter tag that is not `{{=open close=}}` with two non-empty delimiters.
        case invalidDelimiters(String)
        /// A partial `{{>name}}` that no template in the library has.
        case missingPartial(String)
        /// A parent `{{<name}}` that no template in the library has.
        case missingParent(String)
        /// Sections, partials and blocks nest deeper than the limit.
        case depthLimitExceeded(Int)
        /// The render expanded more sections, partials and lambdas than the limit.
        case expansionLimitExceeded(Int)
        /// A template file that could not be read.
        case unreadable(String)
        /// The library has no template of this name.
        case unknownTemplate(String)
        /// In a strict render (``RenderMode/strict``): the name of a variable or section tag
        /// that no context on the stack has, with the tag as written.
        case unresolvedName(String, tag: String)
    }

    /// What went wrong.
    public let kind: Kind
    /// The template's file path, or its name when it has no file.
    public let template: String
    /// The 1-based line (0 when the error has no position).
    public let line: Int
    /// The 1-based column, in characters (0 when the error has no position).
    public let column: Int

    /// Creates an error.
    public init(_ kind: Kind, template: String, line: Int, column: Int) {
        self.kind = kind
        self.template = template
        self.line = line
        self.column = column
    }

    /// `file:line:column: message`, or `file: message` without a position.
    public var description: String {
        let place = line > 0 ? "\(template):\(line):\(column)" : template
        return "\(place): \(message)"
    }

    /// The message, without the place.
    public var message: String {
        switch kind {
        case .unclosedSection(let name): "unclosed section '\(name)'"
        case .mismatchedClose(let expected, let found): "close tag '\(found)' does not match open section '\(expected)'"
        case .unexpectedClose(let name): "close tag '\(name)' without an open section"
        case .unterminatedTag: "unterminated tag"
        case .emptyTag: "tag without a name"
        case .invalidName(let name): "invalid name '\(name)'"
        case .invalidDelimiters(let text): "invalid set-delimiter tag '\(text)'"
        case .missingPartial(let name): "missing partial '\(name)'"
        case .missingParent(let name): "missing parent '\(name)'"
        case .depthLimitExceeded(let limit): "nesting deeper than \(limit)"
        case .expansionLimitExceeded(let limit): "more than \(limit) expansions in one render"
        case .unreadable(let reason): "cannot read template: \(reason)"
        case .unknownTemplate(let name): "no template named '\(name)'"
        case .unresolvedName(let name, let tag): "\(tag): nothing in the context is named '\(name)'"
        }
    }
}
