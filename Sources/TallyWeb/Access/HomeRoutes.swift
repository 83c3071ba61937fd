import Hummingbird
import TallyAccess

/// Placeholder landing pages so a login ends somewhere real: `/` for customers and `/admin`
/// for staff. The portal and admin issues replace them.
struct HomeRoutes {
    let access: AccessServices
    let pages: Pages

    func register(on router: Router<AppRequestContext>) {
        // `/` is the customer home; staff who follow a link to it are sent to their own home.
        router.get("/") { _, context in
            if let session = context.session, session.role.isStaff { return redirect(to: "/admin") }
            return try await customerHome(try CustomerRequestContext(context: context))
        }
        router.group("/admin", context: StaffRequestContext.self).get { _, context in
            try staffHome(context)
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

    private func staffHome(_ context: StaffRequestContext) throws -> Response {
        let view = StaffHomeView(
            email: context.session.email, role: context.session.role.rawValue, csrfToken: context.session.csrfToken)
        return try pages.page("admin-home", frame: .staff(context.session, current: .overview), view)
    }
}
