/// Byte-level reading of template source: finding delimiters, reading tags, positions.
struct Scanner {
    /// The template source as UTF-8.
    let bytes: [UInt8]
    /// The template's name or file path, for errors.
    let templateName: String

    /// A tag as read from the source.
    struct Tag {
        /// The sigil after the open delimiter (`#`, `^`, `/`, `!`, `>`, `<`, `$`, `=`, `&`, `{`), or 0.
        let sigil: UInt8
        /// The content after the sigil, trimmed.
        let content: String
        /// Offset of the open delimiter.
        let start: Int
        /// Offset just past the close delimiter.
        let end: Int
    }

    /// The offset of the first occurrence of `needle` at or after `start`.
    func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, needle.count <= bytes.count else { return nil }
        var index = start
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == first, matches(needle, at: index) { return index }
            index += 1
        }
        return nil
    }

    /// Whether `needle` occurs at `offset`.
    func matches(_ needle: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, offset + needle.count <= bytes.count else { return false }
        for (index, byte) in needle.enumerated() where bytes[offset + index] != byte {
            return false
        }
        return true
    }

    /// Reads the tag whose open delimiter is at `start`.
    func readTag(at start: Int, delimiters: Delimiters) throws(TemplateError) -> Tag {
        let afterOpen = start + delimiters.open.count
        let first = afterOpen < bytes.count ? bytes[afterOpen] : 0
        let sigils: [UInt8] = Array("#^/!><$=&{".utf8)
        let sigil = sigils.contains(first) ? first : 0
        let contentStart = sigil == 0 ? afterOpen : afterOpen + 1
        // A triple mustache ends with `}` followed by the close delimiter.
        let closing = sigil == UInt8(ascii: "{") ? [UInt8(ascii: "}")] + delimiters.close : delimiters.close
        guard let contentEnd = find(closing, from: contentStart) else {
            throw error(.unterminatedTag, at: start)
        }
        let raw = String(decoding: bytes[contentStart..<contentEnd], as: UTF8.self)
        let content = sigil == UInt8(ascii: "!") ? raw : raw.trimmingWhitespace()
        return Tag(sigil: sigil, content: content, start: start, end: contentEnd + closing.count)
    }

    /// Whether the byte is a space or a tab.
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// The offset after the line ending at `offset` (`\n` or `\r\n`), or nil if there is none.
    func lineEnd(at offset: Int) -> Int? {
        guard offset < bytes.count else { return nil }
        if bytes[offset] == UInt8(ascii: "\n") { return offset + 1 }
        if bytes[offset] == UInt8(ascii: "\r"), offset + 1 < bytes.count, bytes[offset + 1] == UInt8(ascii: "\n") {
            return offset + 2
        }
        return nil
    }

    /// The offset of the first byte at or after `offset` that is not a space or tab.
    func skipBlanks(from offset: Int) -> Int {
        var index = offset
        while index < bytes.count, Scanner.isBlank(bytes[index]) { index += 1 }
        return index
    }

    /// The 1-based line and character column of `offset`.
    func location(of offset: Int) -> SourceLocation {
        var line = 1
        var lineStart = 0
        var index = 0
        let end = min(offset, bytes.count)
        while index < end {
            if bytes[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }
        let column = String(decoding: bytes[lineStart..<end], as: UTF8.self).count + 1
        return SourceLocation(line: line, column: column)
    }

    /// An error of `kind` at `offset`.
    func error(_ kind: TemplateError.Kind, at offset: Int) -> TemplateError {
        let place = location(of: offset)
        return TemplateError(kind, template: templateName, line: place.line, column: place.column)
    }
}

extension String {
    /// The string without leading and trailing whitespace (including newlines).
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
            let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
