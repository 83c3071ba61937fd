import Hummingbird
import TallyAccess

/// The customer's landing page `/` (a placeholder the portal issue replaces). The staff home
/// `/admin` is the overview (`Admin/OverviewRoutes.swift`).
struct HomeRoutes {
    let access: AccessServices
    let pages: Pages

    func register(on router: Router<AppRequestContext>) {
        // `/` is the customer home; staff who follow a link to it are sent to their own home.
        router.get("/") { _, context in
            if let session = context.session, session.role.isStaff { return redirect(to: "/admin") }
            return try await customerHome(try CustomerRequestContext(context: context))
        }
    }

    private func customerHome(_ context: CustomerRequestContext) async throws -> Response {
        guard let account = try await access.accounts.find(id: context.accountID, in: context.scope) else {
            throw context.objectNotFound("account", objectID: String(context.accountID))
        }
        let view = CustomerHomeView(
            email: context.session.email, role: context.session.role.rawValue, accountName: account.name,
            accountExternalID: account.externalID, csrfToken: context.session.csrfToken)
        return try pages.page("home", frame: .customer(context.session, accountName: account.name, current: .dashboard), view)
    }
}
