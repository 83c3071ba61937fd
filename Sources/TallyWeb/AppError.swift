import HTTPTypes
import Hummingbird

/// An error a handler throws to answer with a given status and a message safe to show.
public struct AppError: Error, Sendable, HTTPResponseError {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// A message for the person or program that made the request. Never internals.
    public let message: String
    /// Extra headers, e.g. Retry-After.
    public let headers: HTTPFields

    /// Creates an error with a status and a message.
    public init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    /// 404, the same for a missing object and another account's object.
    public static let notFound = AppError(.notFound, "This page does not exist.")

    /// 503 with Retry-After.
    public static func unavailable(retryAfter seconds: Int) -> AppError {
        AppError(
            .serviceUnavailable, "Tally cannot reach its database right now. Please try again shortly.",
            headers: [.retryAfter: String(seconds)])
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        // The error middleware renders the body; this is only reached if it is bypassed.
        var response = Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message)))
        response.headers[.contentType] = "text/plain; charset=utf-8"
        return response
    }
}
