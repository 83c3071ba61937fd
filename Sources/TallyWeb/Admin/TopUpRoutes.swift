import Foundation
import Hummingbird
import Metering
import MeteringStore
import TallyAccess
import TallyDatabase

/// `GET /admin/top-ups` (admin and sales: sales read, no forms): the customers' waiting requests
/// for credits and the latest answers; `POST /admin/top-ups/{id}/approve` (a price and an
/// optional expiry → a sold `top_up` grant) and `POST /admin/top-ups/{id}/decline` (a reason),
/// admins only (sales 403). Both answers show on the customer's billing page.
struct TopUpRoutes {
    let services: PortalAccountServices
    static let perPage = 50

    private struct ApproveForm: Decodable { let price: String?; let expires: String? }
    private struct DeclineForm: Decodable { let reason: String? }

    func register(on router: Router<AppRequestContext>) {
        router.group("/admin/top-ups", context: StaffRequestContext.self).get { request, context in
            try await page(context.session, page: request.pageNumber, banner: Self.banner(request))
        }
        let admin = router.group("/admin/top-ups", context: AdminRequestContext.self)
        admin.post(":id/approve") { request, context in try await approve(request, context) }
        admin.post(":id/decline") { request, context in try await decline(request, context) }
    }

    private static func banner(_ request: Request) -> PageBanner? {
        switch request.uri.queryParameters.get("done") {
        case "approved": PageBanner(level: .info, message: "Approved: the credits were granted and the customer sees the answer.")
        case "declined": PageBanner(level: .info, message: "Declined: the customer sees your reason.")
        default: nil
        }
    }

    private func page(
        _ session: AuthenticatedSession, page: Int, status: HTTPResponse.Status = .ok, banner: PageBanner? = nil,
        form: TopUpFormState? = nil
    ) async throws -> Response {
        let (pending, total) = try await services.topUps.pending(limit: Self.perPage, offset: (page - 1) * Self.perPage)
        let decided = try await services.topUps.recentlyDecided(limit: 20)
        var frame = PageFrame.staff(session, current: .topUps)
        if let banner { frame.banners.append(banner) }
        let view = TopUpsPageView(
            pending: pending, total: total, decided: decided, page: page, perPage: Self.perPage,
            isAdmin: session.role == .admin, form: form)
        return try services.pages.page("admin/top-ups", frame: frame, view, status: status)
    }

    private func approve(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let id = try Self.requestID(context)
        let now = services.now
        return try await FormSubmission.handle(request, context: context, parse: { try Self.answer($0, now: now) }) { answer in
            _ = try await services.topUps.approve(id: id, price: answer.price, expiresAt: answer.expires, by: context.auditActor, now: now)
            return redirect(to: "/admin/top-ups?done=approved")
        } refused: { form in
            try await page(context.session, page: 1, form: TopUpFormState(requestID: id, form: form))
        }
    }

    private func decline(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let id = try Self.requestID(context)
        return try await FormSubmission.handle(request, context: context, parse: { $0.values["reason"] ?? "" }) { reason in
            try await services.topUps.decline(id: id, reason: reason, by: context.auditActor, now: services.now)
            return redirect(to: "/admin/top-ups?done=declined")
        } refused: { form in
            try await page(context.session, page: 1, form: TopUpFormState(requestID: id, form: form))
        }
    }

    /// The request's id in the path; any other text is the 404 of a missing request.
    private static func requestID(_ context: some RequestContext) throws -> Int64 {
        guard let id = Int64(context.parameters.get("id") ?? "") else { throw AppError.notFound }
        return id
    }

    /// The approval form: a price and an optional expiry (the price's message first).
    private static func answer(_ form: FormState, now: Date) throws(FieldErrors) -> (price: Money, expires: Date?) {
        (try price(form.values["price"] ?? ""), try expiry(form.values["expires"] ?? "", now: now))
    }

    private static func price(_ text: String) throws(FieldErrors) -> Money {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw FieldErrors("price", "Enter the price in USD, like 25 or 19.99 (0 for free).") }
        guard let price = try? Money(parsing: text) else {
            throw FieldErrors("price", "Enter the price in USD as a plain number, like 25 or 19.99.")
        }
        return price
    }

    /// The first instant of the given UTC day; nil for an empty field (never expires).
    private static func expiry(_ text: String, now: Date) throws(FieldErrors) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        guard let day = LocalDay(requested: text) else {
            throw FieldErrors("expires", "Enter the expiry as a date (YYYY-MM-DD), or leave it empty.")
        }
        let instant = day.start(in: AccountPageFormat.utc)
        guard instant > now else { throw FieldErrors("expires", "The expiry must be a day after today.") }
        return instant
    }
}
