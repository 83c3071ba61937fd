import Hummingbird

/// Counts requests and their latency by method, matched route (not raw path, which would make
/// unbounded labels) and status. Sits outside the error middleware so errors count with their
/// final status. Throws nothing of its own.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let metrics: AppMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        defer {
            metrics.recordRequest(
                method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status,
                duration: ContinuousClock.now - start)
        }
        let response = try await next(request, context)
        status = Int(response.status.code)
        return response
    }
}
