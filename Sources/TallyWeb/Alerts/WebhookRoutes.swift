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
        try await listPage(session: context.session, form: WebhookForm.blank, errors: [:], status: .ok)
    }

    private func listPage(session: AuthenticatedSession, form: WebhookForm, errors: [String: String], status: HTTPResponse.Status) async throws -> Response {
        let endpoints = try await alerting.webhooks.list()
        let view = WebhookListView(rows: endpoints.map(WebhookRow.init), form: form.view(errors: errors))
        return try pages.page("admin/webhooks", frame: .staff(session, current: .alerts), view, status: status)
    }

    private func create(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        var request = request
        let form = try await FormBody.decode(WebhookForm.self, from: &request, context: context) ?? WebhookForm()
        do {
            let (id, secret) = try await alerting.webhooks.create(form.draft, by: context.auditActor, at: clock.now())
            let view = WebhookCreatedView(id: String(id), name: form.draft.name.trimmingCharacters(in: .whitespaces), secret: secret)
            return try pages.page("admin/webhook-created", frame: .staff(context.session, current: .alerts), view)
        } catch let refusal as Refused<WebhookProblem> {
            return try await listPage(session: context.session, form: form, errors: refusal.fieldMessages, status: .unprocessableContent)
        }
    }

    private func detail(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init), let endpoint = try await alerting.webhooks.find(id: id) else {
            throw AppError.notFound
        }
        let page = request.pageNumber
        return try await detailPage(
            endpoint, form: WebhookForm(endpoint), errors: [:], page: page, saved: request.uri.queryParameters.get("saved") == "1",
            session: context.session, status: .ok)
    }

    private func detailPage(
        _ endpoint: WebhookEndpoint, form: WebhookForm, errors: [String: String], page: Int, saved: Bool,
        session: AuthenticatedSession, status: HTTPResponse.Status
    ) async throws -> Response {
        let (records, total) = try await alerting.webhooks.deliveries(of: endpoint.id, page: page)
        let view = WebhookDetailView(
            endpoint: WebhookRow(endpoint: endpoint), form: form.view(errors: errors),
            deliveries: records.map(WebhookDetailView.Delivery.init),
            pagination: Pagination(total: total, page: page, pageSize: 50, path: "/admin/webhooks/\(endpoint.id)", query: []),
            saved: saved)
        return try pages.page("admin/webhook", frame: .staff(session, current: .alerts), view, status: status)
    }

    private func update(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init), let endpoint = try await alerting.webhooks.find(id: id) else {
            throw AppError.notFound
        }
        var request = request
        let form = try await FormBody.decode(WebhookForm.self, from: &request, context: context) ?? WebhookForm()
        do {
            try await alerting.webhooks.update(id: id, form.draft, by: context.auditActor, at: clock.now())
            return redirect(to: "/admin/webhooks/\(id)?saved=1")
        } catch let refusal as Refused<WebhookProblem> {
            return try await detailPage(
                endpoint, form: form, errors: refusal.fieldMessages, page: 1, saved: false, session: context.session,
                status: .unprocessableContent)
        }
    }
}
