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
struct AuditPageView: TemplateValue {
    let page: AuditLogPage
    let form: FormState
    let link: (Int) -> String

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "entries": page.entries.map(AuditRowView.init)
        case "hasEntries": !page.entries.isEmpty
        case "form": form
        case "isFiltered": form.values.values.contains { !$0.isEmpty }
        case "actionOptions": SelectOption.list([("", "Any action")] + page.actions.map { ($0, $0) }, current: form.values["action"] ?? "")
        case "kindOptions": SelectOption.list([("", "Any object")] + page.objectKinds.map { ($0, $0) }, current: form.values["kind"] ?? "")
        case "pager": Pager(page: page.query.page, pageCount: page.pageCount, total: page.total, noun: "change", link: link)
        default: nil
        }
    }
}

/// One audit row: who, what, before → after per changed field, when, request id.
struct AuditRowView: TemplateValue {
    let entry: AuditEntry

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "at": AdminText.instant(entry.at)
        case "actor": entry.actor
        case "action": entry.action
        case "object": "\(entry.objectKind) \(entry.objectID)"
        case "accountName": entry.accountName
        case "accountHref": entry.accountID.map { "/admin/accounts/\($0)" }
        case "changes": entry.changes.map(ChangeView.init)
        case "hasChanges": !entry.changes.isEmpty
        case "requestID": entry.requestID ?? "—"
        default: nil
        }
    }

    struct ChangeView: TemplateValue {
        let change: AuditEntry.Change

        func templateValue(forKey key: String) -> (any TemplateValue)? {
            switch key {
            case "field": change.field
            case "before": change.before ?? "—"
            case "after": change.after ?? "—"
            default: nil
            }
        }
    }
}
