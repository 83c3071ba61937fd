import Foundation
import HTTPTypes
import Hummingbird
import Metering
import MeteringStore
import TallyAccess

/// `/api/v1`: the operator backend's API, authenticated by API key (see `APIKeyMiddleware`).
///
/// - `POST /api/v1/events` (scope ingest): 200 `{"accepted", "duplicates"}` after COMMIT;
///   400 malformed JSON, 413 over 1 MiB or 1,000 events, 415 not `application/json`,
///   422 `{"error", "events": [{"index", "id", "field", "message"}]}` with nothing stored.
/// - `GET /api/v1/accounts/{account}/entitlements/{feature}[?credits=N]` (scope ingest or read).
struct MeteringAPIRoutes {
    let services: MeteringServices
    let clock: any WallClock

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("api/v1").add(middleware: APIKeyMiddleware(keys: services.keys))
        api.post("events") { request, context in try await ingest(request, context) }
        api.get("accounts/:account/entitlements/:feature") { request, context in
            try await entitlement(request, context)
        }
    }

    private func ingest(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try APIErrors.require([.ingest], context)
        let mediaType = request.headers[.contentType].flatMap(MediaType.init(from:))
        guard let mediaType, mediaType.isType(.applicationJson) else {
            throw AppError(.unsupportedMediaType, "Send the batch as Content-Type: application/json.")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: EventValidator.maxBodyBytes)
        } catch {
            throw AppError(.contentTooLarge, "The body is larger than 1 MiB; send smaller batches.")
        }
        do {
            let result = try await services.ingest.ingest(Data(body.readableBytesView), now: clock.now())
            return try APIJSON.response(.ok, result)
        } catch let error as IngestError {
            return try Self.refusal(error, context: context)
        }
    }

    private static func refusal(_ error: IngestError, context: AppRequestContext) throws -> Response {
        switch error {
        case .malformed(let message):
            throw AppError(.badRequest, "Malformed request: \(message).")
        case .tooManyEvents(let count):
            throw AppError(.contentTooLarge, "A batch holds at most \(EventValidator.maxEvents) events (got \(count)).")
        case .invalidEvents(let problems):
            let failing = Set(problems.map(\.index)).count
            let body = InvalidBatchBody(
                error: "\(failing) event\(failing == 1 ? " is" : "s are") invalid; nothing was stored.",
                events: problems, requestID: context.id)
            return try APIJSON.response(.unprocessableContent, body)
        }
    }

    private func entitlement(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try APIErrors.require([.ingest, .read], context)
        let account = try context.parameters.require("account")
        let feature = try context.parameters.require("feature")
        var requested = Credits.zero
        if let text = request.uri.queryParameters.get("credits") {
            guard let credits = try? Credits(parsing: text), credits >= .zero else {
                throw AppError(.badRequest, "credits must be a decimal number of credits, 0 or more, with at most 3 decimals.")
            }
            requested = credits
        }
        guard let answer = try await services.entitlements.check(
            account: account, feature: feature, requested: requested, now: clock.now())
        else {
            throw AppError(.notFound, "No account has this external id.")
        }
        return try APIJSON.response(.ok, EntitlementBody(answer))
    }
}

/// The 422 body.
struct InvalidBatchBody: Encodable {
    let error: String
    let events: [EventProblem]
    let requestID: String

    enum CodingKeys: String, CodingKey {
        case error, events, requestID = "request_id"
    }
}
