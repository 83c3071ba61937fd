import HTTPTypes
import Hummingbird
import Logging

/// Outermost middleware: stamps every response with `X-Request-Id` and writes one structured log
/// line per request (method, route, status, duration, request id). It logs the path only: query
/// strings can carry tokens. Throws nothing of its own.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = context.id
            log(request, context: context, status: response.status, since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            log(request, context: context, status: status, since: start)
            throw error
        }
    }

    private func log(_ request: Request, context: Context, status: HTTPResponse.Status, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let level: Logger.Level = status.code >= 500 ? .error : .info
        context.logger.log(
            level: level, "request",
            metadata: [
                "http.method": "\(request.method)",
                "http.path": "\(request.uri.path)",
                "http.route": "\(context.endpointPath ?? "-")",
                "http.status": "\(status.code)",
                "http.duration_ms": "\((milliseconds * 100).rounded() / 100)",
            ])
    }
}

extension HTTPField.Name {
    /// `X-Request-Id`: the id shown on error pages and written in every log line of the request.
    static let requestID = HTTPField.Name("X-Request-Id")!
}
