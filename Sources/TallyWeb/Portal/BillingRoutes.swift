import Foundation
import Hummingbird
import Metering
import MeteringStore
import Reporting
import TallyAccess
import TallyDatabase

/// `GET /billing` (owners and members) and `POST /billing/top-ups` (owners: "Get more credits").
struct BillingRoutes {
    let services: PortalAccountServices
    static let perPage = 12

    private struct TopUpForm: Decodable {
        let credits: String?
        let note: String?
    }

    func register(on router: Router<AppRequestContext>) {
        router.group("/billing", context: CustomerRequestContext.self).get { request, context in
            let sent = request.uri.queryParameters.get("requested") == "1"
            let banner = sent ? PageBanner(level: .info, message: "Your request was sent. Its answer will show on this page.") : nil
            return try await page(context.session, context.accountID, page: request.pageNumber, status: .ok, banner: banner) { $0 }
        }
        router.group("/billing/top-ups", context: OwnerRequestContext.self).post { request, context in
            try await requestTopUp(request, context)
        }
    }

    private func page(
        _ session: AuthenticatedSession, _ accountID: Int64, page: Int, status: HTTPResponse.Status, banner: PageBanner? = nil,
        _ adjust: (BillingPageView) -> BillingPageView
    ) async throws -> Response {
        let now = services.now
        guard let overview = try await services.billing.overview(
            accountID: accountID, now: now, page: page, perPage: Self.perPage)
        else { throw AppError.notFound }
        let requests = try await services.topUps.requests(accountID: accountID)
        var frame = try await services.frames.frame(session, accountID: accountID, accountName: overview.accountName, current: .billing)
        if let banner { frame.banners.append(banner) }
        let view = adjust(BillingPageView(
            overview: overview, now: now, isOwner: session.role == .owner, requests: requests,
            page: page, perPage: Self.perPage))
        return try services.pages.page("portal/billing", frame: frame, view, status: status)
    }

    private func requestTopUp(_ request: Request, _ owner: OwnerRequestContext) async throws -> Response {
        var request = request
        let form = try await FormBody.decode(TopUpForm.self, from: &request, context: owner)
        let creditsText = (form?.credits ?? "").trimmingCharacters(in: .whitespaces)
        let note = (form?.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var errors = FormErrors()
        do {
            guard !creditsText.isEmpty else { throw TopUpError.invalid(field: "credits", message: "Enter how many credits you need.") }
            let credits: Credits
            do {
                credits = try Credits(parsing: creditsText)
            } catch {
                throw TopUpError.invalid(field: "credits", message: "Enter a number of credits, like 500 or 1250.5 (at most 3 decimals).")
            }
            let now = services.now
            let actor = owner.auditActor
            _ = try await services.topUps.request(
                accountID: owner.accountID, credits: credits, note: note, by: owner.session.userID, now: now
            ) { id, connection in
                try await AuditTrail.record(
                    AuditChange(
                        action: "top_up.request", objectKind: "top_up_request", objectID: String(id), accountID: owner.accountID,
                        before: nil, after: ["credits": credits.formatted, "note": note, "state": "pending"]),
                    by: actor, at: now, on: connection)
            }
            return redirect(to: "/billing?requested=1#top-ups")
        } catch let error as TopUpError {
            switch error {
            case .invalid(let field, let message): errors.fields[field] = message
            case .tooManyPending, .notPending: errors.fields["form"] = error.message
            }
        }
        return try await page(owner.session, owner.accountID, page: 1, status: .unprocessableContent) {
            var view = $0
            view.creditsInput = creditsText
            view.noteInput = note
            view.errors = errors
            return view
        }
    }
}
