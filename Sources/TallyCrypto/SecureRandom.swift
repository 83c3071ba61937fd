import COpenSSL

/// Cryptographically secure random bytes and tokens from OpenSSL's `RAND_bytes`.
///
/// There is no fallback: if the generator fails, the process stops, because handing out
/// predictable session tokens or salts is worse than not running.
public enum SecureRandom {
    /// Returns `count` random bytes.
    ///
    /// - Precondition: `count >= 0`, and OpenSSL's generator succeeds.
    public static func bytes(count: Int) -> [UInt8] {
        precondition(count >= 0, "SecureRandom.bytes: negative count")
        guard count > 0 else { return [] }
        precondition(count <= Int(Int32.max), "SecureRandom.bytes: count too large")
        var buffer = [UInt8](repeating: 0, count: count)
        let status = buffer.withUnsafeMutableBufferPointer { pointer in
            RAND_bytes(pointer.baseAddress, Int32(count))
        }
        precondition(status == 1, "RAND_bytes failed: no secure randomness available")
        return buffer
    }

    /// Returns a URL-safe token: `bytes` random bytes in unpadded base64url.
    ///
    /// The default of 32 bytes gives 256 bits, 43 characters.
    public static func token(bytes: Int = 32) -> String {
        Base64URL.encode(self.bytes(count: bytes))
    }

    /// Returns a token of `bytes` random bytes in lowercase hexadecimal.
    public static func hexToken(bytes: Int = 32) -> String {
        Hex.encode(self.bytes(count: bytes))
    }
}
