/// Builds SVG markup one element per line, escaping every attribute value and text node.
///
/// Coordinates are passed as `Double` and printed through `NumberText.coordinate`, so no
/// attribute can hold `NaN` or `inf`. There is deliberately no way to write a `style` attribute.
struct SVGWriter {
    private var out: [UInt8] = []
    private var started = false
    private var depth = 0

    /// An attribute: a name and an already-formatted value (escaped when written).
    typealias Attribute = (name: String, value: String)

    /// Escapes text for XML content and attribute values: `& < > " '` as entities, control
    /// characters other than tab and newline (not allowed in XML 1.0) as spaces. The writer's own
    /// `putEscaped(_:)` applies the same rules while it copies.
    static func escape(_ text: String) -> String {
        var writer = SVGWriter()
        writer.putEscaped(text)
        return writer.markup
    }

    /// A coordinate attribute.
    static func number(_ name: String, _ value: Double) -> Attribute {
        (name, NumberText.coordinate(value))
    }

    /// Opens an element that will hold children.
    mutating func open(_ tag: String, _ attributes: [Attribute] = []) {
        startLine()
        put("<")
        put(tag)
        write(attributes)
        put(">")
        depth += 1
    }

    /// Closes the innermost open element.
    mutating func close(_ tag: String) {
        depth -= 1
        startLine()
        put("</")
        put(tag)
        put(">")
    }

    /// An element with an optional `<title>` tooltip child, or empty.
    mutating func element(_ tag: String, _ attributes: [Attribute], tooltip: String? = nil) {
        startLine()
        put("<")
        put(tag)
        write(attributes)
        guard let tooltip else {
            put("/>")
            return
        }
        put("><title>")
        putEscaped(tooltip)
        put("</title></")
        put(tag)
        put(">")
    }

    /// An element holding escaped text, with an optional `<title>` (e.g. a truncated label's full text).
    mutating func text(_ content: String, _ attributes: [Attribute], tooltip: String? = nil, tag: String = "text") {
        startLine()
        put("<")
        put(tag)
        write(attributes)
        put(">")
        if let tooltip {
            put("<title>")
            putEscaped(tooltip)
            put("</title>")
        }
        putEscaped(content)
        put("</")
        put(tag)
        put(">")
    }

    /// A raw line of already-escaped markup.
    mutating func raw(_ markup: String) {
        startLine()
        put(markup)
    }

    /// The markup so far, newline-separated.
    var markup: String { String(decoding: out, as: UTF8.self) }

    /// A new line (after the first) indented two spaces per open element. The markup is built
    /// as UTF-8 bytes in one buffer: a chart is written on every page view, and appending bytes
    /// costs a fraction of appending strings.
    private mutating func startLine() {
        if started {
            out.append(UInt8(ascii: "\n"))
        } else {
            started = true
            out.reserveCapacity(8 * 1024)
        }
        for _ in 0..<max(depth, 0) {
            out.append(UInt8(ascii: " "))
            out.append(UInt8(ascii: " "))
        }
    }

    private mutating func put(_ text: String) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    private mutating func put(_ text: StaticString) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// `text` escaped (see ``escape(_:)``), written in one pass: runs that need nothing are
    /// copied whole.
    private mutating func putEscaped(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for index in bytes.indices {
                let replacement: StaticString
                switch bytes[index] {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\""): replacement = "&quot;"
                case UInt8(ascii: "'"): replacement = "&#39;"
                // Control characters other than tab and newline are not allowed in XML 1.0.
                case 0..<0x20 where bytes[index] != UInt8(ascii: "\t") && bytes[index] != UInt8(ascii: "\n"): replacement = " "
                default: continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                put(replacement)
                runStart = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
    }

    private mutating func write(_ attributes: [Attribute]) {
        for attribute in attributes {
            put(" ")
            put(attribute.name)
            put("=\"")
            putEscaped(attribute.value)
            put("\"")
        }
    }
}
