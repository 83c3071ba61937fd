/// Builds SVG markup one element per line, escaping every attribute value and text node.
///
/// Coordinates are passed as `Double` and printed through `NumberText.coordinate`, so no
/// attribute can hold `NaN` or `inf`. There is deliberately no way to write a `style` attribute.
struct SVGWriter {
    private var out = ""
    private var started = false
    private var depth = 0

    /// An attribute: a name and an already-formatted value (escaped when written).
    typealias Attribute = (name: String, value: String)

    /// Escapes text for XML content and attribute values.
    static func escape(_ text: String) -> String {
        // Most values (numbers, class names, ids) need no escaping: one byte scan, no copy.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab and newline are not allowed in XML 1.0.
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" { out += " " } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// A coordinate attribute.
    static func number(_ name: String, _ value: Double) -> Attribute {
        (name, NumberText.coordinate(value))
    }

    /// Opens an element that will hold children.
    mutating func open(_ tag: String, _ attributes: [Attribute] = []) {
        startLine()
        out += "<"
        out += tag
        write(attributes)
        out += ">"
        depth += 1
    }

    /// Closes the innermost open element.
    mutating func close(_ tag: String) {
        depth -= 1
        startLine()
        out += "</"
        out += tag
        out += ">"
    }

    /// An element with an optional `<title>` tooltip child, or empty.
    mutating func element(_ tag: String, _ attributes: [Attribute], tooltip: String? = nil) {
        startLine()
        out += "<"
        out += tag
        write(attributes)
        guard let tooltip else {
            out += "/>"
            return
        }
        out += "><title>"
        out += Self.escape(tooltip)
        out += "</title></"
        out += tag
        out += ">"
    }

    /// An element holding escaped text, with an optional `<title>` (e.g. a truncated label's full text).
    mutating func text(_ content: String, _ attributes: [Attribute], tooltip: String? = nil, tag: String = "text") {
        startLine()
        out += "<"
        out += tag
        write(attributes)
        out += ">"
        if let tooltip {
            out += "<title>"
            out += Self.escape(tooltip)
            out += "</title>"
        }
        out += Self.escape(content)
        out += "</"
        out += tag
        out += ">"
    }

    /// A raw line of already-escaped markup.
    mutating func raw(_ markup: String) {
        startLine()
        out += markup
    }

    /// The markup so far, newline-separated.
    var markup: String { out }

    /// A new line (after the first) indented two spaces per open element. The markup is built in
    /// one string: a chart is written on every page view.
    private mutating func startLine() {
        if started {
            out += "\n"
        } else {
            started = true
            out.reserveCapacity(8 * 1024)
        }
        for _ in 0..<max(depth, 0) { out += "  " }
    }

    private mutating func write(_ attributes: [Attribute]) {
        for attribute in attributes {
            out += " "
            out += attribute.name
            out += "=\""
            out += Self.escape(attribute.value)
            out += "\""
        }
    }
}
