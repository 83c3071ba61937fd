import Foundation

// Arrays bound as parameters travel in PostgreSQL's binary array format (`array_recv`):
//
//     int32 dimensions (0 for an empty array, else 1)
//     int32 flags (1 when an element is NULL)
//     uint32 element type OID
//     int32 length, int32 lower bound (1)           -- once per dimension
//     per element: int32 byte length (-1 for NULL), then the element's binary form
//
// every integer big-endian. The element type must be exactly the one the parameter's array type
// holds (`int8` for `int8[]`), or the server refuses the array.

extension Array where Element: PostgresArrayElement {
    /// The array in PostgreSQL's binary format.
    func postgresBinaryArray() throws(PostgresError) -> [UInt8] {
        guard let length = Int32(exactly: count) else { throw PostgresError(.parameterOutOfRange) }
        var out: [UInt8] = []
        out.reserveCapacity(20 + count * (4 + MemoryLayout<Element>.size))
        out.appendBigEndian(Int32(isEmpty ? 0 : 1))
        out.appendBigEndian(Int32(0))
        out.appendBigEndian(Element.elementType.oid)
        if !isEmpty {
            out.appendBigEndian(length)
            out.appendBigEndian(Int32(1))
        }
        if try Element.appendBinaryArrayElements(self, to: &out) { out[7] = 1 }
        return out
    }
}

extension PostgresArrayElement {
    public static func appendBinaryArrayElements(_ elements: [Self], to out: inout [UInt8]) throws(PostgresError) -> Bool {
        for element in elements { try element.appendBinaryArrayElement(to: &out) }
        return false
    }
}

extension Bool {
    public func appendBinaryArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        out.appendBigEndian(Int32(1))
        out.append(self ? 1 : 0)
    }
    public static func appendBinaryArrayElements(_ elements: [Bool], to out: inout [UInt8]) throws(PostgresError) -> Bool {
        out.appendFixedWidthElements(elements) { UInt8($0 ? 1 : 0) }
        return false
    }
}

extension Int {
    public func appendBinaryArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        out.appendBigEndian(Int32(8))
        out.appendBigEndian(Int64(self))
    }
    public static func appendBinaryArrayElements(_ elements: [Int], to out: inout [UInt8]) throws(PostgresError) -> Bool {
        out.appendFixedWidthElements(elements) { Int64($0).bigEndian }
        return false
    }
}

extension Int64 {
    public func appendBinaryArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        out.appendBigEndian(Int32(8))
        out.appendBigEndian(self)
    }
    public static func appendBinaryArrayElements(_ elements: [Int64], to out: inout [UInt8]) throws(PostgresError) -> Bool {
        out.appendFixedWidthElements(elements) { $0.bigEndian }
        return false
    }
}

extension Int32 {
    public func appendBinaryArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        out.appendBigEndian(Int32(4))
        out.appendBigEndian(self)
    }
    public static func appendBinaryArrayElements(_ elements: [Int32], to out: inout [UInt8]) throws(PostgresError) -> Bool {
        out.appendFixedWidthElements(elements) { $0.bigEndian }
        return false
    }
}

extension Double {
    /// IEEE 754 bits, as `float8send` writes them.
    public func appendBinaryArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        out.appendBigEndian(Int32(8))
        out.appendBigEndian(bitPattern)
    }
    public static func appendBinaryArrayElements(_ elements: [Double], to out: inout [UInt8]) throws(PostgresError) -> Bool {
        out.appendFixedWidthElements(elements) { $0.bitPattern.bigEndian }
        return false
    }
}

extension String {
    /// The UTF-8 bytes; like the text format, refuses NUL.
    public func appendBinaryArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        if utf8.contains(0) { throw PostgresError(.nulInString) }
        out.appendBigEndian(Int32(utf8.count))
        out.append(contentsOf: utf8)
    }
}

extension UUID {
    public func appendBinaryArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        out.appendBigEndian(Int32(16))
        withUnsafeBytes(of: uuid) { out.append(contentsOf: $0) }
    }
}

extension Date {
    /// Microseconds since 2000-01-01 00:00:00 UTC, rounded as the text format rounds.
    public func appendBinaryArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        out.appendBigEndian(Int32(8))
        out.appendBigEndian(try PostgresTimestamp.microsecondsSince2000(self))
    }
    public static func appendBinaryArrayElements(_ elements: [Date], to out: inout [UInt8]) throws(PostgresError) -> Bool {
        var micros: [Int64] = []
        micros.reserveCapacity(elements.count)
        for element in elements { micros.append(try PostgresTimestamp.microsecondsSince2000(element)) }
        out.appendFixedWidthElements(micros) { $0.bigEndian }
        return false
    }
}

extension Data {
    public func appendBinaryArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        guard let length = Int32(exactly: count) else { throw PostgresError(.parameterOutOfRange) }
        out.appendBigEndian(length)
        out.append(contentsOf: self)
    }
}

extension Optional where Wrapped: PostgresArrayElement {
    public func appendBinaryArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        switch self {
        case .none: out.appendBigEndian(Int32(-1))
        case .some(let value): try value.appendBinaryArrayElement(to: &out)
        }
    }

    public static func appendBinaryArrayElements(_ elements: [Wrapped?], to out: inout [UInt8]) throws(PostgresError) -> Bool {
        var hasNull = false
        for element in elements {
            if let element {
                try element.appendBinaryArrayElement(to: &out)
            } else {
                out.appendBigEndian(Int32(-1))
                hasNull = true
            }
        }
        return hasNull
    }
}

extension Int128 {
    /// `numeric_recv`'s form of a whole number: int16 digit count, int16 weight, uint16 sign
    /// (0x0000 or 0x4000), int16 display scale (0), then the base-10,000 digits, most
    /// significant first, trailing zero digits left out (the weight keeps their place).
    public func appendBinaryArrayElement(to out: inout [UInt8]) throws(PostgresError) {
        var digits: [Int16] = []
        var rest = magnitude
        while rest > 0 {
            digits.append(Int16(rest % 10_000))
            rest /= 10_000
        }
        let weight = Int16(Swift.max(digits.count - 1, 0))
        digits.reverse()
        while digits.last == 0 { digits.removeLast() }
        out.appendBigEndian(Int32(8 + 2 * digits.count))
        out.appendBigEndian(Int16(digits.count))
        out.appendBigEndian(weight)
        out.appendBigEndian(UInt16(self < 0 ? 0x4000 : 0))
        out.appendBigEndian(Int16(0))
        for digit in digits { out.appendBigEndian(digit) }
    }
}

extension PostgresTimestamp {
    /// Seconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch for binary timestamps.
    static let postgresEpochOffset: Int64 = 946_684_800

    /// `date` as a binary `timestamptz`: whole microseconds since 2000-01-01 UTC.
    static func microsecondsSince2000(_ date: Date) throws(PostgresError) -> Int64 {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        guard let sinceUnixEpoch = Int64(exactly: micros) else { throw PostgresError(.parameterOutOfRange) }
        let (result, overflow) = sinceUnixEpoch.subtractingReportingOverflow(postgresEpochOffset * 1_000_000)
        if overflow { throw PostgresError(.parameterOutOfRange) }
        return result
    }
}

extension [UInt8] {
    /// Appends `value`'s bytes, most significant first.
    mutating func appendBigEndian<Value: FixedWidthInteger>(_ value: Value) {
        for shift in stride(from: Value.bitWidth - 8, through: 0, by: -8) {
            append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }

    /// Appends one element per value, each its byte length and then the bytes of `encode`'s
    /// result as they lie in memory (so `encode` returns big-endian integers).
    mutating func appendFixedWidthElements<Value, Encoded: BitwiseCopyable>(_ values: [Value], _ encode: (Value) -> Encoded) {
        let width = MemoryLayout<Encoded>.size
        let start = count
        append(contentsOf: repeatElement(0, count: values.count * (4 + width)))
        withUnsafeMutableBytes { raw in
            var offset = start
            let length = Int32(width).bigEndian
            for value in values {
                raw.storeBytes(of: length, toByteOffset: offset, as: Int32.self)
                raw.storeBytes(of: encode(value), toByteOffset: offset + 4, as: Encoded.self)
                offset += 4 + width
            }
        }
    }
}
