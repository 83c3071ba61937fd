import TallyDatabase
import Foundation
import Hummingbird
import Metering
import MeteringStore
import Reporting
import TallyAccess

/// `/admin/plans`: the list with accounts per plan, create, edit, archive / unarchive, and each
/// plan's per-feature entitlements.
struct AdminPlansRoutes {
    let pages: Pages
    let clock: any WallClock
    let plans: AdminPlanStore
    let catalog: PlanCatalogReport

    static let notices = [
        "created": "Plan created.", "saved": "Plan saved.", "archived": "Plan archived: its accounts keep it; it is no longer offered.",
        "unarchived": "Plan unarchived.", "entitlement": "Entitlement saved.",
    ]

    func register(on router: Router<AppRequestContext>) {
        let read = router.group("/admin/plans", context: StaffRequestContext.self)
        read.get { _, context in
            let listed = try await catalog.plans(now: clock.now())
            return try pages.page("admin/plans", frame: .staff(context.session, current: .plans), PlanListView(plans: listed))
        }
        read.get("{id}") { request, context in
            let notice = request.uri.queryParameters.get("notice").flatMap { Self.notices[String($0)] }
            return try await page(try pathID(context), session: context.session, notice: notice)
        }
        let write = router.group("/admin/plans", context: AdminRequestContext.self)
        write.get("new") { _, context in
            try newForm(context.session, FormState(["overage_policy": "block", "grace": "0", "monthly_fee": "0"]))
        }
        write.post { request, context in
            try await FormSubmission.handle(request, context: context, parse: { try PlanForm.draft($0) }) { draft in
                let id = try await plans.create(draft, by: context.auditActor, now: clock.now())
                return redirect(to: "/admin/plans/\(id)?notice=created")
            } refused: { form in
                try newForm(context.session, form)
            }
        }
        write.post("{id}") { request, context in
            let id = try pathID(context)
            return try await FormSubmission.handle(request, context: context, parse: { try PlanForm.draft($0) }) { draft in
                try await plans.update(id, draft, by: context.auditActor, now: clock.now())
                return redirect(to: "/admin/plans/\(id)?notice=saved")
            } refused: { form in
                try await page(id, session: context.session, edit: form)
            }
        }
        write.post("{id}/archive") { request, context in
            let id = try pathID(context)
            return try await FormSubmission.handle(request, context: context, parse: { try Self.archiving($0) }) { archive in
                try await plans.setArchived(id, archive, by: context.auditActor, now: clock.now())
                return redirect(to: "/admin/plans/\(id)?notice=\(archive ? "archived" : "unarchived")")
            } refused: { form in
                try await page(id, session: context.session, archive: form)
            }
        }
        write.post("{id}/entitlements") { request, context in
            let id = try pathID(context)
            return try await FormSubmission.handle(request, context: context, parse: { try EntitlementForm.featureAndEntitlement($0) }) { parsed in
                let (feature, entitlement) = parsed
                try await plans.setEntitlement(id, featureKey: feature, entitlement, by: context.auditActor, now: clock.now())
                return redirect(to: "/admin/plans/\(id)?notice=entitlement#feature-\(feature)")
            } refused: { form in
                try await page(id, session: context.session, entitlement: (form["feature"], form))
            }
        }
    }

    private func newForm(_ session: AuthenticatedSession, _ state: FormState) throws -> Response {
        try pages.page("admin/plan-new", frame: .staff(session, current: .plans), PlanNewView(form: state))
    }

    /// The archive form: archive (which needs the confirmation ticked) or unarchive.
    static func archiving(_ form: FormState) throws(FieldErrors) -> Bool {
        var errors = FieldErrors()
        let archive = form["archived"] == "yes"
        if form["archived"] != "yes" && form["archived"] != "no" { errors["archived"] = "Choose archive or unarchive." }
        if archive, !form.isChecked("confirm") { errors["confirm"] = "Tick the box to confirm archiving." }
        guard errors.isEmpty else { throw errors }
        return archive
    }

    private func page(
        _ id: Int64, session: AuthenticatedSession, notice: String? = nil, edit: FormState? = nil, archive: FormState? = nil,
        entitlement: (String, FormState)? = nil
    ) async throws -> Response {
        guard let found = try await catalog.plan(id, now: clock.now()) else { throw AppError.notFound }
        let (row, features) = found
        var frame = PageFrame.staff(session, current: .plans)
        if let notice { frame.banners.append(PageBanner(level: .info, message: notice)) }
        let view = PlanDetailView(
            row: row, features: features, edit: edit ?? FormState(PlanForm.values(row.plan)), archive: archive ?? FormState(),
            entitlement: entitlement)
        return try pages.page("admin/plan", frame: frame, view)
    }
}

/// Reads one feature's entitlement form: enabled, an optional credit-rule override, an optional
/// per-period limit (empty: unlimited).
enum EntitlementForm {
    /// The feature chosen and its entitlement.
    static func featureAndEntitlement(_ form: FormState) throws(FieldErrors) -> (String, Entitlement) {
        try FieldErrors.collecting { errors in
            let entitlement = parse(form, errors: &errors)
            if form["feature"].isEmpty { errors["feature"] = "Choose a feature." }
            return entitlement.map { (form["feature"], $0) }
        }
    }

    static func parse(_ form: FormState, errors: inout FieldErrors) -> Entitlement? {
        var rule: CreditRule?
        if !form["rule_kind"].isEmpty {
            rule = RuleForm.parse(kind: form["rule_kind"], rate: form["rate"], errors: &errors)
            if rule == nil { return nil }
        }
        var limit = CreditLimit.unlimited
        if !form["limit"].isEmpty {
            do {
                let credits = try Credits(parsing: form["limit"])
                guard credits >= .zero else {
                    errors["limit"] = "Enter zero or more credits, or leave empty for no limit."
                    return nil
                }
                limit = .limited(credits)
            } catch {
                errors["limit"] = AdminParse.message(error, empty: "")
                return nil
            }
        }
        return Entitlement(enabled: form.isChecked("enabled"), creditRuleOverride: rule, periodLimit: limit)
    }

    static func values(_ row: PlanFeatureRow) -> [String: String] {
        guard let entitlement = row.entitlement else { return [:] }
        var values = ["enabled": entitlement.enabled ? "yes" : ""]
        if let rule = entitlement.creditRuleOverride {
            values["rule_kind"] = rule.kind
            values["rate"] = rule.rate.decimalString
        }
        if case .limited(let limit) = entitlement.periodLimit { values["limit"] = limit.decimalString }
        return values
    }
}
