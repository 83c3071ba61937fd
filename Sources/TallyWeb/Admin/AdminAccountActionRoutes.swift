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

    /// A plan change: now, at the next period, or cancelling the scheduled one.
    private enum PlanChange {
        case cancel
        case change(Int64, PlanChangeTiming)
    }

    private func changePlan(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let id = try pathID(context)
        return try await FormSubmission.handle(request, context: context, parse: { try Self.planChange($0) }) { change in
            switch change {
            case .cancel:
                try await accounts.cancelScheduledPlan(id, by: context.auditActor, now: clock.now())
                return redirect(to: "/admin/accounts/\(id)?notice=plan_cancelled")
            case .change(let planID, let timing):
                try await accounts.changePlan(id, to: planID, timing: timing, by: context.auditActor, now: clock.now())
                return redirect(to: "/admin/accounts/\(id)?notice=\(timing == .now ? "plan" : "plan_scheduled")")
            }
        } refused: { form in
            try await page(id, session: context.session, forms: AccountForms(plan: form))
        }
    }

    private static func planChange(_ form: FormState) throws(FieldErrors) -> PlanChange {
        if form["timing"] == "cancel" { return .cancel }
        guard let timing = PlanChangeTiming(rawValue: form["timing"]) else {
            throw FieldErrors("timing", "Choose when the change takes effect.")
        }
        guard let planID = Int64(form["plan"]) else { throw FieldErrors("plan", "Choose a plan.") }
        return .change(planID, timing)
    }

    private func grant(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let id = try pathID(context)
        return try await FormSubmission.handle(request, context: context, parse: { try GrantForm.draft($0) }) { draft in
            try await accounts.grant(id, draft, by: context.auditActor, now: clock.now())
            return redirect(to: "/admin/accounts/\(id)?notice=granted")
        } refused: { form in
            try await page(id, session: context.session, forms: AccountForms(grant: form))
        }
    }

    private func setStatus(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let id = try pathID(context)
        return try await FormSubmission.handle(request, context: context, parse: { try Self.status($0) }) { status in
            try await accounts.setStatus(id, status, by: context.auditActor, now: clock.now())
            return redirect(to: "/admin/accounts/\(id)?notice=\(status.rawValue)")
        } refused: { form in
            try await page(id, session: context.session, forms: AccountForms(status: form))
        }
    }

    private static func status(_ form: FormState) throws(FieldErrors) -> AccountStatus {
        guard let status = AccountStatus(rawValue: form["status"]) else { throw FieldErrors("status", "Choose pause or unpause.") }
        if status == .paused, !form.isChecked("confirm") {
            throw FieldErrors("confirm", "Tick the box to confirm: a paused account's calls are all refused.")
        }
        return status
    }

    private func addUser(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let id = try pathID(context)
        return try await FormSubmission.handle(request, context: context, parse: { try NewUserForm.parse($0, staff: false) }) { new in
            let (user, password) = try await users.createUser(
                email: new.email, role: new.role, accountID: id, by: context.auditActor, now: clock.now())
            // The password is shown on this response only (never stored, never in a URL), so
            // there is no redirect: reloading would only refuse the same email again.
            return try await page(
                id, session: context.session,
                forms: AccountForms(createdUser: CreatedUser(email: user.email, role: new.role.rawValue, password: password)))
        } refused: { form in
            try await page(id, session: context.session, forms: AccountForms(user: form))
        }
    }
}

/// The "add a user" form of the staff page (admin or sales) and of an account (owner or member).
enum NewUserForm {
    static func parse(_ form: FormState, staff: Bool) throws(FieldErrors) -> (email: String, role: UserRole) {
        try FieldErrors.collecting { errors in
            let role = UserRole(rawValue: form["role"]).flatMap { $0.isStaff == staff ? $0 : nil }
            if role == nil { errors["role"] = staff ? "Choose admin or sales." : "Choose owner or member." }
            if form["email"].isEmpty { errors["email"] = "Enter the person's email address." }
            return role.map { (form["email"], $0) }
        }
    }
}

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
    /// The form as a draft, or every message at once.
    static func draft(_ form: FormState) throws(FieldErrors) -> GrantDraft {
        try FieldErrors.collecting { parse(form, errors: &$0) }
    }

    static func parse(_ form: FormState, errors: inout FieldErrors) -> GrantDraft? {
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
