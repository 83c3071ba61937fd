/// An open section, parent or block while parsing.
struct ParseFrame {
    /// What the frame is.
    enum Kind {
        case root
        case section(Path, inverted: Bool)
        case parent(TemplateName)
        case block
    }

    let kind: Kind
    /// The name as written in the open tag; the close tag must repeat it.
    let name: String
    /// Offset of the open tag.
    let tagStart: Int
    /// Offset just past the open tag.
    let contentStart: Int
    /// Delimiters in force at the open tag.
    let delimiters: Delimiters
    var standalone = false
    /// The indentation removed from a standalone open tag's line.
    var indent: [UInt8] = []
    /// The blanks before a non-standalone open tag, when nothing else precedes it on its line.
    var lineIndent: [UInt8] = []
    var location = SourceLocation(line: 0, column: 0)
    var nodes: [Node] = []
    /// A parent's block overrides.
    var blocks: [String: Block] = [:]

    /// Adds a node; a parent keeps only its blocks, so other content is dropped.
    mutating func append(_ node: Node) {
        if case .parent = kind { return }
        nodes.append(node)
    }

    /// Whether this frame is a parent tag.
    var isParent: Bool {
        if case .parent = kind { return true }
        return false
    }
}

extension TemplateParser {
    /// How a standalone-capable tag sits on its line.
    struct Placement {
        let standalone: Bool
        /// The indentation removed when standalone.
        let indent: [UInt8]
        /// The blanks before the tag when the line is otherwise empty so far.
        let lineIndent: [UInt8]
    }

    /// Handles one tag.
    mutating func handle(_ tag: Scanner.Tag) throws(TemplateError) {
        switch tag.sigil {
        case 0, UInt8(ascii: "&"), UInt8(ascii: "{"):
            flushText()
            lineClean = false
            let path = try parsePath(tag)
            frames[frames.count - 1].append(.variable(path, escaped: tag.sigil == 0))
        default:
            let placement = place(tag)
            flushText()
            try handleStructural(tag, placement)
        }
    }

    private mutating func handleStructural(_ tag: Scanner.Tag, _ placement: Placement) throws(TemplateError) {
        switch tag.sigil {
        case UInt8(ascii: "#"), UInt8(ascii: "^"):
            let path = try parsePath(tag)
            try open(.section(path, inverted: tag.sigil == UInt8(ascii: "^")), tag, placement)
        case UInt8(ascii: "$"):
            guard !tag.content.isEmpty else { throw scanner.error(.emptyTag, at: tag.start) }
            try open(.block, tag, placement)
        case UInt8(ascii: "<"):
            try open(.parent(parseTemplateName(tag)), tag, placement)
        case UInt8(ascii: "/"):
            try close(tag)
        case UInt8(ascii: ">"):
            let name = try parseTemplateName(tag)
            let partial = Partial(
                name: name, indent: placement.standalone ? placement.indent : nil, location: location(of: tag.start))
            frames[frames.count - 1].append(.partial(partial))
        case UInt8(ascii: "="):
            delimiters = try parseDelimiters(tag)
        default:
            break  // a comment
        }
    }

    /// Decides whether `tag` is standalone, and takes its line's indentation if so.
    private mutating func place(_ tag: Scanner.Tag) -> Placement {
        let lineIndent = lineIndent()
        if dropLineEnd {
            // A parent close following a standalone tag on the same line.
            return Placement(standalone: true, indent: [], lineIndent: [])
        }
        if lineClean, restOfLineIsBlank(after: tag) {
            dropLineEnd = true
            return Placement(standalone: true, indent: takeLineIndent(), lineIndent: lineIndent)
        }
        let closesParent = tag.sigil == UInt8(ascii: "/") && frames[frames.count - 1].isParent
        if tag.sigil != UInt8(ascii: "<"), !closesParent {
            lineClean = false
        }
        return Placement(standalone: false, indent: [], lineIndent: lineIndent)
    }

    /// Whether only blanks, then the closes of enclosing parents, follow `tag` on its line.
    private func restOfLineIsBlank(after tag: Scanner.Tag) -> Bool {
        var names = closableParents(after: tag)[...]
        var offset = tag.end
        while true {
            offset = scanner.skipBlanks(from: offset)
            if offset >= scanner.bytes.count || scanner.lineEnd(at: offset) != nil { return true }
            guard let name = names.first, scanner.matches(delimiters.open, at: offset),
                let next = try? scanner.readTag(at: offset, delimiters: delimiters),
                next.sigil == UInt8(ascii: "/"), next.content == name
            else { return false }
            names = names.dropFirst()
            offset = next.end
        }
    }

    /// The parents that may close on the same line after `tag`, innermost first.
    private func closableParents(after tag: Scanner.Tag) -> [String] {
        var names: [String] = []
        var index = frames.count - 1
        switch tag.sigil {
        case UInt8(ascii: "<"): names.append(tag.content)
        case UInt8(ascii: "/"): index -= 1
        case UInt8(ascii: "#"), UInt8(ascii: "^"), UInt8(ascii: "$"): return []
        default: break
        }
        while index > 0, frames[index].isParent {
            names.append(frames[index].name)
            index -= 1
        }
        return names
    }
}
