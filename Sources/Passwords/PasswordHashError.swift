/// Why a password could not be hashed or a stored hash could not be checked.
///
/// None of the cases carries the password or the stored hash, so the error can be logged.
public enum PasswordHashError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stored string is not a well-formed `$argon2id$v=19$m=…,t=…,p=…$salt$hash` PHC string.
    case malformedHash
    /// The stored string is well formed but names another algorithm or argon2 version.
    case unsupportedAlgorithm(String)
    /// The parameters are outside ``Argon2Parameters/supportedMinimum`` … ``Argon2Parameters/supportedMaximum``.
    case unsupportedParameters(Argon2Parameters)
    /// libargon2 returned an error code.
    case argon2(code: Int32, message: String)

    /// A description fit for logs.
    public var description: String {
        switch self {
        case .malformedHash: "malformed argon2 PHC string"
        case .unsupportedAlgorithm(let name): "unsupported password hash algorithm: \(name)"
        case .unsupportedParameters(let parameters): "unsupported argon2 parameters: \(parameters)"
        case .argon2(let code, let message): "argon2 error \(code): \(message)"
        }
    }
}
