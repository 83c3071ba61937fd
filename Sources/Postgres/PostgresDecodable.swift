import Foundation

/// Why a non-NULL value could not be decoded; the row adds the column and caller.
public struct PostgresDecodeFailure: Error, Sendable {
    /// What the value was, e.g. "text" or "int8 'abc' that does not parse".
    public let actual: String
    /// Creates a failure.
    public init(_ actual: String) { self.actual = actual }

    static func wrongType(_ type: PostgresType) -> PostgresDecodeFailure { .init("a value of type \(type)") }
}

/// A Swift type that can be read from a result column (PostgreSQL's text format).
public protocol PostgresDecodable {
    /// Decodes a non-NULL value.
    static func decodePostgres(_ bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresDecodeFailure) -> Self
    /// The value for SQL NULL; non-optional types throw.
    static func decodePostgresNull() throws(PostgresDecodeFailure) -> Self
}

extension PostgresDecodable {
    public static func decodePostgresNull() throws(PostgresDecodeFailure) -> Self { throw PostgresDecodeFailure("NULL") }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decodePostgres(_ bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresDecodeFailure) -> Wrapped? {
        try Wrapped.decodePostgres(bytes, type: type)
    }
    public static func decodePostgresNull() throws(PostgresDecodeFailure) -> Wrapped? { nil }
}

extension String: PostgresDecodable {
    public static func decodePostgres(_ bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresDecodeFailure) -> String {
        guard PostgresType.textLike.contains(type) else { throw .wrongType(type) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Integers read from int2, int4 and int8 columns, checked against the Swift type's range.
extension FixedWidthInteger where Self: SignedInteger {
    static func decodeInteger(_ bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresDecodeFailure) -> Self {
        guard type == .int2 || type == .int4 || type == .int8 || type == .oidType else { throw .wrongType(type) }
        var scanner = ByteScanner(bytes: bytes)
        let negative = scanner.skip("-")
        guard let magnitude = scanner.magnitude(), scanner.atEnd else { throw PostgresDecodeFailure("\(type) that does not parse") }
        // Int64.min's magnitude is one more than Int64.max: build the negative value from it.
        let value = negative
            ? (magnitude <= UInt64(Int64.max) + 1 ? Int64(bitPattern: 0 &- magnitude) : nil)
            : Int64(exactly: magnitude)
        guard let value, let result = Self(exactly: value) else {
            throw PostgresDecodeFailure("\(type) \(negative ? "-" : "")\(magnitude), out of range")
        }
        return result
    }
}

extension Int: PostgresDecodable {
    public static func decodePostgres(_ bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresDecodeFailure) -> Int {
        try decodeInteger(bytes, type: type)
    }
}

extension Int64: PostgresDecodable {
    public static func decodePostgres(_ bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresDecodeFailure) -> Int64 {
        try decodeInteger(bytes, type: type)
    }
}

/// Whole numbers from int2, int4, int8 and numeric columns (sums of `numeric(38,0)` columns);
/// a numeric with a fraction, or one past 128 bits, fails to decode.
extension Int128: PostgresDecodable {
    public static func decodePostgres(_ bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresDecodeFailure) -> Int128 {
        guard type == .numeric || type == .int2 || type == .int4 || type == .int8 else { throw .wrongType(type) }
        var index = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < bytes.count else { throw PostgresDecodeFailure("\(type) that does not parse") }
        var magnitude: UInt128 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                // numeric(38,0) prints no point; a sum of such values neither. Zeros alone may follow.
                guard bytes[(index + 1)...].allSatisfy({ $0 == UInt8(ascii: "0") }) else {
                    throw PostgresDecodeFailure("\(type) with a fraction")
                }
                break
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw PostgresDecodeFailure("\(type) that does not parse") }
            let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            let (next, carry) = times10.addingReportingOverflow(UInt128(byte - UInt8(ascii: "0")))
            guard !overflow, !carry else { throw PostgresDecodeFailure("\(type) past 128 bits") }
            magnitude = next
            index += 1
        }
        if negative {
            guard magnitude <= UInt128(Int128.max) + 1 else { throw PostgresDecodeFailure("\(type) past 128 bits") }
            return magnitude == UInt128(Int128.max) + 1 ? .min : -Int128(magnitude)
        }
        guard let value = Int128(exactly: magnitude) else { throw PostgresDecodeFailure("\(type) past 128 bits") }
        return value
    }
}

extension Int32: PostgresDecodable {
    public static func decodePostgres(_ bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresDecodeFailure) -> Int32 {
        try decodeInteger(bytes, type: type)
    }
}

extension Bool: PostgresDecodable {
    public static func decodePostgres(_ bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresDecodeFailure) -> Bool {
        guard type == .bool else { throw .wrongType(type) }
        guard bytes.count == 1 else { throw PostgresDecodeFailure("bool that does not parse") }
        switch bytes[0] {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: throw PostgresDecodeFailure("bool that does not parse")
        }
    }
}

extension Double: PostgresDecodable {
    public static func decodePostgres(_ bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresDecodeFailure) -> Double {
        guard type == .float8 || type == .float4 else { throw .wrongType(type) }
        let text = String(decoding: bytes, as: UTF8.self)
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default:
            guard let value = Double(text) else { throw PostgresDecodeFailure("\(type) that does not parse") }
            return value
        }
    }
}

extension UUID: PostgresDecodable {
    public static func decodePostgres(_ bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresDecodeFailure) -> UUID {
        guard type == .uuid else { throw .wrongType(type) }
        guard let uuid = UUID(uuidString: String(decoding: bytes, as: UTF8.self)) else {
            throw PostgresDecodeFailure("uuid that does not parse")
        }
        return uuid
    }
}

extension Date: PostgresDecodable {
    public static func decodePostgres(_ bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresDecodeFailure) -> Date {
        guard type == .timestamptz else { throw .wrongType(type) }
        guard let date = PostgresTimestamp.parse(bytes) else {
            throw PostgresDecodeFailure("timestamptz '\(String(decoding: bytes, as: UTF8.self))' outside the supported range")
        }
        return date
    }
}

extension Data: PostgresDecodable {
    public static func decodePostgres(_ bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresDecodeFailure) -> Data {
        guard type == .bytea else { throw .wrongType(type) }
        guard let data = decodeHex(bytes) else { throw PostgresDecodeFailure("bytea that does not parse") }
        return data
    }

    /// bytea's hex output format, `\x0aff…`.
    static func decodeHex(_ bytes: UnsafeRawBufferPointer) -> Data? {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"),
            bytes.count % 2 == 0
        else { return nil }
        // Filled in place: appending byte by byte costs Data a bounds and storage check each.
        var out = Data(count: (bytes.count - 2) / 2)
        let parsed = out.withUnsafeMutableBytes { target in
            for index in target.indices {
                guard let high = hexValue(bytes[2 + 2 * index]), let low = hexValue(bytes[3 + 2 * index]) else { return false }
                target[index] = high << 4 | low
            }
            return true
        }
        return parsed ? out : nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: return byte - 48
        case 97...102: return byte - 87
        case 65...70: return byte - 55
        default: return nil
        }
    }
}

extension PostgresJSON: PostgresDecodable {
    public static func decodePostgres(_ bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresDecodeFailure) -> PostgresJSON<Value> {
        guard type == .json || type == .jsonb else { throw .wrongType(type) }
        do {
            return PostgresJSON(try JSONDecoder().decode(Value.self, from: Data(bytes)))
        } catch {
            throw PostgresDecodeFailure("\(type) that does not match \(Value.self)")
        }
    }
}
