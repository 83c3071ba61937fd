import Hummingbird
import TallyAccess

/// The customer's landing page: `/` is the dashboard (`Portal/`); staff are sent to `/admin`,
/// the overview (`Admin/OverviewRoutes.swift`).
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
    }
}
