import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends one webhook request and answers the response's status code; throws when there is no
/// HTTP answer (refused, timed out, TLS failure).
public protocol WebhookTransport: Sendable {
    /// POSTs `body` with `headers` to `url`.
    func post(url: String, headers: [(String, String)], body: [UInt8]) async throws -> Int
}

/// The real transport: AsyncHTTPClient (HTTPS with the system's trust roots), no redirects
/// followed (a 3xx is a failed attempt), 5 s to connect, 10 s for the whole request, and the
/// response body ignored beyond the first 64 KiB.
public final class HTTPWebhookTransport: WebhookTransport {
    private let client: HTTPClient
    private let timeout: TimeAmount

    /// A transport with its own HTTP client; call ``shutdown()`` when done.
    public init(connectTimeout: TimeAmount = .seconds(5), requestTimeout: TimeAmount = .seconds(10)) {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: connectTimeout, read: requestTimeout))
        configuration.httpVersion = .automatic
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        timeout = requestTimeout
    }

    public func post(url: String, headers: [(String, String)], body: [UInt8]) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: timeout)
        _ = try? await response.body.collect(upTo: 64 * 1024)
        return Int(response.status.code)
    }

    /// Closes the client's connections.
    public func shutdown() async throws {
        try await client.shutdown()
    }
}
