import HTTPTypes
import Hummingbird
import Logging
import Postgres

/// Turns every error into a response that shows a request id and never internals.
///
/// - An `HTTPResponseError` (including `AppError` and Hummingbird's 404) keeps its status.
/// - A database that is unavailable (down, restarting, pool exhausted, a statement past its
///   `statement_timeout`) → 503 with Retry-After.
/// - A request cancelled because its client went away (`CancelOnDisconnectChannel`) → 499,
///   nginx's "client closed request": nobody reads it, but the log and the metrics show it.
/// - Anything else → 500; the details go to the log under the request id.
/// Pages get an HTML page; `/api/` and non-HTML clients get JSON `{"error", "request_id"}`.
/// Sits inside the log, metrics and security-header middleware so they see the final status.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let pages: Pages
    let retryAfterSeconds: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let failure = classify(error, context: context)
            return render(failure, request: request, context: context)
        }
    }

    private struct Failure {
        var status: HTTPResponse.Status
        var message: String
        var headers: HTTPFields = [:]
    }

    private func classify(_ error: any Error, context: Context) -> Failure {
        if let error = error as? AppError {
            return Failure(status: error.status, message: error.message, headers: error.headers)
        }
        // A NUL can only reach a bind from a request's own text (PostgreSQL text cannot hold it):
        // the request's mistake, refused as such wherever a handler let it through.
        if let error = error as? PostgresError, error.kind == .nulInString {
            return Failure(status: .badRequest, message: "Text may not contain NUL characters (\\0).")
        }
        if error is CancellationError {
            context.logger.info("request cancelled: the client went away")
            return Failure(status: .clientClosedRequest, message: "The client closed the request.")
        }
        if let error = error as? PostgresError, error.isUnavailable {
            let message: Logger.Message = error.isStatementTimeout ? "database statement timed out" : "database unavailable"
            context.logger.warning(message, metadata: error.logMetadata.mapValues { .string($0) })
            let unavailable = AppError.unavailable(retryAfter: retryAfterSeconds)
            return Failure(status: unavailable.status, message: unavailable.message, headers: unavailable.headers)
        }
        if let error = error as? any HTTPResponseError {
            return Failure(status: error.status, message: Self.message(for: error.status))
        }
        var metadata: Logger.Metadata = ["error": "\(String(reflecting: error))"]
        if let error = error as? PostgresError { metadata.merge(error.logMetadata.mapValues { .string($0) }) { $1 } }
        context.logger.error("request failed", metadata: metadata)
        return Failure(status: .internalServerError, message: Self.message(for: .internalServerError))
    }

    private static func message(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: return AppError.notFound.message
        case .methodNotAllowed: return "This address does not accept that method."
        case .internalServerError: return "Something went wrong on our side. It has been logged."
        default: return status.reasonPhrase
        }
    }

    private func render(_ failure: Failure, request: Request, context: Context) -> Response {
        var headers = failure.headers
        headers[.cacheControl] = "no-store"
        let wantsJSON = request.uri.path.hasPrefix("/api/") || !(request.headers[.accept] ?? "text/html").contains("html")
        if wantsJSON {
            headers[.contentType] = "application/json; charset=utf-8"
            let body = JSONText.object([("error", failure.message), ("request_id", context.id)])
            return Response(status: failure.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        headers[.contentType] = "text/html; charset=utf-8"
        let view = ErrorPageView(
            status: Int(failure.status.code), title: failure.status.reasonPhrase, message: failure.message,
            requestID: context.id)
        let html = pages.renderErrorPage(view)
        return Response(status: failure.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

extension HTTPResponse.Status {
    /// 499, nginx's status for a request whose client closed the connection first.
    static let clientClosedRequest = HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request")
}
