import Alerting
import Foundation
import Hummingbird
import Metering
import TallyAccess

/// The alert pages of the admin area.
///
/// - `GET /admin/alerts` (staff): alerts, newest first, filtered by rule, level, account and
///   state (`?rule=&level=&account=&state=open|acknowledged|all&page=`), 50 per page.
/// - `POST /admin/alerts/{id}/acknowledge` (admin): acknowledges, audited; 303 back to the list
///   (`return`, when it is a list URL); 404 for an unknown id.
/// - `GET /admin/alerts/rules` (staff), `POST /admin/alerts/rules` (admin): the rule settings;
///   422 with the input kept and field messages, 303 after saving.
struct AlertRoutes {
    let alerting: AlertingServices
    let pages: Pages
    let clock: any WallClock
    static let pageSize = 50

    func register(on router: Router<AppRequestContext>) {
        let staff = router.group("/admin/alerts", context: StaffRequestContext.self)
        staff.get { request, context in try await list(request, context) }
        staff.get("rules") { request, context in try await rules(request, context) }
        let admin = router.group("/admin/alerts", context: AdminRequestContext.self)
        admin.post(":id/acknowledge") { request, context in try await acknowledge(request, context) }
        admin.post("rules") { request, context in try await saveRules(request, context) }
    }

    private func list(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
        let query = AlertListQuery(parameters)
        let page = try await alerting.alerts.list(query.filter, page: query.page, pageSize: Self.pageSize, in: context.scope)
        return try pages.page("admin/alerts", frame: .staff(context.session, current: .alerts), query.view(page, pageSize: Self.pageSize))
    }

    private func acknowledge(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw AppError.notFound }
        var request = request
        let form = try await FormState.read(&request, context: context)
        do {
            try await alerting.alerts.acknowledge(id: id, by: context.auditActor, at: clock.now())
        } catch AcknowledgeError.notFound {
            throw AppError.notFound
        }
        let back = form.values["return"] ?? ""
        return redirect(to: back.hasPrefix("/admin/alerts?") || back == "/admin/alerts" ? back : "/admin/alerts")
    }

    private func rules(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        let settings = try await alerting.rules.load()
        let view = AlertRulesView(
            form: FormState(AlertRulesForm.values(settings)), saved: request.uri.queryParameters.get("saved") == "1")
        return try pages.page("admin/alert-rules", frame: .staff(context.session, current: .alerts), view)
    }

    private func saveRules(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        try await FormSubmission.handle(request, context: context, requireForm: true, parse: { try AlertRulesForm.settings($0) }) { settings in
            try await alerting.rules.save(settings, by: context.auditActor, at: clock.now())
            return redirect(to: "/admin/alerts/rules?saved=1")
        } refused: { form in
            try pages.page("admin/alert-rules", frame: .staff(context.session, current: .alerts), AlertRulesView(form: form, saved: false))
        }
    }
}
