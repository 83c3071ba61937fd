import Foundation
import Hummingbird
import Logging
import MeteringStore

/// Authenticates every `/api/v1` request by `Authorization: Bearer KEY` and records the key on
/// the context. Cookies play no part: a signed-in browser without a key gets 401.
///
/// Sits on the `/api/v1` route group, inside the global middleware (log, metrics, headers,
/// errors, session, CSRF — which skips `/api/`). Throws 401 (JSON, `WWW-Authenticate: Bearer`)
/// for a missing, malformed, unknown or revoked key. Routes check the scope themselves.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let keys: APIKeyStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIErrors.unauthorized("Send your API key as 'Authorization: Bearer tly_…'.")
        }
        let secret = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard let key = try await keys.authenticate(secret) else {
            throw APIErrors.unauthorized("The API key is unknown or revoked.")
        }
        try APIKeyAccountBinding.check(key, request, context: context)
        var context = context
        context.apiKey = key
        context.logger[metadataKey: "api_key.prefix"] = .string(key.prefix)
        return try await next(request, context)
    }
}

/// The API's standard errors (JSON through the error middleware).
enum APIErrors {
    /// 401 with a challenge.
    static func unauthorized(_ message: String) -> AppError {
        AppError(.unauthorized, message, headers: [.wwwAuthenticate: "Bearer"])
    }

    /// 403: the key's scope does not allow this route.
    static func scope(_ needed: String) -> AppError {
        AppError(.forbidden, "This API key's scope does not allow this; it needs \(needed).")
    }

    /// Requires one of `scopes` on the request's key.
    static func require(_ scopes: Set<APIKeyScope>, _ context: AppRequestContext) throws {
        guard let key = context.apiKey else { throw unauthorized("Send your API key as 'Authorization: Bearer tly_…'.") }
        guard scopes.contains(key.scope) else {
            throw scope("scope " + scopes.map(\.rawValue).sorted().joined(separator: " or "))
        }
    }
}
