import TallyCrypto

/// A session's secret: 256 random bits, sent to the browser as 43 base64url characters. Only
/// its SHA-256 is stored, so a database leak gives no usable cookie.
public struct SessionToken: Sendable, Equatable {
    /// The cookie value. Never log it.
    public let value: String

    /// A fresh token from the CSPRNG.
    public static func generate() -> SessionToken {
        SessionToken(value: SecureRandom.token(bytes: 32))
    }

    /// Wraps a cookie value; nil unless it has the shape of a token (so junk costs no query).
    public init?(cookieValue: String) {
        guard cookieValue.utf8.count == 43, let bytes = Base64URL.decode(cookieValue), bytes.count == 32 else {
            return nil
        }
        value = cookieValue
    }

    private init(value: String) {
        self.value = value
    }

    /// SHA-256 of the cookie value: the `sessions` primary key.
    var hash: [UInt8] { SHA256.hash(value) }
}
