#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address and the kind of network it belongs to.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    /// Parses dotted IPv4 or colon IPv6 text (`inet_pton`); nil for anything else.
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    /// The address of a `sockaddr_in` or `sockaddr_in6`.
    init?(sockaddr pointer: UnsafeMutablePointer<sockaddr>?) {
        guard let pointer else { return nil }
        switch Int32(pointer.pointee.sa_family) {
        case AF_INET:
            bytes = pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                withUnsafeBytes(of: address.pointee.sin_addr) { Array($0) }
            }
        case AF_INET6:
            bytes = pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                withUnsafeBytes(of: address.pointee.sin6_addr) { Array($0) }
            }
        default:
            return nil
        }
    }

    /// The canonical text (`inet_ntop`): `127.0.0.1`, `::1`.
    public var text: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var copy = bytes
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        guard inet_ntop(family, &copy, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var description: String { text }

    /// The kinds of network an address can belong to, as messages name them.
    public enum Range: String, Sendable {
        case `public` = "public"
        case loopback = "loopback"
        case privateNetwork = "private"
        case linkLocal = "link-local"
        case multicast = "multicast"
        case unspecified = "unspecified"
        case reserved = "reserved"
    }

    /// Where the address points (IANA special-purpose registries); an IPv4-mapped or NAT64
    /// IPv6 address is judged by the IPv4 address inside it.
    public var range: Range {
        if bytes.count == 4 { return Self.range(v4: bytes) }
        let b = bytes
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return Self.range(v4: Array(b[12..<16])) }
        if b[0] == 0x00, b[1] == 0x64, b[2] == 0xFF, b[3] == 0x9B, b[4..<12].allSatisfy({ $0 == 0 }) {
            return Self.range(v4: Array(b[12..<16]))
        }
        if b.allSatisfy({ $0 == 0 }) { return .unspecified }
        if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return .loopback }
        if b[0] == 0xFF { return .multicast }
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return .linkLocal }        // fe80::/10
        if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return .privateNetwork }   // fec0::/10, site-local
        if b[0] & 0xFE == 0xFC { return .privateNetwork }                    // fc00::/7, unique local
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return .reserved }  // 2001:db8::/32
        if b[0..<10].allSatisfy({ $0 == 0 }) { return .reserved }            // ::/80 (IPv4-compatible and the like)
        if b[0] == 0x01 && b[1] == 0x00 && b[2..<8].allSatisfy({ $0 == 0 }) { return .reserved }  // 100::/64, discard
        return .public
    }

    private static func range(v4 b: [UInt8]) -> Range {
        switch (b[0], b[1]) {
        case (0, _): return .unspecified                                     // 0.0.0.0/8, "this network"
        case (10, _): return .privateNetwork
        case (100, 64...127): return .privateNetwork                         // carrier-grade NAT
        case (127, _): return .loopback
        case (169, 254): return .linkLocal                                   // and the cloud metadata services
        case (172, 16...31): return .privateNetwork
        case (192, 168): return .privateNetwork
        case (192, 0) where b[2] == 0 || b[2] == 2: return .reserved         // IETF protocol assignments, TEST-NET-1
        case (198, 18...19): return .reserved                                // benchmarking
        case (198, 51) where b[2] == 100, (203, 0) where b[2] == 113: return .reserved  // TEST-NET-2, -3
        case (224...239, _): return .multicast
        case (240...255, _): return .reserved                                // including 255.255.255.255
        default: return .public
        }
    }
}
