import COpenSSL

/// HMAC from OpenSSL's libcrypto.
public enum HMAC {
    /// Returns HMAC-SHA256 of `message` under `key` (32 bytes).
    public static func sha256(key: some Sequence<UInt8>, message: some Sequence<UInt8>) -> [UInt8] {
        let key = Array(key)
        let message = Array(message)
        var mac = [UInt8](repeating: 0, count: SHA256.digestLength)
        var length: UInt32 = 0
        // An empty array may have no base address; OpenSSL wants a pointer even for zero bytes.
        var empty: UInt8 = 0
        let result = key.withUnsafeBufferPointer { keyBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                mac.withUnsafeMutableBufferPointer { output in
                    withUnsafeMutablePointer(to: &empty) { emptyPointer in
                        COpenSSL.HMAC(
                            EVP_sha256(),
                            keyBuffer.baseAddress ?? UnsafePointer(emptyPointer), Int32(keyBuffer.count),
                            messageBuffer.baseAddress ?? UnsafePointer(emptyPointer), messageBuffer.count,
                            output.baseAddress, &length
                        )
                    }
                }
            }
        }
        precondition(result != nil && length == UInt32(SHA256.digestLength), "HMAC-SHA256 failed")
        return mac
    }

    /// Returns HMAC-SHA256 of the UTF-8 bytes of `message` under `key`.
    public static func sha256(key: some Sequence<UInt8>, message: String) -> [UInt8] {
        sha256(key: key, message: Array(message.utf8))
    }
}
