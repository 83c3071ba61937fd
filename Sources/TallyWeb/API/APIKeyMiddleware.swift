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
        guard let key = try await keys.authenticate(try Self.presentedKey(request)) else {
            throw APIErrors.unknownKey()
        }
        try APIKeyAccountBinding.check(key, request, context: context)
        var context = context
        context.apiKey = key
        context.logger[metadataKey: "api_key.prefix"] = .string(key.prefix)
        return try await next(request, context)
    }
}

extension APIKeyMiddleware {
    /// The key in `Authorization: Bearer KEY`, not yet checked; 401 when the header is missing
    /// or not a bearer credential. For routes that check the key in their own single round trip
    /// (the entitlement check) and for this middleware.
    /// The scheme is matched without regard to case (RFC 9110, 11.1), so `bearer KEY` works too.
    static func presentedKey(_ request: Request) throws -> String {
        guard let header = request.headers[.authorization], let key = bearerCredential(header) else {
            throw APIErrors.unauthorized("Send your API key as 'Authorization: Bearer tly_…'.")
        }
        return key
    }

    /// The credential after `Bearer` and one or more spaces, spaces and tabs around it removed;
    /// nil for another scheme.
    static func bearerCredential(_ header: String) -> String? {
        let scheme = "bearer ".utf8
        guard header.utf8.count > scheme.count,
              // ASCII letters compare without case by their 0x20 bit; the space is 0x20 itself.
              zip(header.utf8, scheme).allSatisfy({ $0 | 0x20 == $1 })
        else { return nil }
        // Spaces and tabs only: Foundation's trimmingCharacters bridges through NSString.
        let blank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let key = header.utf8.dropFirst(scheme.count).drop(while: blank)
        var end = key.endIndex
        while end > key.startIndex, blank(key[key.index(before: end)]) {
            end = key.index(before: end)
        }
        return String(Substring(key[..<end]))
    }
}

/// The API's standard errors (JSON through the error middleware).
enum APIErrors {
    /// 401 with a challenge.
    static func unauthorized(_ message: String) -> AppError {
        AppError(.unauthorized, message, headers: [.wwwAuthenticate: "Bearer"])
    }

    /// 401 for a key that is unknown, malformed or revoked.
    static func unknownKey() -> AppError {
        unauthorized("The API key is unknown or revoked.")
    }

    /// 403: the key's scope does not allow this route.
    static func scope(_ needed: String) -> AppError {
        AppError(.forbidden, "This API key's scope does not allow this; it needs \(needed).")
    }

    /// Requires one of `scopes` on the request's key.
    static func require(_ scopes: Set<APIKeyScope>, _ context: AppRequestContext) throws {
        guard let key = context.apiKey else { throw unauthorized("Send your API key as 'Authorization: Bearer tly_…'.") }
        try require(scopes, key)
    }

    /// Requires one of `scopes` on `key`.
    static func require(_ scopes: Set<APIKeyScope>, _ key: APIKeyIdentity) throws {
        guard scopes.contains(key.scope) else {
            throw scope("scope " + scopes.map(\.rawValue).sorted().joined(separator: " or "))
        }
    }
}
