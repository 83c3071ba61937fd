import Foundation
import Hummingbird
import Metering
import Reporting
import TallyAccess
import Templating

/// `/admin/audit`: every staff change, newest first, filtered by the query string.
struct AdminAuditRoutes {
    let pages: Pages
    let audit: AuditLog

    func register(on router: Router<AppRequestContext>) {
        router.group("/admin/audit", context: StaffRequestContext.self).get { request, context in
            let parameters = request.uri.queryParameters
            let text = { (name: String) in String(parameters.get(name) ?? "").trimmingCharacters(in: .whitespaces) }
            var errors = FieldErrors()
            let from = text("from").isEmpty ? nil : AdminParse.utcDay(text("from"))
            let to = text("to").isEmpty ? nil : AdminParse.utcDay(text("to"))
            if !text("from").isEmpty, from == nil { errors["from"] = "Enter a date as YYYY-MM-DD." }
            if !text("to").isEmpty, to == nil { errors["to"] = "Enter a date as YYYY-MM-DD." }
            let account = text("account").isEmpty ? nil : Int64(text("account"))
            if !text("account").isEmpty, account == nil { errors["account"] = "Enter an account id (a number)." }
            let query = AuditLogQuery(
                actor: text("actor"), action: text("action"), objectKind: text("kind"), accountID: account,
                from: from, before: to.map { $0.addingTimeInterval(86_400) },
                page: PageNumber.parse(text("page")))
            let page = try await audit.load(query)
            let filters = ["actor", "action", "kind", "account", "from", "to"]
            let values = Dictionary(uniqueKeysWithValues: filters.map { ($0, text($0)) })
            let view = AuditPageView(page: page, form: FormState(values, errors: errors)) { number in
                "/admin/audit" + queryString(filters.map { ($0, values[$0] ?? "") } + [("page", number > 1 ? String(number) : "")])
            }
            let status: HTTPResponse.Status = errors.isEmpty ? .ok : .unprocessableContent
            return try pages.page("admin/audit", frame: .staff(context.session, current: .audit), view, status: status)
        }
    }
}

/// `/admin/audit`.
struct AuditPageView: KeyedTemplateValue {
    let page: AuditLogPage
    let form: FormState
    let link: (Int) -> String

    static let templateKeys: TemplateKeys<Self> = [
        "entries": { $0.page.entries.map(AuditRowView.init) },
        "hasEntries": { !$0.page.entries.isEmpty },
        "form": { $0.form },
        "isFiltered": { model in model.form.values.values.contains { !$0.isEmpty } },
        "actionOptions": { model in
            SelectOption.list([("", "Any action")] + model.page.actions.map { ($0, $0) }, current: model.form.values["action"] ?? "")
        },
        "kindOptions": { model in
            SelectOption.list([("", "Any object")] + model.page.objectKinds.map { ($0, $0) }, current: model.form.values["kind"] ?? "")
        },
        "pager": { Pager(page: $0.page.query.page, pageCount: $0.page.pageCount, total: $0.page.total, noun: "change", link: $0.link) },
    ]
}

/// One audit row: who, what, before → after per changed field, when, request id.
struct AuditRowView: KeyedTemplateValue {
    let entry: AuditEntry

    static let templateKeys: TemplateKeys<Self> = [
        "at": { AdminText.instant($0.entry.at) },
        "actor": { $0.entry.actor },
        "action": { $0.entry.action },
        "object": { "\($0.entry.objectKind) \($0.entry.objectID)" },
        "accountName": { $0.entry.accountName },
        "accountHref": { model in model.entry.accountID.map { "/admin/accounts/\($0)" } },
        "changes": { $0.entry.changes.map(ChangeView.init) },
        "hasChanges": { !$0.entry.changes.isEmpty },
        "requestID": { $0.entry.requestID ?? "—" },
    ]

    struct ChangeView: KeyedTemplateValue {
        let change: AuditEntry.Change

        static let templateKeys: TemplateKeys<Self> = [
            "field": { $0.change.field },
            "before": { $0.change.before ?? "—" },
            "after": { $0.change.after ?? "—" },
        ]
    }
}
