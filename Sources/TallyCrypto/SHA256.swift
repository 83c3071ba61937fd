import COpenSSL

/// SHA-256 from OpenSSL's libcrypto.
public enum SHA256 {
    /// The length of a digest in bytes.
    public static let digestLength = 32

    /// Returns the SHA-256 digest of `bytes`.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        if let digest = bytes.withContiguousStorageIfAvailable({ digestOf($0) }) {
            return digest
        }
        return Array(bytes).withUnsafeBufferPointer { digestOf($0) }
    }

    /// Returns the SHA-256 digest of the UTF-8 bytes of `string`.
    public static func hash(_ string: String) -> [UInt8] {
        hash(string.utf8)
    }

    /// Returns the SHA-256 digest of `bytes` in lowercase hexadecimal.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        Hex.encode(hash(bytes))
    }

    /// Returns the SHA-256 digest of the UTF-8 bytes of `string` in lowercase hexadecimal.
    public static func hex(_ string: String) -> String {
        Hex.encode(hash(string))
    }

    private static func digestOf(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: digestLength)
        var length: UInt32 = 0
        let status = digest.withUnsafeMutableBufferPointer { output in
            EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, EVP_sha256(), nil)
        }
        precondition(status == 1 && length == UInt32(digestLength), "EVP_Digest(SHA-256) failed")
        return digest
    }
}
