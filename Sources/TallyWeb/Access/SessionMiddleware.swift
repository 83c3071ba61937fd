import Hummingbird
import Metering
import TallyAccess

/// Resolves the session cookie into `context.session`.
///
/// Order: after the error and static-file middleware, before CSRF and the routes. A live session
/// is touched (idle timeout restarts); an expired one is deleted and logged; an unknown or
/// malformed cookie is ignored and cleared. Responses to signed-in requests get
/// `Cache-Control: no-store`. Throws only database errors (→ 503 via the error middleware).
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let sessions: SessionStore
    let clock: any WallClock
    let cookies: AccessCookies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let value = request.cookies[cookies.sessionName]?.value, !value.isEmpty else {
            return try await next(request, context)
        }
        var context = context
        var stale = true
        if let token = SessionToken(cookieValue: value) {
            switch try await sessions.validate(token, now: clock.now()) {
            case .valid(let session):
                context.session = session
                stale = false
            case .expired(let userID, let accountID):
                SecurityLog(logger: context.logger).record(
                    .sessionExpired, outcome: .success, userID: userID, accountID: accountID, requestID: context.id,
                    at: clock.now())
            case .notFound:
                break
            }
        }
        var response = try await next(request, context)
        if context.session != nil { response.headers[.cacheControl] = "no-store" }
        if stale, !response.headers[values: .setCookie].contains(where: { $0.hasPrefix(cookies.sessionName + "=") }) {
            response.setCookie(cookies.expiredSession())
        }
        return response
    }
}
