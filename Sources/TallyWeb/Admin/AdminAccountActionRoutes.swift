import Foundation
import Hummingbird
import Metering
import MeteringStore
import Reporting
import TallyAccess
import TallyDatabase

/// `/admin/accounts/{id}`: the account page, and its actions (change plan, grant credits,
/// pause / unpause, add a customer user). A refused action answers 422 with the account page,
/// the action's form keeping its input and its messages.
struct AdminAccountActionRoutes {
    let pages: Pages
    let clock: any WallClock
    let accounts: AdminAccountStore
    let accountDetail: AccountDetailReport
    let catalog: PlanCatalogReport
    let users: StaffAdministration
    let reports: MoneyReports

    /// Messages for `?notice=` after a change (fixed texts: the query never reaches the page).
    static let notices: [String: String] = [
        "created": "Account created.", "saved": "Changes saved.", "plan": "Plan changed.",
        "plan_scheduled": "Plan change scheduled for the next period.", "plan_cancelled": "Scheduled plan change cancelled.",
        "granted": "Credits granted.", "paused": "Account paused: every entitlement check is now denied.",
        "active": "Account unpaused.",
    ]

    func register(on router: Router<AppRequestContext>) {
        router.group("/admin/accounts", context: StaffRequestContext.self).get("{id}") { request, context in
            let notice = request.uri.queryParameters.get("notice").flatMap { Self.notices[String($0)] }
            return try await page(try pathID(context), session: context.session, notice: notice)
        }
        let write = router.group("/admin/accounts", context: AdminRequestContext.self)
        write.post("{id}/plan") { request, context in try await changePlan(request, context) }
        write.post("{id}/grants") { request, context in try await grant(request, context) }
        write.post("{id}/status") { request, context in try await setStatus(request, context) }
        write.post("{id}/users") { request, context in try await addUser(request, context) }
    }

    /// The account page; `forms` replaces one action form's state (after a refusal).
    private func page(
        _ id: Int64, session: AuthenticatedSession, notice: String? = nil, forms: AccountForms = AccountForms(),
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let now = clock.now()
        guard let account = try await accountDetail.load(id: id, now: now) else { throw AppError.notFound }
        let choosable = try await catalog.choosablePlans()
        // The margins page's own computation, so the two pages can never disagree.
        let margin = try await reports.margins(.current, accountIDs: [id], now: now, scope: .staff).accounts.first
        var frame = PageFrame.staff(session, current: .accounts)
        if let notice { frame.banners.append(PageBanner(level: .info, message: notice)) }
        if account.status == .paused {
            frame.banners.append(PageBanner(level: .warning, message: "This account is paused: every entitlement check answers “paused”."))
        }
        let view = AccountDetailView(account: account, margin: margin, plans: choosable, forms: forms, now: now)
        return try pages.page("admin/account", frame: frame, view, status: status)
    }

    private func changePlan(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let id = try pathID(context)
        var request = request
        let form = try await RawForm.read(&request, context: context)
        let now = clock.now()
        var errors: [String: String] = [:]
        do {
            if form["timing"] == "cancel" {
                try await accounts.cancelScheduledPlan(id, by: context.auditActor, now: now)
                return redirect(to: "/admin/accounts/\(id)?notice=plan_cancelled")
            }
            guard let timing = PlanChangeTiming(rawValue: form["timing"]) else {
                errors["timing"] = "Choose when the change takes effect."
                throw FormRefused()
            }
            guard let planID = Int64(form["plan"]) else {
                errors["plan"] = "Choose a plan."
                throw FormRefused()
            }
            try await accounts.changePlan(id, to: planID, timing: timing, by: context.auditActor, now: now)
            return redirect(to: "/admin/accounts/\(id)?notice=\(timing == .now ? "plan" : "plan_scheduled")")
        } catch let refusal as Refused<AccountProblem> {
            errors.merge(refusal)
        } catch is FormRefused {}
        return try await page(id, session: context.session, forms: AccountForms(plan: FormState(form, errors: errors)), status: .unprocessableContent)
    }

    private func grant(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let id = try pathID(context)
        var request = request
        let form = try await RawForm.read(&request, context: context)
        var errors: [String: String] = [:]
        let draft = GrantForm.parse(form, errors: &errors)
        if let draft, errors.isEmpty {
            do {
                try await accounts.grant(id, draft, by: context.auditActor, now: clock.now())
                return redirect(to: "/admin/accounts/\(id)?notice=granted")
            } catch let refusal as Refused<GrantProblem> {
                errors.merge(refusal)
            }
        }
        return try await page(id, session: context.session, forms: AccountForms(grant: FormState(form, errors: errors)), status: .unprocessableContent)
    }

    private func setStatus(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let id = try pathID(context)
        var request = request
        let form = try await RawForm.read(&request, context: context)
        var errors: [String: String] = [:]
        let status = AccountStatus(rawValue: form["status"])
        if status == nil { errors["status"] = "Choose pause or unpause." }
        if status == .paused, !form.isChecked("confirm") {
            errors["confirm"] = "Tick the box to confirm: a paused account's calls are all refused."
        }
        if let status, errors.isEmpty {
            do {
                try await accounts.setStatus(id, status, by: context.auditActor, now: clock.now())
                return redirect(to: "/admin/accounts/\(id)?notice=\(status.rawValue)")
            } catch let refusal as Refused<AccountProblem> {
                errors.merge(refusal)
            }
        }
        return try await page(id, session: context.session, forms: AccountForms(status: FormState(form, errors: errors)), status: .unprocessableContent)
    }

    private func addUser(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let id = try pathID(context)
        var request = request
        let form = try await RawForm.read(&request, context: context)
        var errors: [String: String] = [:]
        let role = UserRole(rawValue: form["role"]).flatMap { $0.needsAccount ? $0 : nil }
        if role == nil { errors["role"] = "Choose owner or member." }
        if form["email"].isEmpty { errors["email"] = "Enter the person's email address." }
        if let role, errors.isEmpty {
            do {
                let (user, password) = try await users.createUser(
                    email: form["email"], role: role, accountID: id, by: context.auditActor, now: clock.now())
                // The password is shown on this response only (never stored, never in a URL), so
                // there is no redirect: reloading would only refuse the same email again.
                return try await page(
                    id, session: context.session,
                    forms: AccountForms(createdUser: CreatedUser(email: user.email, role: role.rawValue, password: password)))
            } catch let refusal as Refused<UserProblem> {
                errors.merge(refusal)
            }
        }
        return try await page(id, session: context.session, forms: AccountForms(user: FormState(form, errors: errors)), status: .unprocessableContent)
    }
}

/// A form refused before it reached a store; the messages are already collected.
struct FormRefused: Error {}

/// The account page's action forms: their state after a refusal, or the user just created.
struct AccountForms {
    var plan = FormState(["timing": PlanChangeTiming.nextPeriod.rawValue])
    var grant = FormState(["kind": "top_up"])
    var status = FormState()
    var user = FormState(["role": "member"])
    var createdUser: CreatedUser? = nil
}

/// A customer user just created, with the generated password shown once.
struct CreatedUser: Sendable {
    let email: String
    let role: String
    let password: String
}

/// Reads the grant form: amount (credits, up to 3 decimals), kind, note, optional price and expiry.
enum GrantForm {
    static func parse(_ form: RawForm, errors: inout [String: String]) -> GrantDraft? {
        let kind = GrantKind(rawValue: form["kind"]).flatMap { $0 == .included ? nil : $0 }
        if kind == nil { errors["kind"] = "Choose a top-up or an adjustment." }
        var amount: Credits?
        do {
            amount = try Credits(parsing: form["amount"])
        } catch {
            errors["amount"] = AdminParse.message(error, empty: "Enter the number of credits, e.g. 500 or 12.5.")
        }
        var price: Money?
        if !form["price"].isEmpty {
            do {
                price = try Money(parsing: form["price"])
                if let price, price < .zero { errors["price"] = "The price must not be negative." }
            } catch {
                errors["price"] = AdminParse.message(error, empty: "")
            }
        }
        var expiresAt: Date?
        if !form["expires"].isEmpty {
            expiresAt = AdminParse.utcDay(form["expires"])
            if expiresAt == nil { errors["expires"] = "Enter a date as YYYY-MM-DD (the grant ends at 00:00 UTC that day)." }
        }
        guard let kind, let amount else { return nil }
        return GrantDraft(amount: amount, kind: kind, note: form["note"], price: price, expiresAt: expiresAt)
    }
}

/// Turns typed values' parse errors into sentences for a field.
enum AdminParse {
    static func message(_ error: any Error, empty: String) -> String {
        guard let error = error as? AmountError else { return "Enter a plain number." }
        switch error {
        case .empty: return empty.isEmpty ? "Enter a number." : empty
        case .tooManyDecimals(let text, let allowed):
            return "“\(text)” has more than \(allowed) decimals; nothing would be rounded silently, so please shorten it."
        case .malformed(let text): return "“\(text)” is not a plain number like 12 or 0.5 (no $, spaces, commas or exponents)."
        case .outOfRange(let text): return "“\(text)” is too large."
        case .negative: return "Enter zero or more."
        case .overflow: return "That number is too large."
        }
    }

    /// `YYYY-MM-DD` as the first instant of that day in UTC.
    static func utcDay(_ text: String) -> Date? {
        LocalDay(requested: text).map { $0.start(in: TimeZone(identifier: "UTC")!) }
    }
}
