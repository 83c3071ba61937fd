import Foundation
/// Works out the client's address for login throttling.
///
/// `X-Forwarded-For` is honoured only when the connection comes from a configured trusted proxy
/// (`TALLY_TRUSTED_PROXIES`): then the right-most hop that is not itself a trusted proxy is the
/// client. A peer with no IP address (a Unix socket, the in-process test transport) is `unknown`,
/// which may be listed as trusted.
struct ClientAddressResolver: Sendable {
    let trustedProxies: Set<String>

    /// The client address for a connection from `peer` with these `X-Forwarded-For` values.
    func resolve(peer: String?, forwardedFor: [String]) -> String {
        var address = peer ?? "unknown"
        guard trustedProxies.contains(address) else { return address }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard Self.looksLikeAddress(hop) else { return address }
            address = hop
            if !trustedProxies.contains(hop) { return hop }
        }
        return address
    }

    /// IPv4 or IPv6 characters only, so a forged header cannot inject text into keys or logs.
    static func looksLikeAddress(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 45
            && text.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || $0 == "." || $0 == ":" }
    }
}
