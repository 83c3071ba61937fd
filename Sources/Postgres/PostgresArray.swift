import Foundation

/// A scalar type that can also travel as a one-dimensional PostgreSQL array.
public protocol PostgresArrayElement: PostgresEncodable, PostgresDecodable {
    /// The array type, e.g. `int8[]` for `Int`.
    static var arrayType: PostgresType { get }
    /// The element type that array elements are decoded as.
    static var elementType: PostgresType { get }
    /// Appends the element as it is written inside an array literal: `NULL`, or its text,
    /// quoted unless nothing in it could need quoting (numbers, booleans, timestamps).
    func appendArrayElement(to out: inout [UInt8]) throws(PostgresError)
    /// Appends `elements`, comma-separated: one call per array, so the per-element calls are
    /// made from code that knows the element type.
    static func appendArrayElements(_ elements: [Self], to out: inout [UInt8]) throws(PostgresError)
    /// Appends the element as a binary array holds it: its byte length (big-endian, -1 for
    /// NULL), then its binary form (see PostgresArray+Binary.swift).
    func appendBinaryArrayElement(to out: inout [UInt8]) throws(PostgresError)
    /// Appends `elements` in binary, one call per array; returns whether any was NULL.
    static func appendBinaryArrayElements(_ elements: [Self], to out: inout [UInt8]) throws(PostgresError) -> Bool
}

extension PostgresArrayElement {
    public static func appendArrayElements(_ elements: [Self], to out: inout [UInt8]) throws(PostgresError) {
        for index in elements.indices {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            try elements[index].appendArrayElement(to: &out)
        }
    }

    /// The element's text, in double quotes, with `"` and `\` escaped.
    public func appendArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        guard let text = try postgresText() else {
            out.append(contentsOf: "NULL".utf8)
            return
        }
        PostgresArrayLiteral.appendQuoted(text.utf8, to: &out)
    }
}

extension Bool: PostgresArrayElement {
    public static var arrayType: PostgresType { .boolArray }
    public static var elementType: PostgresType { .bool }
    public func appendArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        out.append(self ? UInt8(ascii: "t") : UInt8(ascii: "f"))
    }
}
extension Int: PostgresArrayElement {
    public static var arrayType: PostgresType { .int8Array }
    public static var elementType: PostgresType { .int8 }
    public func appendArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        out.append(contentsOf: String(self).utf8)
    }
}
extension Int64: PostgresArrayElement {
    public static var arrayType: PostgresType { .int8Array }
    public static var elementType: PostgresType { .int8 }
    public func appendArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        out.append(contentsOf: String(self).utf8)
    }
}
extension Int128: PostgresArrayElement {
    public static var arrayType: PostgresType { .numericArray }
    public static var elementType: PostgresType { .numeric }
    public func appendArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        out.append(contentsOf: String(self).utf8)
    }
}
extension Int32: PostgresArrayElement {
    public static var arrayType: PostgresType { .int4Array }
    public static var elementType: PostgresType { .int4 }
    public func appendArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        out.append(contentsOf: String(self).utf8)
    }
}
extension Double: PostgresArrayElement {
    public static var arrayType: PostgresType { .float8Array }
    public static var elementType: PostgresType { .float8 }
}
extension String: PostgresArrayElement {
    public static var arrayType: PostgresType { .textArray }
    public static var elementType: PostgresType { .text }
}
extension UUID: PostgresArrayElement {
    public static var arrayType: PostgresType { .uuidArray }
    public static var elementType: PostgresType { .uuid }
}
extension Date: PostgresArrayElement {
    public static var arrayType: PostgresType { .timestamptzArray }
    public static var elementType: PostgresType { .timestamptz }
    public func appendArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        out.append(contentsOf: PostgresTimestamp.format(self).utf8)
    }
}
extension Data: PostgresArrayElement {
    public static var arrayType: PostgresType { .byteaArray }
    public static var elementType: PostgresType { .bytea }
    /// `"\\x0a1b…"`: bytea's hex format, its backslash escaped for the array literal.
    public func appendArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        out.append(contentsOf: #""\\x"#.utf8)
        appendHexDigits(to: &out)
        out.append(UInt8(ascii: "\""))
    }
}
extension Optional: PostgresArrayElement where Wrapped: PostgresArrayElement {
    public static var arrayType: PostgresType { Wrapped.arrayType }
    public static var elementType: PostgresType { Wrapped.elementType }
    public func appendArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        switch self {
        case .none: out.append(contentsOf: "NULL".utf8)
        case .some(let value): try value.appendArrayElement(to: &out)
        }
    }
    public static func appendArrayElements(_ elements: [Wrapped?], to out: inout [UInt8]) throws(PostgresError) {
        for index in elements.indices {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if let value = elements[index] {
                try value.appendArrayElement(to: &out)
            } else {
                out.append(contentsOf: "NULL".utf8)
            }
        }
    }
}

/// The element types each array type may be read from (e.g. an `int4[]` column into `[Int]`).
private let arrayElementTypes: [PostgresType: PostgresType] = [
    .boolArray: .bool, .int2Array: .int2, .int4Array: .int4, .int8Array: .int8, .numericArray: .numeric,
    .float4Array: .float4, .float8Array: .float8, .textArray: .text, .varcharArray: .varchar,
    .uuidArray: .uuid, .timestamptzArray: .timestamptz, .byteaArray: .bytea,
]

extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresType: PostgresType { Element.arrayType }

    /// `{"a","b",NULL}` or `{1,2,NULL}`: texts quoted with `"` and `\` escaped, numbers,
    /// booleans and timestamps bare (see `appendArrayElement`). Built as bytes: batches bind
    /// arrays of thousands of elements.
    public func postgresText() throws(PostgresError) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(2 + count * 8)
        out.append(UInt8(ascii: "{"))
        try Element.appendArrayElements(self, to: &out)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Bound in binary: the server copies each element instead of parsing its text.
    public func postgresParameter() throws(PostgresError) -> PostgresParameter {
        .binary(try postgresBinaryArray())
    }
}

extension Array: PostgresDecodable where Element: PostgresArrayElement {
    public static func decodePostgres(_ bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresDecodeFailure) -> [Element] {
        guard let elementType = arrayElementTypes[type] else { throw .wrongType(type) }
        guard let items = PostgresArrayLiteral.parse(bytes) else {
            throw PostgresDecodeFailure("\(type) that is not a one-dimensional array")
        }
        var result: [Element] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard let item else {
                result.append(try Element.decodePostgresNull())
                continue
            }
            let element = item.withUnsafeBytes { raw in
                Result { () throws(PostgresDecodeFailure) in try Element.decodePostgres(raw, type: elementType) }
            }
            result.append(try element.get())
        }
        return result
    }
}

/// The text form of a one-dimensional array, `{1,2,"a b",NULL}`.
enum PostgresArrayLiteral {
    /// Appends `text` in double quotes, with `"` and `\` escaped by a backslash.
    static func appendQuoted(_ text: String.UTF8View, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        if text.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            for byte in text {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                out.append(byte)
            }
        } else {
            out.append(contentsOf: text)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// The elements' texts (nil for NULL), or nil when the text is not a 1-D array literal.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> [[UInt8]?]? {
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { return nil }
        var items: [[UInt8]?] = []
        var index = 1
        let end = bytes.count - 1
        if index == end { return items }
        while index <= end {
            guard let (item, next) = element(bytes, from: index, end: end) else { return nil }
            items.append(item)
            guard next <= end else { return nil }
            if next == end { return items }
            guard bytes[next] == UInt8(ascii: ",") else { return nil }
            index = next + 1
        }
        return nil
    }

    private static func element(_ bytes: UnsafeRawBufferPointer, from start: Int, end: Int) -> ([UInt8]?, Int)? {
        var index = start
        if bytes[index] == UInt8(ascii: "{") { return nil }  // nested: multi-dimensional
        if bytes[index] == UInt8(ascii: "\"") {
            var text: [UInt8] = []
            index += 1
            while index < end, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                guard index < end else { return nil }
                text.append(bytes[index])
                index += 1
            }
            guard index < end else { return nil }
            return (text, index + 1)
        }
        while index < end, bytes[index] != UInt8(ascii: ",") { index += 1 }
        let text = Array(bytes[start..<index])
        if text.count == 4, String(decoding: text, as: UTF8.self).uppercased() == "NULL" { return (nil, index) }
        return (text, index)
    }
}
