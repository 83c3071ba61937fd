import Foundation

/// A Swift value that can be bound as a query parameter or written by COPY.
///
/// Values travel in PostgreSQL's text format, arrays bound as parameters in its binary format
/// (see `PostgresParameter`). `nil` from `postgresText()` is SQL NULL.
public protocol PostgresEncodable: Sendable {
    /// The parameter type sent with the bind; `.unspecified` lets the server infer it.
    static var postgresType: PostgresType { get }
    /// The value in PostgreSQL's text format, or `nil` for NULL.
    func postgresText() throws(PostgresError) -> String?
    /// The value as a statement's parameter; by default its text.
    func postgresParameter() throws(PostgresError) -> PostgresParameter
}

extension PostgresEncodable {
    public func postgresParameter() throws(PostgresError) -> PostgresParameter {
        guard let text = try postgresText() else { return .null }
        return .text(text)
    }
}

extension String: PostgresEncodable {
    /// Strings are sent untyped so they fit text, varchar, enum and cast contexts alike.
    public static var postgresType: PostgresType { .unspecified }
    /// Rejects NUL, which PostgreSQL text cannot hold (libpq would silently truncate).
    public func postgresText() throws(PostgresError) -> String? {
        if utf8.contains(0) { throw PostgresError(.nulInString) }
        return self
    }
}

extension Substring: PostgresEncodable {
    public static var postgresType: PostgresType { .unspecified }
    public func postgresText() throws(PostgresError) -> String? { try String(self).postgresText() }
}

extension Int: PostgresEncodable {
    public static var postgresType: PostgresType { .int8 }
    public func postgresText() throws(PostgresError) -> String? { String(self) }
}

extension Int64: PostgresEncodable {
    public static var postgresType: PostgresType { .int8 }
    public func postgresText() throws(PostgresError) -> String? { String(self) }
}

/// 128-bit amounts (Tally's money and credit sums) are sent untyped, so they bind to numeric
/// and, when they fit, bigint parameters alike; a value past bigint's range is refused there by
/// the server, never wrapped.
extension Int128: PostgresEncodable {
    public static var postgresType: PostgresType { .unspecified }
    public func postgresText() throws(PostgresError) -> String? { String(self) }
}

extension Int32: PostgresEncodable {
    public static var postgresType: PostgresType { .int4 }
    public func postgresText() throws(PostgresError) -> String? { String(self) }
}

extension Bool: PostgresEncodable {
    public static var postgresType: PostgresType { .bool }
    public func postgresText() throws(PostgresError) -> String? { self ? "t" : "f" }
}

extension Double: PostgresEncodable {
    public static var postgresType: PostgresType { .float8 }
    /// Swift's shortest round-tripping form; NaN and infinities use PostgreSQL's spellings.
    public func postgresText() throws(PostgresError) -> String? {
        if isNaN { return "NaN" }
        if isInfinite { return self > 0 ? "Infinity" : "-Infinity" }
        return "\(self)"
    }
}

extension UUID: PostgresEncodable {
    public static var postgresType: PostgresType { .uuid }
    public func postgresText() throws(PostgresError) -> String? { uuidString.lowercased() }
}

extension Date: PostgresEncodable {
    public static var postgresType: PostgresType { .timestamptz }
    /// ISO 8601 in UTC with microseconds, e.g. `2026-11-22T14:40:12.123456Z`.
    public func postgresText() throws(PostgresError) -> String? { PostgresTimestamp.format(self) }
}

extension Data: PostgresEncodable {
    public static var postgresType: PostgresType { .bytea }
    /// bytea's hex format: `\x` followed by two hex digits per byte.
    public func postgresText() throws(PostgresError) -> String? {
        var out: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        appendHexDigits(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Two lowercase hex digits per byte.
    func appendHexDigits(to out: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        out.reserveCapacity(out.count + count * 2)
        for byte in self {
            out.append(digits.utf8Start[Int(byte >> 4)])
            out.append(digits.utf8Start[Int(byte & 0x0F)])
        }
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresType: PostgresType { Wrapped.postgresType }
    public func postgresText() throws(PostgresError) -> String? {
        switch self {
        case .none: return nil
        case .some(let value): return try value.postgresText()
        }
    }
    public func postgresParameter() throws(PostgresError) -> PostgresParameter {
        switch self {
        case .none: return .null
        case .some(let value): return try value.postgresParameter()
        }
    }
}

/// A JSON value stored in a `jsonb` column, encoded and decoded with Foundation's JSON coders.
public struct PostgresJSON<Value: Codable & Sendable>: Sendable {
    /// The wrapped value.
    public var value: Value
    /// Wraps a value.
    public init(_ value: Value) { self.value = value }
}

extension PostgresJSON: PostgresEncodable {
    public static var postgresType: PostgresType { .jsonb }
    public func postgresText() throws(PostgresError) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(value) else {
            throw PostgresError(.server, sqlState: "22P02", serverMessage: "value could not be encoded as JSON")
        }
        return try String(decoding: data, as: UTF8.self).postgresText()
    }
}
