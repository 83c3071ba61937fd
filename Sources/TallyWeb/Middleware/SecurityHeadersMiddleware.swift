import HTTPTypes
import Hummingbird

/// Adds the security headers to every response, errors and static files included: a strict CSP
/// (no inline script or style), no framing, no MIME sniffing, a conservative referrer policy,
/// and `charset=utf-8` on text responses that lack a charset (static CSS, for one). Throws
/// nothing of its own.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        + "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "strict-origin-when-cross-origin"
        response.headers[.crossOriginOpenerPolicy] = "same-origin"
        response.headers[.xFrameOptions] = "DENY"
        if let type = response.headers[.contentType], type.lowercased().hasPrefix("text/"),
            !type.lowercased().contains("charset=")
        {
            response.headers[.contentType] = type + "; charset=utf-8"
        }
        return response
    }
}

extension HTTPField.Name {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let crossOriginOpenerPolicy = HTTPField.Name("Cross-Origin-Opener-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
}
