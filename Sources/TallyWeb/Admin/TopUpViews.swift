import Foundation
import Metering
import MeteringStore
import Templating

/// What an admin typed into one request's answer (`price`, `expires`, `reason`), kept on a refusal.
struct TopUpFormState: Sendable {
    let requestID: Int64
    let form: FormState
}

/// The admin list of top-up requests.
struct TopUpsPageView: TemplateValue {
    let pending: [TopUpRequest]
    let total: Int
    let decided: [TopUpRequest]
    let page: Int
    let perPage: Int
    let isAdmin: Bool
    let form: TopUpFormState?

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "pending": pending.map { PendingTopUpView(request: $0, isAdmin: isAdmin, form: $0.id == form?.requestID ? form : nil) }
        case "hasPending": !pending.isEmpty
        case "total": total
        case "decided": decided.map { TopUpRowView(request: $0, zone: AccountPageFormat.utc) }
        case "hasDecided": !decided.isEmpty
        case "isAdmin": isAdmin
        case "formError": form?.form.errors["form"] ?? (form?.form.hasErrors == true ? "The answer was not saved. See the request's form below." : nil)
        case "pagination":
            total > perPage
                ? PaginationView(page: page, pages: (total + perPage - 1) / perPage, total: total, noun: "requests", path: "/admin/top-ups")
                : nil
        default: nil
        }
    }
}

/// One waiting request with, for admins, its approve and decline forms.
struct PendingTopUpView: TemplateValue {
    let request: TopUpRequest
    let isAdmin: Bool
    let form: TopUpFormState?

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "id": Int(request.id)
        case "accountName": request.accountName
        case "requestedBy": request.requestedBy ?? "—"
        case "requestedAt": AccountPageFormat.dateTime(request.requestedAt, in: AccountPageFormat.utc) + " UTC"
        case "credits": request.credits.formatted
        case "note": request.note
        case "isAdmin": isAdmin
        case "price": form?.form.values["price"] ?? ""
        case "expires": form?.form.values["expires"] ?? ""
        case "reason": form?.form.values["reason"] ?? ""
        case "errors": form?.form.errors ?? FieldErrors()
        default: nil
        }
    }
}
