/// A strict JSON parser (RFC 8259) straight into `JSONValue`.
///
/// The ingest reads every field of every event into `JSONValue`. Going through `JSONDecoder`
/// meant trying each type in turn for every value, and each failed try built and threw a
/// `DecodingError`; for a batch of 1,000 events that was most of the request's CPU. This parser
/// reads the bytes once. Numbers follow the rule of `JSONValue`: a whole number within 64 bits
/// (also written `5.0` or `1e3`) is `.integer`, anything else `.number`. Strings must be valid
/// UTF-8.
///
/// Strict where RFC 8259 leaves room: a key that repeats in one object is refused (RFC 8259 says
/// names "SHOULD be unique" and parsers differ on which value wins, so a body that means two
/// things is refused, not guessed at). Keys are compared as Swift compares strings, by canonical
/// equivalence, so `"café"` composed and decomposed are one key, as they are one id
/// (`IdentityText`). Nesting deeper than `maxDepth` is refused as too deep, not as invalid.
extension JSONValue {
    /// Why a body was refused: the path of the value at fault (`$.events[3].metadata`) and what.
    struct ParseError: Error, Equatable, CustomStringConvertible {
        enum Kind: Equatable {
            /// Not JSON at this byte offset.
            case syntax(offset: Int)
            /// An object repeats this key.
            case duplicateKey(String)
            /// Arrays and objects nest deeper than `maxDepth`.
            case tooDeep
        }

        let kind: Kind
        /// Where, from the root: `$`, `$.events[3]`, `$.events[3].metadata.a`.
        private(set) var path: [PathComponent] = []

        enum PathComponent: Equatable {
            case key(String)
            case index(Int)
        }

        init(_ kind: Kind) {
            self.kind = kind
        }

        /// The error seen from one level up.
        func inside(_ component: PathComponent) -> ParseError {
            var copy = self
            copy.path.insert(component, at: 0)
            return copy
        }

        /// `$.events[3].metadata`.
        var pathText: String {
            path.reduce("$") { text, component in
                switch component {
                case .key(let key): text + "." + Self.shown(key)
                case .index(let index): text + "[\(index)]"
                }
            }
        }

        /// A key as messages show it: at most 64 characters.
        private static func shown(_ key: String) -> String {
            key.unicodeScalars.count <= 64 ? key : String(String.UnicodeScalarView(key.unicodeScalars.prefix(64))) + "…"
        }

        /// A sentence for an API client.
        var description: String {
            switch kind {
            case .syntax(let offset): "the body is not valid JSON (at byte \(offset))"
            case .duplicateKey(let key):
                "the key \"\(Self.shown(key))\" appears more than once in the object at \(pathText); send each key once"
            case .tooDeep: "the body nests arrays and objects deeper than \(JSONValue.maxDepth) levels"
            }
        }
    }

    /// The deepest nesting of arrays and objects accepted (as `JSONDecoder`'s limit).
    static let maxDepth = 512

    /// Parses a whole JSON text; whitespace may surround it, nothing else may follow it.
    static func parse(_ bytes: some Collection<UInt8>) throws(ParseError) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { buffer throws(ParseError) in
            var parser = Parser(bytes: buffer)
            parser.skipWhitespace()
            let value = try parser.value(depth: 0)
            parser.skipWhitespace()
            guard parser.index == buffer.count else { throw ParseError(.syntax(offset: parser.index)) }
            return value
        }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        private var failure: ParseError { ParseError(.syntax(offset: index)) }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws(ParseError) -> JSONValue {
            guard index < bytes.count else { throw failure }
            guard depth <= JSONValue.maxDepth else { throw ParseError(.tooDeep) }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return try number()
            }
        }

        private mutating func literal(_ word: StaticString) throws(ParseError) {
            let count = word.utf8CodeUnitCount
            guard bytes.count - index >= count else { throw failure }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw failure }
            index += count
        }

        private mutating func object(depth: Int) throws(ParseError) -> JSONValue {
            index += 1
            // An event has about eight fields: no rehashing while they are added.
            var fields = [String: JSONValue](minimumCapacity: 8)
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(fields)
            }
            while true {
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure }
                let key = try string()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure }
                index += 1
                skipWhitespace()
                let parsed: JSONValue
                do {
                    parsed = try value(depth: depth)
                } catch {
                    throw error.inside(.key(key))
                }
                // One hash of the key: the insert reports the value it replaced.
                guard fields.updateValue(parsed, forKey: key) == nil else { throw ParseError(.duplicateKey(key)) }
                skipWhitespace()
                guard index < bytes.count else { throw failure }
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(fields)
                }
                guard bytes[index] == UInt8(ascii: ",") else { throw failure }
                index += 1
                skipWhitespace()
            }
        }

        private mutating func array(depth: Int) throws(ParseError) -> JSONValue {
            index += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            while true {
                do {
                    items.append(try value(depth: depth))
                } catch {
                    throw error.inside(.index(items.count))
                }
                skipWhitespace()
                guard index < bytes.count else { throw failure }
                if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(items)
                }
                guard bytes[index] == UInt8(ascii: ",") else { throw failure }
                index += 1
                skipWhitespace()
            }
        }

        /// A string starting at the opening quote; unescaped runs are copied whole.
        private mutating func string() throws(ParseError) -> String {
            index += 1
            let start = index
            var isASCII = true
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let run = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    // ASCII is valid UTF-8 as it is; `String(validating:)` costs a runtime
                    // type lookup per call, so only text with other bytes pays for it.
                    let text = isASCII ? String(decoding: run, as: UTF8.self) : String(validating: run, as: UTF8.self)
                    guard let text else { throw failure }
                    index += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                guard byte >= 0x20 else { throw failure }
                if byte >= 0x80 { isASCII = false }
                index += 1
            }
            var decoded = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    guard let text = String(validating: decoded, as: UTF8.self) else { throw failure }
                    return text
                case UInt8(ascii: "\\"):
                    index += 1
                    try escape(into: &decoded)
                default:
                    guard byte >= 0x20 else { throw failure }
                    decoded.append(byte)
                    index += 1
                }
            }
            throw failure
        }

        private mutating func escape(into decoded: inout [UInt8]) throws(ParseError) {
            guard index < bytes.count else { throw failure }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(byte)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low one.
                    guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                    else { throw failure }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw failure }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw failure
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw failure }
                decoded.append(contentsOf: Array(String(Character(unicode)).utf8))
            default:
                throw failure
            }
        }

        private mutating func hex4() throws(ParseError) -> UInt32 {
            guard bytes.count - index >= 4 else { throw failure }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw failure
                }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            return value
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        private mutating func number() throws(ParseError) -> JSONValue {
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            var whole = true
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                whole = false
                index += 1
                try digits()
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                whole = false
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                try digits()
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if whole, let integer = Int64(text) { return .integer(integer) }
            guard let double = Double(text), double.isFinite else { throw ParseError(.syntax(offset: start)) }
            if let integer = Int64(exactly: double) { return .integer(integer) }
            return .number(double)
        }

        private mutating func digits() throws(ParseError) {
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }

        private func isDigit(_ byte: UInt8) -> Bool {
            byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        }
    }
}
