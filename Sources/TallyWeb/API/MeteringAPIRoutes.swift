import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metering
import MeteringStore
import Reporting
import TallyAccess

/// `/api/v1`: the operator backend's API, authenticated by API key (see `APIKeyMiddleware`).
///
/// - `POST /api/v1/events` (scope ingest): 200 `{"accepted", "duplicates"}` after COMMIT;
///   400 malformed JSON, 413 over 1 MiB or 1,000 events, 415 not `application/json`,
///   422 `{"error", "events": [{"index", "id", "field", "message"}]}` with nothing stored.
/// - `GET /api/v1/accounts/{account}/entitlements/{feature}[?credits=N]` (scope ingest or read).
/// - `GET /api/v1/accounts/{account}/usage[.csv]?from=&to=&group_by=` (scope ingest or read):
///   JSON, or CSV for `.csv` or `Accept: text/csv`; 400 bad parameters, 404 unknown account.
/// - `GET /api/v1/openapi.json` (no key): the OpenAPI document, `docs/openapi.json`.
struct MeteringAPIRoutes {
    let services: MeteringServices
    let clock: any WallClock
    /// The OpenAPI document's bytes, read once at start-up; nil when the file was not found.
    var openAPI: Data? = nil

    func register(on router: Router<AppRequestContext>) {
        let document = openAPI
        router.get("api/v1/openapi.json") { _, _ in
            guard let document else {
                throw AppError(.internalServerError, "The OpenAPI document was not found at start-up (TALLY_DOCS_DIR/openapi.json).")
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
        // The entitlement check authenticates its key in the same round trip as its answer, so
        // it sits outside the API key middleware.
        router.group("api/v1").get("accounts/:account/entitlements/:feature") { request, context in
            try await entitlement(request, context)
        }
        let api = router.group("api/v1").add(middleware: APIKeyMiddleware(keys: services.keys))
        api.post("events") { request, context in try await ingest(request, context) }
        api.get("accounts/:account/usage") { request, context in try await usage(request, context, csv: nil) }
        api.get("accounts/:account/usage.csv") { request, context in try await usage(request, context, csv: true) }
    }

    private func ingest(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try APIErrors.require([.ingest], context)
        try JSONMediaType.require(request)
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

    /// A bad key is 401 before anything else; then a bad `credits` is 400, an unknown account 404.
    private func entitlement(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let secret = try APIKeyMiddleware.presentedKey(request)
        let account = try APIPathText.decoded("account", context)
        let feature = try APIPathText.decoded("feature", context)
        let requested = Self.requestedCredits(request)
        let check = try await services.entitlements.check(
            presenting: secret, account: account, feature: feature, requested: requested ?? .zero, now: clock.now())
        let key: APIKeyIdentity
        switch check {
        case .unauthenticated: throw APIErrors.unknownKey()
        case .unknownAccount(let identity), .answered(let identity, _): key = identity
        }
        try APIErrors.require([.ingest, .read], key)
        try APIKeyAccountBinding.check(key, request, context: context)
        guard requested != nil else {
            throw AppError(.badRequest, "credits must be a decimal number of credits from 0 to 1,000,000,000, with at most 3 decimals.")
        }
        guard case .answered(_, let answer) = check else { throw AppError(.notFound, "No account has this external id.") }
        return APIJSON.response(.ok, json: EntitlementJSON.body(answer))
    }

    /// `?credits=N`: zero when absent, nil unless it is a plain decimal from 0 to what one event
    /// may earn (`MeteringBounds.maxEventCredits`), as docs/openapi.json's pattern says.
    private static func requestedCredits(_ request: Request) -> Credits? {
        guard let text = request.uri.queryParameters.get("credits") else { return .zero }
        guard text.first != "-", let credits = try? Credits(parsing: text), credits <= MeteringBounds.maxEventCredits else { return nil }
        return credits
    }
}

extension MeteringAPIRoutes {
    /// The usage report; `csv` true for the `.csv` path, nil to follow the `Accept` header.
    fileprivate func usage(_ request: Request, _ context: AppRequestContext, csv: Bool?) async throws -> Response {
        try APIErrors.require([.ingest, .read], context)
        guard let account = try APIPathText.decoded("account", context) else {
            throw AppError(.notFound, "No account has this external id.")
        }
        let query = request.uri.queryParameters
        let from = try Self.day(query.get("from"), name: "from")
        let to = try Self.day(query.get("to"), name: "to")
        var grouping = UsageGrouping.day
        if let text = query.get("group_by") {
            guard let parsed = UsageGrouping(rawValue: text) else {
                throw AppError(.badRequest, "group_by must be day, feature or model.")
            }
            grouping = parsed
        }
        let report: UsageReport?
        do {
            report = try await services.usage.report(account: account, from: from, to: to, groupBy: grouping, now: clock.now())
        } catch let error as UsageRangeError {
            throw AppError(.badRequest, Self.message(error))
        }
        guard let report else { throw AppError(.notFound, "No account has this external id.") }
        if csv ?? Self.acceptsCSV(request) {
            return Response(
                status: .ok,
                headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: UsageCSV.text(report))))
        }
        return try APIJSON.response(.ok, UsageBody(report))
    }

    /// Why the report's range cannot be answered, for the client.
    private static func message(_ error: UsageRangeError) -> String {
        switch error {
        case .reversed(let from, let to): "from (\(from)) is after to (\(to))."
        case .tooLong(let from, let to, _): "The range \(from)…\(to) is longer than \(UsageRange.maxDays) days."
        case .missingDay(let field): "\(field) is required."
        }
    }

    private static func day(_ text: String?, name: String) throws -> LocalDay? {
        guard let text else { return nil }
        guard let day = LocalDay(requested: text) else {
            throw AppError(.badRequest, "\(name) must be a date as YYYY-MM-DD \(RequestDates.daysText) (got '\(text)').")
        }
        return day
    }

    /// True when the `Accept` header names `text/csv` (and not JSON before it).
    private static func acceptsCSV(_ request: Request) -> Bool {
        let accept = request.headers[values: .accept].joined(separator: ",")
        for item in accept.split(separator: ",") {
            let type = item.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            if type == "text/csv" { return true }
            if type == "application/json" { return false }
        }
        return false
    }
}

/// The OpenAPI document of `/api/v1`.
enum OpenAPIDocument {
    /// Reads `openapi.json` from `directory` once; logs an error and returns nil when it cannot.
    static func load(directory: String, logger: Logger) -> Data? {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("openapi.json").path
        guard let data = FileManager.default.contents(atPath: path) else {
            logger.error("OpenAPI document not found; /api/v1/openapi.json will answer 500", metadata: ["path": .string(path)])
            return nil
        }
        return data
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
