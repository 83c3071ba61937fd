import Hummingbird
import TallyAccess

/// The landing pages: `/` is the customer dashboard (staff are sent to `/admin`), `/admin` the
/// staff home.
struct HomeRoutes {
    let access: AccessServices
    let pages: Pages
    let dashboard: DashboardPage

    func register(on router: Router<AppRequestContext>) {
        // `/` is the customer home; staff who follow a link to it are sent to their own home.
        router.get("/") { _, context in
            if let session = context.session, session.role.isStaff { return redirect(to: "/admin") }
            return try await dashboard.render(try CustomerRequestContext(context: context))
        }
        router.group("/admin", context: StaffRequestContext.self).get { _, context in
            try staffHome(context)
        }
    }

    private func staffHome(_ context: StaffRequestContext) throws -> Response {
        let view = StaffHomeView(
            email: context.session.email, role: context.session.role.rawValue, csrfToken: context.session.csrfToken)
        return try pages.page("admin-home", frame: .staff(context.session, current: .overview), view)
    }
}
