/// The byte buffer a render writes into.
///
/// Conformances of ``TemplateValue`` write their text through ``write(_:escaped:)``; escaping
/// runs over UTF-8 bytes, so no intermediate strings are built.
public struct TemplateOutput: Sendable {
    /// The UTF-8 bytes written so far.
    public private(set) var bytes: [UInt8]

    /// Creates an empty buffer with room for `capacity` bytes.
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The bytes written so far, as a string.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Writes `text`, HTML-escaped when `escaped` is true.
    public mutating func write(_ text: String, escaped: Bool) {
        if let done: Void = text.utf8.withContiguousStorageIfAvailable({ write($0, escaped: escaped) }) {
            return done
        }
        var copy = text
        copy.withUTF8 { write($0, escaped: escaped) }
    }

    /// Writes raw UTF-8 bytes, HTML-escaped when `escaped` is true.
    public mutating func write(_ utf8: UnsafeBufferPointer<UInt8>, escaped: Bool) {
        if escaped {
            writeEscaped(utf8)
        } else {
            bytes.append(contentsOf: utf8)
        }
    }

    /// Writes the decimal digits of `value` (digits never need escaping).
    public mutating func write(_ value: some BinaryInteger) {
        guard let small = Int64(exactly: value), small != .min else {
            write(String(value), escaped: false)
            return
        }
        // Digits straight into the buffer: no intermediate String.
        var magnitude = small.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var index = buffer.count
            repeat {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if small < 0 {
                index -= 1
                buffer[index] = UInt8(ascii: "-")
            }
            bytes.append(contentsOf: buffer[index...])
        }
    }

    /// Appends template text verbatim.
    mutating func append(_ text: [UInt8]) {
        bytes.append(contentsOf: text)
    }

    /// Appends a slice of template text verbatim.
    mutating func append(_ text: ArraySlice<UInt8>) {
        bytes.append(contentsOf: text)
    }

    private mutating func writeEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var index = 0
        let count = utf8.count
        while index < count {
            let byte = utf8[index]
            // Every byte that needs an entity is below 0x3F; most text is not.
            if byte < 0x3F, let entity = HTMLEntity.entity(for: byte) {
                if runStart < index {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                }
                entity.withUTF8Buffer { bytes.append(contentsOf: $0) }
                runStart = index + 1
            }
            index += 1
        }
        if runStart < count {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count]))
        }
    }
}

/// The five characters HTML escaping replaces. `'` becomes `&#39;` (OWASP), unlike the Mustache spec.
enum HTMLEntity {
    /// The entity for `byte`, or nil when the byte is written as is.
    @inline(__always)
    static func entity(for byte: UInt8) -> StaticString? {
        switch byte {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "\""): "&quot;"
        case UInt8(ascii: "'"): "&#39;"
        default: nil
        }
    }
}
