/// A 128-bit integer stored as two 64-bit words, so a value that holds one keeps 8-byte
/// alignment.
///
/// `Int128` itself is 16-byte aligned, and at -Onone Swift 6.3 on Linux passes structs holding
/// it to async closures with the wrong alignment (the process jumps to address 0: seen with
/// `TopUpRequest` handed to the approval's audit closure; upstream: swiftlang/swift#91204 for
/// the same class on aarch64). `Money`, `Credits` and every stored 128-bit sum (token totals)
/// are held this way; arithmetic is done on `Int128` values, in registers.
public struct WideInteger: Hashable, Sendable {
    private let high: Int64
    private let low: UInt64

    /// Holds `value`.
    public init(_ value: Int128) {
        high = Int64(truncatingIfNeeded: value >> 64)
        low = UInt64(truncatingIfNeeded: value)
    }

    /// The value held.
    public var value: Int128 { Int128(high) << 64 | Int128(low) }
}
