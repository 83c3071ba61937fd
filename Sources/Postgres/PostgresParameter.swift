/// A value as it is bound to a statement's parameter.
///
/// Most values travel as text. Arrays travel in PostgreSQL's binary format: a batch binds arrays
/// of a thousand elements, and the server reads a binary element with a copy where it would
/// otherwise parse its text (for timestamps and bytea that parsing is most of the statement's
/// cost before it runs).
public enum PostgresParameter: Sendable, Equatable {
    /// SQL NULL.
    case null
    /// The value in the type's text format.
    case text(String)
    /// The value in the type's binary (send/receive) format.
    case binary([UInt8])
}

/// A statement's parameters laid out as libpq takes them: one buffer, and per parameter a
/// pointer into it (NULL for SQL NULL), a length and a format (0 text, 1 binary).
struct BoundParameters: Sendable {
    /// Every parameter's bytes, one after another; a text value is followed by a NUL, since
    /// libpq reads text parameters up to their terminator. The leading byte is never a
    /// parameter's: it gives an empty binary value a valid (non-NULL) address.
    private var bytes: [UInt8] = [0]
    /// Where each parameter starts in `bytes`; nil for SQL NULL.
    private var offsets: [Int?] = []
    private var lengths: [Int32] = []
    private var formats: [Int32] = []

    /// `binds` in order.
    init(_ binds: [any PostgresEncodable]) throws(PostgresError) {
        offsets.reserveCapacity(binds.count)
        lengths.reserveCapacity(binds.count)
        formats.reserveCapacity(binds.count)
        for bind in binds { try append(try bind.postgresParameter()) }
    }

    /// How many parameters there are.
    var count: Int { formats.count }

    /// Appends one parameter.
    mutating func append(_ parameter: PostgresParameter) throws(PostgresError) {
        switch parameter {
        case .null:
            offsets.append(nil)
            lengths.append(0)
            formats.append(0)
        case .text(let text):
            try append(text.utf8, format: 0)
            bytes.append(0)
        case .binary(let value):
            try append(value, format: 1)
        }
    }

    private mutating func append<Bytes: Collection<UInt8>>(_ value: Bytes, format: Int32) throws(PostgresError) {
        guard let length = Int32(exactly: value.count) else { throw PostgresError(.parameterOutOfRange) }
        offsets.append(bytes.count)
        lengths.append(length)
        formats.append(format)
        bytes.append(contentsOf: value)
    }

    /// Calls `body` with libpq's `paramValues`, `paramLengths` and `paramFormats` (all nil when
    /// there are no parameters).
    func withLibPQArguments<R>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
    ) -> R {
        if formats.isEmpty { return body(nil, nil, nil) }
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { characters in
                let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                    offset.map { characters.baseAddress! + $0 }
                }
                return pointers.withUnsafeBufferPointer { values in
                    lengths.withUnsafeBufferPointer { lengths in
                        formats.withUnsafeBufferPointer { formats in
                            body(values.baseAddress, lengths.baseAddress, formats.baseAddress)
                        }
                    }
                }
            }
        }
    }
}
