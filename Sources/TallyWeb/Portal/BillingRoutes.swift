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
        try await FormSubmission.handle(request, context: owner, parse: { try Self.topUp($0) }) { topUp in
            _ = try await services.topUps.request(
                accountID: owner.accountID, credits: topUp.credits, note: topUp.note, by: owner.auditActor, now: services.now)
            return redirect(to: "/billing?requested=1#top-ups")
        } refused: { form in
            try await page(owner.session, owner.accountID, page: 1, status: .unprocessableContent) {
                var view = $0
                view.creditsInput = form["credits"]
                view.noteInput = form["note"]
                view.errors = form.errors
                return view
            }
        }
    }

    /// The "get more credits" form: how many, and a note.
    private static func topUp(_ form: FormState) throws(FieldErrors) -> (credits: Credits, note: String) {
        guard !form["credits"].isEmpty else { throw FieldErrors("credits", "Enter how many credits you need.") }
        guard let credits = try? Credits(parsing: form["credits"]) else {
            throw FieldErrors("credits", "Enter a number of credits, like 500 or 1250.5 (at most 3 decimals).")
        }
        return (credits, form["note"])
    }
}
