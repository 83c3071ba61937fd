import COpenSSL

/// Comparisons whose running time does not depend on the contents compared.
public enum ConstantTime {
    /// Returns whether `a` and `b` hold the same bytes, using OpenSSL's `CRYPTO_memcmp`.
    ///
    /// Lengths are not secret: different lengths answer `false`, but the common prefix is still
    /// compared in full, so the time depends only on the lengths, never on where bytes differ.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let length = min(a.count, b.count)
        guard length > 0 else { return a.count == b.count }
        let difference = a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, length)
            }
        }
        return (difference == 0) && (a.count == b.count)
    }

    /// Returns whether the UTF-8 bytes of `a` and `b` are the same, in constant time.
    ///
    /// No Unicode normalisation: strings that are canonically equivalent but spelled with
    /// different code points compare unequal, as tokens should.
    public static func equals(_ a: String, _ b: String) -> Bool {
        equals(Array(a.utf8), Array(b.utf8))
    }
}
