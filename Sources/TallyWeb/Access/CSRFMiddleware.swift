import HTTPTypes
import Hummingbird
import TallyAccess
import TallyCrypto

/// Checks every state-changing request (anything but GET, HEAD, OPTIONS) outside `/api/`
/// (which authenticates with API keys, not cookies).
///
/// - `Sec-Fetch-Site: cross-site` → 403.
/// - The token comes from the form field `_csrf` or the `X-CSRF-Token` header. It must equal the
///   session's CSRF token; without a session (the login form) it must equal the pre-session
///   CSRF cookie (double submit). Missing or different → 403.
/// Order: after the session middleware, before the routes. Every refusal is logged.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let cookies: AccessCookies

    static let safeMethods: Set<HTTPRequest.Method> = [.get, .head, .options]

    private struct TokenField: Decodable {
        let token: String?
        enum CodingKeys: String, CodingKey { case token = "_csrf" }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !Self.safeMethods.contains(request.method), !request.uri.path.hasPrefix("/api/") else {
            return try await next(request, context)
        }
        if request.headers[.secFetchSite]?.lowercased() == "cross-site" {
            throw reject(context, reason: "cross_site")
        }
        var request = request
        var submitted = request.headers[.csrfToken]
        if submitted == nil {
            submitted = try await FormBody.decode(TokenField.self, from: &request, context: context)?.token
        }
        let expected = context.session?.csrfToken ?? request.cookies[cookies.csrfName]?.value
        guard let submitted, let expected, !expected.isEmpty, ConstantTime.equals(submitted, expected) else {
            throw reject(context, reason: submitted == nil ? "missing_token" : "wrong_token")
        }
        return try await next(request, context)
    }

    private func reject(_ context: Context, reason: String) -> AppError {
        SecurityLog(logger: context.logger).record(
            .csrfFailed, outcome: .denied, userID: context.session?.userID, accountID: context.session?.accountID,
            requestID: context.id, details: ["reason": reason])
        return .csrfRejected
    }
}

extension HTTPField.Name {
    /// `Sec-Fetch-Site`, sent by browsers: `cross-site` marks a request another site started.
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    /// `X-CSRF-Token`: the CSRF token for requests that are not forms.
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    /// `X-Forwarded-For`: honoured only from trusted proxies.
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
