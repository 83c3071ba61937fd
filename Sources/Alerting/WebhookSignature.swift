import Foundation
import TallyCrypto

/// The `Tally-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
///
/// The secret's UTF-8 bytes are the HMAC key; the signed message is the decimal timestamp, a
/// dot, and the exact body bytes. Receivers recompute it, compare in constant time, and refuse a
/// timestamp older than their tolerance (5 minutes is usual) to stop replays.
public enum WebhookSignature {
    /// The header's name.
    public static let headerName = "Tally-Signature"

    /// The header value for `body` sent at `timestamp` (unix seconds).
    public static func header(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(hex(secret: secret, timestamp: timestamp, body: body))"
    }

    /// The hex HMAC of `"<timestamp>.<body>"`.
    public static func hex(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        Hex.encode(HMAC.sha256(key: Array(secret.utf8), message: Array("\(timestamp).".utf8) + body))
    }

    /// Whether `header` signs `body` with `secret` and its timestamp is within `tolerance`
    /// seconds of `now`: what a receiver does.
    public static func verify(header: String, secret: String, body: [UInt8], now: Date, tolerance: TimeInterval = 300) -> Bool {
        var timestamp: Int64?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) } else if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return false }
        let expected = hex(secret: secret, timestamp: timestamp, body: body)
        return signatures.contains { ConstantTime.equals($0, expected) }
    }

    /// A new random secret: `whsec_` and 48 hex digits (192 bits).
    public static func newSecret() -> String {
        "whsec_" + SecureRandom.hexToken(bytes: 24)
    }
}
