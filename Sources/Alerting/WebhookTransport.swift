import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends one webhook request and answers the response's status code; throws when there is no
/// HTTP answer (refused, timed out, TLS failure).
public protocol WebhookTransport: Sendable {
    /// POSTs `body` with `headers` to `url`, connecting to `target.address` (checked by
    /// `WebhookDestinations`) whatever the URL's host resolves to by then.
    func post(url: String, target: WebhookDestinations.Target, headers: [(String, String)], body: [UInt8]) async throws -> Int
}

/// The real transport: AsyncHTTPClient (HTTPS with the system's trust roots), no redirects
/// followed (a 3xx is a failed attempt, so a redirect cannot lead inside the network), 5 s to
/// connect, 10 s for the whole request, and the response body ignored beyond the first 64 KiB.
///
/// Each request gets a client whose DNS override maps the URL's host to the checked address
/// (TLS still verifies the certificate for the host name): webhooks are a few requests a
/// minute at most, so a connection per request costs nothing that matters.
public final class HTTPWebhookTransport: WebhookTransport {
    private let connectTimeout: TimeAmount
    private let timeout: TimeAmount

    /// A transport; ``shutdown()`` is kept for callers that end it.
    public init(connectTimeout: TimeAmount = .seconds(5), requestTimeout: TimeAmount = .seconds(10)) {
        self.connectTimeout = connectTimeout
        timeout = requestTimeout
    }

    public func post(
        url: String, target: WebhookDestinations.Target, headers: [(String, String)], body: [UInt8]
    ) async throws -> Int {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: connectTimeout, read: timeout))
        configuration.httpVersion = .automatic
        if target.host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) != target.address {
            configuration.dnsOverride = [target.host: target.address]
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await client.execute(request, timeout: timeout)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            try await client.shutdown()
            return Int(response.status.code)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Nothing to close: each request closes its own client.
    public func shutdown() async throws {}
}
