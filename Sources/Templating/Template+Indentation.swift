/// Re-indentation of template text lines: a standalone partial's indentation, or a block
/// override moved from its own indentation (`dedent`) to the block's (`indent`).
struct IndentTransform {
    /// Blanks removed from the start of each line, when present.
    let dedent: [UInt8]
    /// Blanks added to the start of each line.
    let indent: [UInt8]
}

extension Renderer {
    /// Starts indenting by `indent` (a standalone partial or parent); returns whether it pushed.
    mutating func pushIndent(_ indent: [UInt8]?) -> Bool {
        guard let indent, !indent.isEmpty else { return false }
        transforms.append(IndentTransform(dedent: [], indent: indent))
        atLineStart = true
        return true
    }

    /// Writes template text, re-indenting each line that starts a source line.
    mutating func writeIndented(_ bytes: [UInt8]) {
        var start = 0
        while start < bytes.count {
            let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
            let end = newline.map { $0 + 1 } ?? bytes.count
            var line = bytes[start..<end]
            if atLineStart {
                line = writeLinePrefix(line)
            } else if !firstLineDedent.isEmpty {
                // An override rendered mid-line: its first line only loses its own indentation.
                if line.starts(with: firstLineDedent) { line = line.dropFirst(firstLineDedent.count) }
                firstLineDedent = []
            }
            output.append(line)
            if newline != nil { atLineStart = true }
            start = end
        }
    }

    /// Writes the re-indented leading blanks of `line` and returns the rest of it.
    @discardableResult
    mutating func writeLinePrefix(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        if !transforms.contains(where: { !$0.dedent.isEmpty }) {
            // Only indentation to add (partials): outermost first, then the line as it is.
            for transform in transforms { output.append(transform.indent) }
            atLineStart = false
            firstLineDedent = []
            return line
        }
        let blanks = line.prefix(while: Scanner.isBlank)
        var prefix = Array(blanks)
        // Innermost first: a block's own indentation is removed before the partial's is added.
        for transform in transforms.reversed() {
            if prefix.starts(with: transform.dedent) {
                prefix.removeFirst(transform.dedent.count)
            }
            prefix = transform.indent + prefix
        }
        output.append(prefix)
        atLineStart = false
        firstLineDedent = []
        return line[blanks.endIndex...]
    }

    /// `{{name}}` where `name` is a lambda: its result is rendered as a template, then written.
    mutating func renderInterpolationLambda(_ lambda: TemplateLambda, escaped: Bool) throws {
        try enter()
        defer { depth -= 1 }
        try countExpansion()
        let template = try Template(lambda.body(""), name: "lambda", maxDepth: limits.maxDepth)
        var rendered = TemplateOutput()
        swap(&rendered, &output)
        defer { swap(&rendered, &output) }
        try render(template.nodes)
        swap(&rendered, &output)
        if atLineStart, !transforms.isEmpty { writeLinePrefix([]) }
        rendered.bytes.withUnsafeBufferPointer { output.write($0, escaped: escaped) }
        swap(&rendered, &output)
    }

    /// `{{#name}}…{{/name}}` where `name` is a lambda: its result is rendered with the section's delimiters.
    mutating func renderSectionLambda(_ lambda: TemplateLambda, section: Section) throws {
        try enter()
        defer { depth -= 1 }
        try countExpansion()
        var parser = TemplateParser(
            source: lambda.body(section.rawText), templateName: "lambda", maxDepth: limits.maxDepth,
            delimiters: section.delimiters)
        try render(parser.parse())
    }
}
