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
        var request = request
        let form = try await FormBody.decode(ApproveForm.self, from: &request, context: context)
        let raw = context.parameters.get("id") ?? ""
        guard let id = Int64(raw) else { throw AppError.notFound }
        var state = TopUpFormState(requestID: id, price: form?.price ?? "", expires: form?.expires ?? "")
        let now = services.now
        do {
            let price = try Self.price(state.price)
            let expires = try Self.expiry(state.expires, now: now)
            let actor = context.auditActor
            _ = try await services.topUps.approve(id: id, price: price, expiresAt: expires, by: context.session.userID, now: now) {
                request, grantID, connection in
                try await AuditTrail.record(
                    AuditChange(
                        action: "top_up.approve", objectKind: "top_up_request", objectID: String(request.id),
                        accountID: request.accountID, before: ["state": "pending", "credits": request.credits.formatted],
                        after: [
                            "state": "approved", "credits": request.credits.formatted, "price": price.formatted(),
                            "expires": expires.map { AccountPageFormat.day($0, in: AccountPageFormat.utc) } ?? "never",
                            "grant": String(grantID),
                        ]),
                    by: actor, at: now, on: connection)
            }
            return redirect(to: "/admin/top-ups?done=approved")
        } catch let error as TopUpError {
            return try await refusal(error, state: &state, context.session)
        }
    }

    private func decline(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        var request = request
        let form = try await FormBody.decode(DeclineForm.self, from: &request, context: context)
        let raw = context.parameters.get("id") ?? ""
        guard let id = Int64(raw) else { throw AppError.notFound }
        var state = TopUpFormState(requestID: id, reason: form?.reason ?? "")
        let now = services.now
        let actor = context.auditActor
        do {
            try await services.topUps.decline(id: id, reason: state.reason, by: context.session.userID, now: now) { request, connection in
                try await AuditTrail.record(
                    AuditChange(
                        action: "top_up.decline", objectKind: "top_up_request", objectID: String(request.id),
                        accountID: request.accountID, before: ["state": "pending"],
                        after: ["state": "declined", "reason": request.declineReason ?? ""]),
                    by: actor, at: now, on: connection)
            }
            return redirect(to: "/admin/top-ups?done=declined")
        } catch let error as TopUpError {
            return try await refusal(error, state: &state, context.session)
        }
    }

    /// The page again with the form's errors: 422 for a bad field, 409 for a request that was
    /// already answered (or never existed), so a second approval changes nothing.
    private func refusal(_ error: TopUpError, state: inout TopUpFormState, _ session: AuthenticatedSession) async throws -> Response {
        switch error {
        case .invalid(let field, let message):
            state.errors.fields[field] = message
            return try await page(session, page: 1, status: .unprocessableContent, form: state)
        case .notPending, .tooManyPending:
            state.errors.fields["form"] = error.message
            return try await page(session, page: 1, status: .conflict, form: state)
        }
    }

    private static func price(_ text: String) throws -> Money {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw TopUpError.invalid(field: "price", message: "Enter the price in USD, like 25 or 19.99 (0 for free).") }
        do {
            return try Money(parsing: text)
        } catch {
            throw TopUpError.invalid(field: "price", message: "Enter the price in USD as a plain number, like 25 or 19.99.")
        }
    }

    /// The first instant of the given UTC day; nil for an empty field (never expires).
    private static func expiry(_ text: String, now: Date) throws -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        guard let day = LocalDay(requested: text) else {
            throw TopUpError.invalid(field: "expires", message: "Enter the expiry as a date (YYYY-MM-DD), or leave it empty.")
        }
        let instant = day.start(in: AccountPageFormat.utc)
        guard instant > now else { throw TopUpError.invalid(field: "expires", message: "The expiry must be a day after today.") }
        return instant
    }
}
