import Foundation

/// A parsed argon2id PHC string: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`, where salt and
/// hash are standard base64 without padding.
///
/// Parsing is strict: only what libargon2 itself writes is accepted (argon2id, version 19, the
/// three parameters in that order, no key id or associated data).
struct Argon2PHC: Sendable, Equatable {
    var parameters: Argon2Parameters
    var salt: [UInt8]
    var hash: [UInt8]

    static let algorithm = "argon2id"
    static let version = 19

    /// Parses `string`, throwing ``PasswordHashError`` for anything else.
    init(parsing string: String) throws(PasswordHashError) {
        // A real PHC string is ~100 bytes; refuse to split megabytes of junk.
        guard string.utf8.count <= 512 else { throw .malformedHash }
        let fields = string.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count >= 3, fields[0].isEmpty, !fields[1].isEmpty else { throw .malformedHash }
        guard fields[1] == Self.algorithm else { throw .unsupportedAlgorithm(String(fields[1].prefix(32))) }
        guard fields[2].hasPrefix("v=") else { throw .unsupportedAlgorithm("argon2id without a version") }
        guard fields[2] == "v=\(Self.version)" else { throw .unsupportedAlgorithm("argon2id \(fields[2].prefix(16))") }
        guard fields.count == 6 else { throw .malformedHash }

        let costs = fields[3].split(separator: ",", omittingEmptySubsequences: false)
        guard costs.count == 3,
            let memory = Self.number(costs[0], key: "m"),
            let iterations = Self.number(costs[1], key: "t"),
            let parallelism = Self.number(costs[2], key: "p"),
            let salt = Self.base64(fields[4]),
            let hash = Self.base64(fields[5])
        else { throw .malformedHash }

        let parameters = Argon2Parameters(
            memoryKiB: memory, iterations: iterations, parallelism: parallelism,
            saltLength: salt.count, hashLength: hash.count
        )
        guard parameters.isSupported else { throw .unsupportedParameters(parameters) }
        self.parameters = parameters
        self.salt = salt
        self.hash = hash
    }

    /// Reads `key=digits` as a UInt32; no sign, no leading zeros, no overflow.
    private static func number(_ field: Substring, key: String) -> UInt32? {
        guard field.hasPrefix(key + "=") else { return nil }
        let digits = field.dropFirst(key.count + 1)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            digits == "0" || !digits.hasPrefix("0")
        else { return nil }
        return UInt32(digits)
    }

    /// Decodes standard base64 without padding (the PHC encoding).
    private static func base64(_ field: Substring) -> [UInt8]? {
        let isAlphabet: (UInt8) -> Bool = { character in
            switch character {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, UInt8(ascii: "+"), UInt8(ascii: "/"): true
            default: false
            }
        }
        guard !field.isEmpty, field.utf8.allSatisfy(isAlphabet), field.utf8.count % 4 != 1 else { return nil }
        let padded = String(field) + String(repeating: "=", count: (4 - field.utf8.count % 4) % 4)
        return Data(base64Encoded: padded).map(Array.init)
    }
}
