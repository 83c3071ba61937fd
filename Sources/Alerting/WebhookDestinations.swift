import Foundation
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Where webhooks may go: https URLs whose host resolves to public addresses only.
///
/// A webhook is a request Tally makes on an admin's say-so, so without this rule an admin form
/// (or a stolen admin session) could aim Tally at the cloud metadata service
/// (`http://169.254.169.254/…`), at the database's host, or at anything else inside the network.
/// The rule is checked when an endpoint is saved and again before every delivery (DNS can change
/// between the two), and the delivery connects to the address that was checked, never to a
/// second lookup. Redirects are never followed (`HTTPWebhookTransport`).
///
/// Refused: loopback, private (RFC 1918, carrier-grade NAT, IPv6 unique local), link-local
/// (169.254/16 holds the metadata services; fe80::/10), multicast, unspecified, broadcast and the
/// reserved ranges. `allowPrivateNetworks` (`TALLY_WEBHOOK_ALLOW_PRIVATE=1`) lets loopback and the
/// private ranges through, for a receiver inside the operator's own network; link-local,
/// multicast and unspecified stay refused. `allowPlainHTTP` (`TALLY_WEBHOOK_ALLOW_HTTP=1`) is for
/// development only.
public struct WebhookDestinations: Sendable {
    /// Whether `http://` URLs may be saved and delivered to.
    public var allowPlainHTTP: Bool
    /// Whether loopback and private addresses may be delivered to.
    public var allowPrivateNetworks: Bool
    /// How host names become addresses.
    public var resolver: any HostResolver

    /// A rule; by default https to public addresses only, resolved by the system.
    public init(allowPlainHTTP: Bool = false, allowPrivateNetworks: Bool = false, resolver: any HostResolver = SystemHostResolver()) {
        self.allowPlainHTTP = allowPlainHTTP
        self.allowPrivateNetworks = allowPrivateNetworks
        self.resolver = resolver
    }

    /// A checked destination: the URL's host and the address to connect to.
    public struct Target: Sendable, Equatable {
        /// The URL's host, for the Host header and TLS.
        public let host: String
        /// The address the request goes to.
        public let address: String
    }

    /// Why a URL may not receive webhooks. Its description is the one sentence for it, in the
    /// admin form and in the delivery log alike.
    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        /// Not an absolute http(s) URL with a host, or too long, or holding spaces.
        case notAnAddress
        /// `http://` while plain HTTP is not allowed.
        case plainHTTP
        /// A user name or password in the URL.
        case credentials
        /// `host` (at `address`) is in a refused range (`range`: loopback, private, …).
        case notPublic(host: String, address: String, range: String)
        /// The host name does not resolve.
        case unresolved(host: String)

        public var description: String {
            switch self {
            case .notAnAddress: "Give a full https:// address, e.g. https://hooks.example.com/tally."
            case .plainHTTP: "Use https://: webhooks carry account data and are signed, so they never travel in clear."
            case .credentials: "Leave credentials out of the address; the signing secret authenticates Tally."
            case .notPublic(let host, let address, let range):
                "\(host == address ? host : "\(host) (\(address))") is a \(range) address; webhooks go only to public addresses."
            case .unresolved(let host): "\(host) does not resolve"
            }
        }
    }

    /// The URL's scheme and host, before any lookup: the form's first check.
    public func checkShape(of url: String) -> Refusal? {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(),
              let host = parts.host, !host.isEmpty, url.count <= 2000, !url.contains(where: \.isWhitespace)
        else { return .notAnAddress }
        if scheme == "http", !allowPlainHTTP { return .plainHTTP }
        guard scheme == "https" || scheme == "http" else { return .notAnAddress }
        if parts.user != nil || parts.password != nil { return .credentials }
        if let address = IPAddress(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))), let refusal = refusal(for: address, host: host) {
            return refusal
        }
        return nil
    }

    /// When an endpoint is saved: the shape, and every address the name resolves to now. A name
    /// that does not resolve yet may be saved (deliveries check it again and fail until it does).
    public func checkForSaving(_ url: String) async -> Refusal? {
        if let refusal = checkShape(of: url) { return refusal }
        guard let host = URLComponents(string: url)?.host, IPAddress(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) == nil,
              let addresses = try? await resolver.addresses(of: host), !addresses.isEmpty
        else { return nil }
        for address in addresses {
            if let refusal = refusal(for: address, host: host) { return refusal }
        }
        return nil
    }

    /// Before a delivery: the address to connect to. Throws a `Refusal` when the URL is not
    /// allowed, its name does not resolve, or any address it resolves to is refused (a name that
    /// answers one public and one private address could be steered to the private one).
    public func target(for url: String) async throws -> Target {
        if let refusal = checkShape(of: url) { throw refusal }
        guard let raw = URLComponents(string: url)?.host else { throw Refusal.notAnAddress }
        let host = raw.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if let literal = IPAddress(host) { return Target(host: raw, address: literal.text) }
        let addresses: [IPAddress]
        do {
            addresses = try await resolver.addresses(of: host)
        } catch {
            throw Refusal.unresolved(host: host)
        }
        guard let first = addresses.first else { throw Refusal.unresolved(host: host) }
        for address in addresses {
            if let refusal = refusal(for: address, host: host) { throw refusal }
        }
        return Target(host: raw, address: first.text)
    }

    private func refusal(for address: IPAddress, host: String) -> Refusal? {
        let range = address.range
        switch range {
        case .public: return nil
        case .loopback where allowPrivateNetworks, .privateNetwork where allowPrivateNetworks: return nil
        default: return .notPublic(host: host, address: address.text, range: range.rawValue)
        }
    }
}

/// Turns a host name into addresses.
public protocol HostResolver: Sendable {
    /// Every address `host` resolves to; throws when it does not resolve.
    func addresses(of host: String) async throws -> [IPAddress]
}

/// The system's resolver (`getaddrinfo`, run on NIO's thread pool: it blocks).
public struct SystemHostResolver: HostResolver {
    /// The system resolver.
    public init() {}

    struct Unresolved: Error {}

    public func addresses(of host: String) async throws -> [IPAddress] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { throw Unresolved() }
            defer { freeaddrinfo(first) }
            var addresses: [IPAddress] = []
            var next: UnsafeMutablePointer<addrinfo>? = first
            while let entry = next {
                if let address = IPAddress(sockaddr: entry.pointee.ai_addr), !addresses.contains(address) { addresses.append(address) }
                next = entry.pointee.ai_next
            }
            return addresses
        }
    }
}
