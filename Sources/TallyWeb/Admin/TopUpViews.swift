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
struct TopUpsPageView: KeyedTemplateValue {
    let pending: [TopUpRequest]
    let total: Int
    let decided: [TopUpRequest]
    let page: Int
    let perPage: Int
    let isAdmin: Bool
    let form: TopUpFormState?

    static let templateKeys: TemplateKeys<Self> = [
        "pending": { model in
            model.pending.map { PendingTopUpView(request: $0, isAdmin: model.isAdmin, form: $0.id == model.form?.requestID ? model.form : nil) }
        },
        "hasPending": { !$0.pending.isEmpty },
        "total": { $0.total },
        "decided": { model in model.decided.map { TopUpRowView(request: $0, zone: AccountPageFormat.utc) } },
        "hasDecided": { !$0.decided.isEmpty },
        "isAdmin": { $0.isAdmin },
        "formError": {
            $0.form?.form.errors["form"] ?? ($0.form?.form.hasErrors == true ? "The answer was not saved. See the request's form below." : nil)
        },
        "pagination": { model in
            model.total > model.perPage
                ? PaginationView(page: model.page, pages: (model.total + model.perPage - 1) / model.perPage, total: model.total, noun: "requests", path: "/admin/top-ups")
                : nil
        },
    ]
}

/// One waiting request with, for admins, its approve and decline forms.
struct PendingTopUpView: KeyedTemplateValue {
    let request: TopUpRequest
    let isAdmin: Bool
    let form: TopUpFormState?

    static let templateKeys: TemplateKeys<Self> = [
        "id": { Int($0.request.id) },
        "accountName": { $0.request.accountName },
        "requestedBy": { $0.request.requestedBy ?? "—" },
        "requestedAt": { AccountPageFormat.dateTime($0.request.requestedAt, in: AccountPageFormat.utc) + " UTC" },
        "credits": { $0.request.credits.formatted },
        "note": { $0.request.note },
        "isAdmin": { $0.isAdmin },
        "price": { $0.form?.form.values["price"] ?? "" },
        "expires": { $0.form?.form.values["expires"] ?? "" },
        "reason": { $0.form?.form.values["reason"] ?? "" },
        "errors": { $0.form?.form.errors ?? FieldErrors() },
    ]
}
