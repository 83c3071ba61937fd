import Foundation
import Hummingbird
import Metering
import MeteringStore
import Reporting
import TallyAccess
import TallyDatabase

/// `/admin/accounts`: the list (search, sort, pages), create and edit.
struct AdminAccountsRoutes {
    let pages: Pages
    let clock: any WallClock
    let accounts: AdminAccountStore
    let accountList: AdminAccountList
    let accountDetail: AccountDetailReport
    let catalog: PlanCatalogReport

    func register(on router: Router<AppRequestContext>) {
        let read = router.group("/admin/accounts", context: StaffRequestContext.self)
        read.get { request, context in try await list(request, context) }
        let write = router.group("/admin/accounts", context: AdminRequestContext.self)
        write.get("{id}/edit") { _, context in
            let id = try pathID(context)
            guard let account = try await accountDetail.load(id: id, now: clock.now()) else { throw AppError.notFound }
            return try await form(context.session, account: account, state: FormState(Self.values(account)))
        }
        write.get("new") { _, context in
            try await form(context.session, account: nil, state: FormState(["time_zone": "UTC", "anchor_day": "1"]))
        }
        write.post { request, context in
            try await save(request, account: nil, context: context)
        }
        write.post("{id}") { request, context in
            let id = try pathID(context)
            guard let account = try await accountDetail.load(id: id, now: clock.now()) else { throw AppError.notFound }
            return try await save(request, account: account, context: context)
        }
    }

    private func list(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        let query = AdminAccountListQuery(
            search: String(parameters.get("q") ?? "").trimmingCharacters(in: .whitespaces),
            sort: parameters.get("sort").flatMap { AdminAccountSort(rawValue: String($0)) } ?? .name,
            descending: parameters.get("dir") == "desc",
            page: request.pageNumber)
        let page = try await accountList.load(query, now: clock.now())
        return try pages.page(
            "admin/accounts", frame: .staff(context.session, current: .accounts), AccountListView(page: page))
    }

    private func form(_ session: AuthenticatedSession, account: AccountDetail?, state: FormState, status: HTTPResponse.Status = .ok) async throws -> Response {
        let choosable = try await catalog.choosablePlans()
        var choices = [("", "No plan (every feature is refused)")] + choosable.map { (String($0.id), "\($0.name) (\($0.code))") }
        if let current = account?.plan, current.archived {
            choices.append((String(current.id), "\(current.name) (\(current.code), archived)"))
        }
        let view = AccountFormView(
            accountID: account?.id, accountName: account?.name, form: state,
            plans: SelectOption.list(choices, current: state.values["plan"] ?? ""),
            timeZones: TimeZone.knownTimeZoneIdentifiers.sorted())
        return try pages.page("admin/account-form", frame: .staff(session, current: .accounts), view, status: status)
    }

    private func save(_ request: Request, account: AccountDetail?, context: AdminRequestContext) async throws -> Response {
        try await FormSubmission.handle(request, context: context, parse: { try Self.draft($0) }) { draft in
            if let account {
                try await accounts.update(account.id, draft, by: context.auditActor, now: clock.now())
                return redirect(to: "/admin/accounts/\(account.id)?notice=saved")
            }
            let id = try await accounts.create(draft, by: context.auditActor, now: clock.now())
            return redirect(to: "/admin/accounts/\(id)?notice=created")
        } refused: { form in
            try await self.form(context.session, account: account, state: form)
        }
    }

    /// The account form as a draft, with every problem the draft itself can see.
    static func draft(_ form: FormState) throws(FieldErrors) -> AccountDraft {
        var errors = FieldErrors()
        var planID: Int64?
        if !form["plan"].isEmpty {
            planID = Int64(form["plan"])
            if planID == nil { errors["plan"] = "Choose a plan from the list." }
        }
        let draft = AccountDraft(
            externalID: form["external_id"], name: form["name"], planID: planID,
            timeZone: form["time_zone"].isEmpty ? "UTC" : form["time_zone"], anchorDay: Int(form["anchor_day"]) ?? 0)
        errors.merge(draft.problems())
        guard errors.isEmpty else { throw errors }
        return draft
    }

    static func values(_ account: AccountDetail) -> [String: String] {
        [
            "name": account.name, "external_id": account.externalID, "plan": account.plan.map { String($0.id) } ?? "",
            "time_zone": account.timeZone, "anchor_day": String(account.anchorDay),
        ]
    }
}
