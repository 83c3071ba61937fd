import HTTPTypes
import Hummingbird

/// Turns the router's 404 for a known path asked with another method into 405 with `Allow`
/// (RFC 9110, 15.5.6), for pages and the API alike.
///
/// Sits just inside the error middleware, which renders the 405 (HTML or JSON); only the
/// router's own not-found (Hummingbird's `HTTPError`) is looked at, never a handler's 404
/// (`AppError`) for an object that does not exist.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(at: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw error }
            let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            throw AppError(.methodNotAllowed, "This address does not accept \(request.method.rawValue); it accepts \(allow).", headers: [.allow: allow])
        }
    }
}
