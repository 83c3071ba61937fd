extension TemplateParser {
    /// Opens a section, parent or block.
    mutating func open(_ kind: ParseFrame.Kind, _ tag: Scanner.Tag, _ placement: Placement) throws(TemplateError) {
        guard frames.count <= maxDepth else {
            throw scanner.error(.depthLimitExceeded(maxDepth), at: tag.start)
        }
        var frame = ParseFrame(
            kind: kind, name: tag.content, tagStart: tag.start, contentStart: tag.end, delimiters: delimiters)
        frame.standalone = placement.standalone
        frame.indent = placement.indent
        frame.lineIndent = placement.lineIndent
        if frame.isParent { frame.location = location(of: tag.start) }
        frames.append(frame)
    }

    /// Closes the innermost open frame and adds its node to the enclosing one.
    mutating func close(_ tag: Scanner.Tag) throws(TemplateError) {
        guard frames.count > 1 else {
            throw scanner.error(.unexpectedClose(tag.content), at: tag.start)
        }
        let frame = frames.removeLast()
        guard frame.name == tag.content else {
            throw scanner.error(.mismatchedClose(expected: frame.name, found: tag.content), at: tag.start)
        }
        switch frame.kind {
        case .section(let path, let inverted):
            let raw = String(decoding: scanner.bytes[frame.contentStart..<tag.start], as: UTF8.self)
            let section = Section(
                path: path, inverted: inverted, nodes: frame.nodes, rawText: raw, delimiters: frame.delimiters)
            frames[frames.count - 1].append(.section(section))
        case .block:
            let block = makeBlock(frame)
            if frames[frames.count - 1].isParent {
                frames[frames.count - 1].blocks[block.name] = block
            } else {
                frames[frames.count - 1].append(.block(block))
            }
        case .parent(let name):
            let parent = Parent(
                name: name, indent: frame.standalone ? frame.indent : nil, blocks: frame.blocks,
                location: frame.location)
            frames[frames.count - 1].append(.parent(parent))
        case .root:
            break
        }
    }

    /// A block from its frame, with the indentation its content carries.
    private func makeBlock(_ frame: ParseFrame) -> Block {
        // The intrinsic indentation is that of the first line of content, when the content
        // starts on a line of its own.
        var intrinsic: [UInt8]?
        if frame.standalone, case .text(let text) = frame.nodes.first {
            intrinsic = Array(text.prefix(while: Scanner.isBlank))
        }
        return Block(
            name: frame.name, nodes: frame.nodes, standalone: frame.standalone, dedent: intrinsic ?? [],
            siteIndent: frame.standalone ? (intrinsic ?? frame.indent) : frame.lineIndent)
    }

    /// The name of a variable or section tag.
    mutating func parsePath(_ tag: Scanner.Tag) throws(TemplateError) -> Path {
        guard !tag.content.isEmpty else { throw scanner.error(.emptyTag, at: tag.start) }
        let site = TagSite(
            template: scanner.templateName, location: location(of: tag.start),
            text: String(decoding: scanner.bytes[tag.start..<tag.end], as: UTF8.self))
        guard let path = Path(tag.content, site: site) else {
            throw scanner.error(.invalidName(tag.content), at: tag.start)
        }
        return path
    }

    /// The name of a partial or parent tag: fixed, or `*path` for a dynamic name.
    func parseTemplateName(_ tag: Scanner.Tag) throws(TemplateError) -> TemplateName {
        guard !tag.content.isEmpty else { throw scanner.error(.emptyTag, at: tag.start) }
        if tag.content.hasPrefix("*") {
            let rest = String(tag.content.dropFirst()).trimmingWhitespace()
            guard let path = Path(rest) else { throw scanner.error(.invalidName(tag.content), at: tag.start) }
            return .dynamic(path)
        }
        guard !tag.content.contains(where: \.isWhitespace) else {
            throw scanner.error(.invalidName(tag.content), at: tag.start)
        }
        return .fixed(tag.content)
    }

    /// The delimiters set by `{{=open close=}}`.
    func parseDelimiters(_ tag: Scanner.Tag) throws(TemplateError) -> Delimiters {
        let parts = tag.content.dropLast().split(whereSeparator: \.isWhitespace)
        guard tag.content.hasSuffix("="), parts.count == 2, parts.allSatisfy({ !$0.contains("=") }) else {
            throw scanner.error(.invalidDelimiters(tag.content), at: tag.start)
        }
        return Delimiters(open: Array(parts[0].utf8), close: Array(parts[1].utf8))
    }
}
