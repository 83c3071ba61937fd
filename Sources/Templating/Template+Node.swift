/// A parsed name: `.` (the implicit iterator) or dot-separated keys.
///
/// Node payloads are final classes so walking the tree retains one reference per node, not
/// every field.
final class Path: Sendable, Equatable {
    /// The first key, looked up through the context stack; empty for `.`.
    let head: String
    /// The remaining keys, looked up on the value found for `head` only.
    let tail: [String]
    /// The name as written, e.g. `frame.email`.
    let name: String
    /// The tag that holds the name, for errors about what it resolves to.
    let site: TagSite?

    /// True for `{{.}}`.
    var isImplicit: Bool { head.isEmpty }

    /// Parses `.` or `a.b.c`; nil when a segment is empty or contains whitespace.
    init?(_ text: String, site: TagSite? = nil) {
        name = text
        self.site = site
        if text == "." {
            head = ""
            tail = []
            return
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first,
            parts.allSatisfy({ !$0.isEmpty && !$0.contains(where: \.isWhitespace) })
        else { return nil }
        head = first
        tail = Array(parts.dropFirst())
    }

    static func == (lhs: Path, rhs: Path) -> Bool {
        lhs.head == rhs.head && lhs.tail == rhs.tail
    }
}

/// Where a variable or section tag is: its template, position and text as written.
struct TagSite: Sendable {
    /// The template's file path or name.
    let template: String
    let location: SourceLocation
    /// The tag as written, delimiters included, e.g. `{{#items}}`.
    let text: String
}

/// The name of a partial or parent: fixed, or looked up in the data (`{{>*name}}`).
enum TemplateName: Sendable, Equatable {
    /// A template name written in the tag.
    case fixed(String)
    /// A path whose value, rendered unescaped, is the template name.
    case dynamic(Path)
}

/// The open and close delimiters in force.
struct Delimiters: Sendable, Equatable {
    /// The open delimiter, `{{` by default.
    var open: [UInt8]
    /// The close delimiter, `}}` by default.
    var close: [UInt8]

    /// `{{` and `}}`.
    static let standard = Delimiters(open: Array("{{".utf8), close: Array("}}".utf8))
}

/// A position in a template, for errors found after parsing (missing partials).
struct SourceLocation: Sendable, Equatable {
    /// 1-based line.
    let line: Int
    /// 1-based column in characters.
    let column: Int
}

/// One node of the immutable token tree.
enum Node: Sendable {
    /// Literal template text, already split from the tags.
    case text([UInt8])
    /// `{{name}}` (escaped) or `{{{name}}}` / `{{&name}}`.
    case variable(Path, escaped: Bool)
    /// `{{#name}}…{{/name}}` or `{{^name}}…{{/name}}`.
    case section(Section)
    /// `{{>name}}`.
    case partial(Partial)
    /// `{{<name}}…{{/name}}`: a parent with block overrides.
    case parent(Parent)
    /// `{{$name}}…{{/name}}` where a block is rendered (outside a parent tag).
    case block(Block)
}

/// A section or inverted section.
final class Section: Sendable {
    /// The name looked up.
    let path: Path
    /// True for `{{^name}}`.
    let inverted: Bool
    /// The content.
    let nodes: [Node]
    /// The raw content, passed to lambdas.
    let rawText: String
    /// The delimiters in force at the open tag, for rendering a lambda's result.
    let delimiters: Delimiters

    init(path: Path, inverted: Bool, nodes: [Node], rawText: String, delimiters: Delimiters) {
        self.path = path
        self.inverted = inverted
        self.nodes = nodes
        self.rawText = rawText
        self.delimiters = delimiters
    }
}

/// A partial tag.
final class Partial: Sendable {
    /// The partial's name.
    let name: TemplateName
    /// The indentation of a standalone tag, applied to every line of the partial; nil inline.
    let indent: [UInt8]?
    /// Where the tag is, for missing-partial errors.
    let location: SourceLocation

    init(name: TemplateName, indent: [UInt8]?, location: SourceLocation) {
        self.name = name
        self.indent = indent
        self.location = location
    }
}

/// A parent tag with the blocks it overrides.
final class Parent: Sendable {
    /// The parent template's name.
    let name: TemplateName
    /// The indentation of a standalone tag; nil inline.
    let indent: [UInt8]?
    /// The overriding blocks, by name.
    let blocks: [String: Block]
    /// Where the tag is, for missing-parent errors.
    let location: SourceLocation

    init(name: TemplateName, indent: [UInt8]?, blocks: [String: Block], location: SourceLocation) {
        self.name = name
        self.indent = indent
        self.blocks = blocks
        self.location = location
    }
}

/// A block: an override inside a parent tag, or a default where it is rendered.
final class Block: Sendable {
    /// The block's name.
    let name: String
    /// The content.
    let nodes: [Node]
    /// True when the open tag stood alone on its line.
    let standalone: Bool
    /// As an override: the indentation its own content carries, removed before re-indenting.
    let dedent: [UInt8]
    /// As a rendered block: the indentation an override's lines get here.
    let siteIndent: [UInt8]

    init(name: String, nodes: [Node], standalone: Bool, dedent: [UInt8], siteIndent: [UInt8]) {
        self.name = name
        self.nodes = nodes
        self.standalone = standalone
        self.dedent = dedent
        self.siteIndent = siteIndent
    }
}
