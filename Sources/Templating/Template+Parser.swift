/// Turns template source into the node tree, applying the spec's standalone-line rules.
///
/// Standalone rule: a non-interpolation tag is standalone when only spaces and tabs precede it on
/// its line and only spaces, tabs and the closes of enclosing parent tags follow it. A standalone
/// tag's line disappears from the output (its indentation becomes the partial's or block's).
struct TemplateParser {
    let scanner: Scanner
    let maxDepth: Int
    var position = 0
    var delimiters = Delimiters.standard
    var frames: [ParseFrame]
    /// Text read since the last tag, not yet added as a node.
    var pendingText: [UInt8] = []
    /// True while the current line holds only blanks and parent tags so far.
    var lineClean = true
    /// Set by a standalone tag: the rest of its line (blanks and the line ending) is dropped.
    var dropLineEnd = false
    var tracker = LineTracker()

    init(source: String, templateName: String, maxDepth: Int, delimiters: Delimiters = .standard) {
        scanner = Scanner(bytes: Array(source.utf8), templateName: templateName)
        self.maxDepth = maxDepth
        self.delimiters = delimiters
        frames = [ParseFrame(kind: .root, name: "", tagStart: 0, contentStart: 0, delimiters: delimiters)]
    }

    /// Parses the whole source.
    mutating func parse() throws(TemplateError) -> [Node] {
        let bytes = scanner.bytes
        while position < bytes.count {
            if dropLineEnd { skipStandaloneLineEnd() }
            guard let tagStart = scanner.find(delimiters.open, from: position) else {
                readText(upTo: bytes.count)
                break
            }
            let tag = try scanner.readTag(at: tagStart, delimiters: delimiters)
            readText(upTo: tagStart)
            position = tag.end
            try handle(tag)
        }
        if dropLineEnd { skipStandaloneLineEnd() }
        flushText()
        guard frames.count == 1, let root = frames.first else {
            let open = frames[frames.count - 1]
            throw scanner.error(.unclosedSection(open.name), at: open.tagStart)
        }
        return root.nodes
    }

    /// After a standalone tag: drops blanks and one line ending; stops before a following parent close.
    private mutating func skipStandaloneLineEnd() {
        let afterBlanks = scanner.skipBlanks(from: position)
        if let next = scanner.lineEnd(at: afterBlanks) {
            position = next
            dropLineEnd = false
            lineClean = true
        } else if afterBlanks >= scanner.bytes.count {
            position = afterBlanks
            dropLineEnd = false
        } else {
            position = afterBlanks
        }
    }

    /// Adds source text to the pending text and tracks whether the line is still clean.
    private mutating func readText(upTo end: Int) {
        guard position < end else { return }
        let text = scanner.bytes[position..<end]
        pendingText.append(contentsOf: text)
        if let newline = text.lastIndex(of: UInt8(ascii: "\n")) {
            lineClean = text[(newline + 1)...].allSatisfy(Scanner.isBlank)
        } else if lineClean {
            lineClean = text.allSatisfy(Scanner.isBlank)
        }
        position = end
    }

    /// Moves the pending text into the innermost frame.
    mutating func flushText() {
        guard !pendingText.isEmpty else { return }
        frames[frames.count - 1].append(.text(pendingText))
        pendingText = []
    }

    /// Removes and returns the blanks after the last newline of the pending text.
    mutating func takeLineIndent() -> [UInt8] {
        let start = (pendingText.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
        let indent = Array(pendingText[start...])
        pendingText.removeSubrange(start...)
        return indent
    }

    /// The blanks after the last newline of the pending text, when the line is clean.
    func lineIndent() -> [UInt8] {
        guard lineClean else { return [] }
        let start = (pendingText.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
        return Array(pendingText[start...])
    }

    /// The 1-based line and column of `offset`.
    mutating func location(of offset: Int) -> SourceLocation {
        tracker.location(of: offset, in: scanner.bytes)
    }
}

/// Computes line and column for increasing offsets without rescanning from the start.
struct LineTracker {
    private var offset = 0
    private var line = 1
    private var lineStart = 0

    /// The location of `target`; rescans only when offsets go backwards.
    mutating func location(of target: Int, in bytes: [UInt8]) -> SourceLocation {
        if target < offset { self = LineTracker() }
        while offset < min(target, bytes.count) {
            if bytes[offset] == UInt8(ascii: "\n") {
                line += 1
                lineStart = offset + 1
            }
            offset += 1
        }
        let column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).count + 1
        return SourceLocation(line: line, column: column)
    }
}
