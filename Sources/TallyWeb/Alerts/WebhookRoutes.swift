import Alerting
import Foundation
import Hummingbird
import Metering
import TallyDatabase
import TallyAccess

/// The webhook pages of the admin area.
///
/// - `GET /admin/webhooks` (staff): the endpoints with their delivery counts, and (admins) the
///   form for a new one.
/// - `POST /admin/webhooks` (admin): creates an endpoint; 422 with field messages, else 200 with
///   the page that shows the secret once (reloading it shows nothing secret).
/// - `GET /admin/webhooks/{id}` (staff): the endpoint, (admins) its edit form, and its delivery
///   log with every attempt's response code, 50 deliveries per page; 404 for an unknown id.
/// - `POST /admin/webhooks/{id}` (admin): changes name, URL, alert kinds, format, enabled;
///   404 unknown, 422 with messages, 303 to the endpoint's page.
struct WebhookRoutes {
    let alerting: AlertingServices
    let pages: Pages
    let clock: any WallClock

    func register(on router: Router<AppRequestContext>) {
        let staff = router.group("/admin/webhooks", context: StaffRequestContext.self)
        staff.get { _, context in try await list(context) }
        staff.get(":id") { request, context in try await detail(request, context) }
        let admin = router.group("/admin/webhooks", context: AdminRequestContext.self)
        admin.post { request, context in try await create(request, context) }
        admin.post(":id") { request, context in try await update(request, context) }
    }

    private func list(_ context: StaffRequestContext) async throws -> Response {
        try await listPage(session: context.session, form: WebhookForm.blank)
    }

    private func listPage(session: AuthenticatedSession, form: FormState) async throws -> Response {
        let endpoints = try await alerting.webhooks.list()
        let view = WebhookListView(rows: endpoints.map(WebhookRow.init), form: WebhookForm.view(form))
        return try pages.page("admin/webhooks", frame: .staff(session, current: .alerts), view)
    }

    private func create(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        try await FormSubmission.handle(request, context: context, parse: { try WebhookForm.draft($0) }) { draft in
            let (id, secret) = try await alerting.webhooks.create(draft, by: context.auditActor, at: clock.now())
            let view = WebhookCreatedView(id: String(id), name: draft.name.trimmingCharacters(in: .whitespaces), secret: secret)
            return try pages.page("admin/webhook-created", frame: .staff(context.session, current: .alerts), view)
        } refused: { form in
            try await listPage(session: context.session, form: form)
        }
    }

    private func detail(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init), let endpoint = try await alerting.webhooks.find(id: id) else {
            throw AppError.notFound
        }
        let page = request.pageNumber
        return try await detailPage(
            endpoint, form: WebhookForm.showing(endpoint), page: page, saved: request.uri.queryParameters.get("saved") == "1",
            session: context.session)
    }

    private func detailPage(
        _ endpoint: WebhookEndpoint, form: FormState, page: Int, saved: Bool, session: AuthenticatedSession
    ) async throws -> Response {
        let (records, total) = try await alerting.webhooks.deliveries(of: endpoint.id, page: page)
        let view = WebhookDetailView(
            endpoint: WebhookRow(endpoint: endpoint), form: WebhookForm.view(form),
            deliveries: records.map(WebhookDetailView.Delivery.init),
            pagination: Pagination(total: total, page: page, pageSize: 50, path: "/admin/webhooks/\(endpoint.id)", query: []),
            saved: saved)
        return try pages.page("admin/webhook", frame: .staff(session, current: .alerts), view)
    }

    private func update(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init), let endpoint = try await alerting.webhooks.find(id: id) else {
            throw AppError.notFound
        }
        return try await FormSubmission.handle(request, context: context, parse: { try WebhookForm.draft($0) }) { draft in
            try await alerting.webhooks.update(id: id, draft, by: context.auditActor, at: clock.now())
            return redirect(to: "/admin/webhooks/\(id)?saved=1")
        } refused: { form in
            try await detailPage(endpoint, form: form, page: 1, saved: false, session: context.session)
        }
    }
}
