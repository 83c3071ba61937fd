/// A JSON value whose numbers keep their literal text, so a price such as `2.5e-06` is read as
/// exact decimal digits and never goes through `Double`.
enum LiteralJSON {
    /// An object member and the line its key starts on.
    struct Member {
        let key: String
        let line: Int
        let value: LiteralJSON
    }

    case null
    case bool(Bool)
    /// The number exactly as written, e.g. `2.5e-06`.
    case number(String)
    case string(String)
    case array([LiteralJSON])
    /// Members in document order.
    case object([Member])

    /// The member `key` of an object.
    subscript(key: String) -> LiteralJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// Parses `text`; throws ``PriceListError`` naming the line of the first syntax error.
    static func parse(_ text: String) throws(PriceListError) -> LiteralJSON {
        var parser = Parser(bytes: Array(text.utf8))
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0
        var line = 1

        func error(_ message: String) -> PriceListError { .syntax(line: line, message: message) }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
                if bytes[index] == 0x0A { line += 1 }
                index += 1
            }
        }

        mutating func value(depth: Int) throws(PriceListError) -> LiteralJSON {
            guard depth < 64 else { throw error("nested too deeply") }
            skipSpace()
            guard index < bytes.count else { throw error("the JSON ends too early") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return .number(try number())
            }
        }

        mutating func literal(_ word: String) throws(PriceListError) {
            let expected = Array(word.utf8)
            guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
                throw error("unexpected character")
            }
            index += expected.count
        }

        mutating func object(depth: Int) throws(PriceListError) -> LiteralJSON {
            index += 1
            var members: [Member] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
                let keyLine = line
                let key = try string()
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
                index += 1
                members.append(Member(key: key, line: keyLine, value: try value(depth: depth + 1)))
                skipSpace()
                guard index < bytes.count else { throw error("the JSON ends inside an object") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                throw error("expected ',' or '}'")
            }
        }

        mutating func array(depth: Int) throws(PriceListError) -> LiteralJSON {
            index += 1
            var items: [LiteralJSON] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            while true {
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard index < bytes.count else { throw error("the JSON ends inside an array") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                throw error("expected ',' or ']'")
            }
        }

        mutating func string() throws(PriceListError) -> String {
            index += 1
            var out: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { throw error("the JSON ends inside a string") }
                    let escaped = bytes[index]
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard bytes.count - index >= 4, let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
                        else { throw error("bad \\u escape") }
                        index += 4
                        out.append(contentsOf: Array(String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8))
                    default: out.append(escaped)
                    }
                case 0x0A: throw error("a line break inside a string")
                default: out.append(byte)
                }
            }
            throw error("the JSON ends inside a string")
        }

        mutating func number() throws(PriceListError) -> String {
            let start = index
            let allowed = Set("+-.eE0123456789".utf8)
            while index < bytes.count, allowed.contains(bytes[index]) { index += 1 }
            guard index > start else { throw error("unexpected character") }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
    }
}

/// Exact decimal conversions for price lists.
enum DecimalText {
    /// A JSON or CSV number (`12`, `0.5`, `2.5e-06`, `1E-7`) multiplied by 10^`shift`, as a plain
    /// decimal (`-?[0-9]+(\.[0-9]+)?`) for `Money(parsing:)`; nil when the text is not a number.
    /// Exact: only digits move.
    static func plain(_ text: String, shift: Int = 0) -> String? {
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            var rest = text[text.index(after: e)...]
            if rest.first == "+" { rest = rest.dropFirst() }
            guard let value = Int(rest), abs(value) < 400 else { return nil }
            exponent = value
        }
        let negative = mantissa.first == "-"
        if negative { mantissa = mantissa.dropFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            parts.count == 1 || !parts[1].isEmpty
        else { return nil }
        var digits = String(parts[0]) + (parts.count == 2 ? String(parts[1]) : "")
        var point = parts[0].count + exponent + shift   // digits before the decimal point
        if point <= 0 {
            digits = String(repeating: "0", count: 1 - point) + digits
            point = 1
        } else if point > digits.count {
            digits += String(repeating: "0", count: point - digits.count)
        }
        var whole = String(digits.prefix(point)).drop { $0 == "0" }
        if whole.isEmpty { whole = "0" }
        let fraction = String(digits.dropFirst(point)).reversed().drop { $0 == "0" }.reversed()
        return (negative ? "-" : "") + whole + (fraction.isEmpty ? "" : "." + String(fraction))
    }
}
