import CArgon2

/// The two libargon2 calls Tally makes. Both block for the whole computation: call them on the
/// hashing thread pool only (``HashingLimiter``), never on the async executor.
enum Argon2 {
    /// Hashes `password` with `salt` and returns the PHC string libargon2 encodes.
    static func hashEncoded(
        password: [UInt8], salt: [UInt8], parameters: Argon2Parameters
    ) throws(PasswordHashError) -> String {
        let length = argon2_encodedlen(
            parameters.iterations, parameters.memoryKiB, parameters.parallelism,
            UInt32(salt.count), UInt32(parameters.hashLength), Argon2_id
        )
        var encoded = [CChar](repeating: 0, count: length + 1)
        let status = password.withUnsafeBytes { passwordBytes in
            salt.withUnsafeBytes { saltBytes in
                argon2id_hash_encoded(
                    parameters.iterations, parameters.memoryKiB, parameters.parallelism,
                    passwordBytes.baseAddress, passwordBytes.count,
                    saltBytes.baseAddress, saltBytes.count,
                    parameters.hashLength, &encoded, encoded.count
                )
            }
        }
        try check(status)
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Computes the raw argon2id hash of `password` with the salt and parameters of `phc`.
    static func hashRaw(password: [UInt8], like phc: Argon2PHC) throws(PasswordHashError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: phc.hash.count)
        let parameters = phc.parameters
        let status = password.withUnsafeBytes { passwordBytes in
            phc.salt.withUnsafeBytes { saltBytes in
                output.withUnsafeMutableBytes { outputBytes in
                    argon2id_hash_raw(
                        parameters.iterations, parameters.memoryKiB, parameters.parallelism,
                        passwordBytes.baseAddress, passwordBytes.count,
                        saltBytes.baseAddress, saltBytes.count,
                        outputBytes.baseAddress, outputBytes.count
                    )
                }
            }
        }
        try check(status)
        return output
    }

    private static func check(_ status: Int32) throws(PasswordHashError) {
        guard status != ARGON2_OK.rawValue else { return }
        let message = argon2_error_message(status).map { String(cString: $0) } ?? "unknown"
        throw .argon2(code: status, message: message)
    }
}
