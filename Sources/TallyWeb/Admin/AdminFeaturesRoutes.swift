import TallyDatabase
import Foundation
import Hummingbird
import Metering
import MeteringStore
import Reporting
import TallyAccess
import Templating

/// `/admin/features`: registered features (key, name, credit rule), create and edit, and the
/// feature keys seen on events but not registered, each with a one-click register form.
struct AdminFeaturesRoutes {
    let pages: Pages
    let clock: any WallClock
    let plans: AdminPlanStore
    let catalog: PlanCatalogReport

    func register(on router: Router<AppRequestContext>) {
        let read = router.group("/admin/features", context: StaffRequestContext.self)
        read.get { request, context in
            let notice = request.uri.queryParameters.get("notice").flatMap { ["created": "Feature registered.", "saved": "Feature saved."][String($0)] }
            return try await list(context.session, notice: notice)
        }
        read.get("{key}") { _, context in
            let key = context.parameters.get("key") ?? ""
            guard let feature = try await catalog.feature(key) else { throw AppError.notFound }
            return try edit(context.session, feature, FormState(["name": feature.name, "rule_kind": feature.rule.kind, "rate": feature.rule.rate.decimalString]))
        }
        let write = router.group("/admin/features", context: AdminRequestContext.self)
        write.post { request, context in
            try await FormSubmission.handle(request, context: context, parse: { try Self.fields($0, withKey: true) }) { fields in
                try await plans.createFeature(key: fields.key, name: fields.name, rule: fields.rule, by: context.auditActor, now: clock.now())
                return redirect(to: "/admin/features?notice=created")
            } refused: { form in
                try await list(context.session, create: form)
            }
        }
        write.post("{key}") { request, context in
            let key = context.parameters.get("key") ?? ""
            guard let feature = try await catalog.feature(key) else { throw AppError.notFound }
            return try await FormSubmission.handle(request, context: context, parse: { try Self.fields($0, withKey: false) }) { fields in
                try await plans.updateFeature(key: key, name: fields.name, rule: fields.rule, by: context.auditActor, now: clock.now())
                return redirect(to: "/admin/features?notice=saved")
            } refused: { form in
                try edit(context.session, feature, form)
            }
        }
    }

    /// The feature form: its key (when registering), name and credit rule.
    static func fields(_ form: FormState, withKey: Bool) throws(FieldErrors) -> (key: String, name: String, rule: CreditRule) {
        try FieldErrors.collecting { errors in
            let rule = RuleForm.parse(kind: form["rule_kind"], rate: form["rate"], errors: &errors)
            if withKey, form["key"].isEmpty { errors["key"] = "Enter the key events send in “feature”." }
            if form["name"].isEmpty { errors["name"] = "Enter a name people will read." }
            return rule.map { (form["key"], form["name"], $0) }
        }
    }

    private func list(
        _ session: AuthenticatedSession, notice: String? = nil, create: FormState = FormState(["rule_kind": "per_event", "rate": "1"])
    ) async throws -> Response {
        var frame = PageFrame.staff(session, current: .features)
        if let notice { frame.banners.append(PageBanner(level: .info, message: notice)) }
        let view = FeatureListView(
            features: try await catalog.features(), unregistered: try await catalog.unregisteredFeatures(), form: create)
        return try pages.page("admin/features", frame: frame, view)
    }

    private func edit(_ session: AuthenticatedSession, _ feature: FeatureRow, _ state: FormState) throws -> Response {
        try pages.page("admin/feature", frame: .staff(session, current: .features), FeatureEditView(feature: feature, form: state))
    }
}

/// `/admin/features`.
struct FeatureListView: TemplateValue {
    let features: [FeatureRow]
    let unregistered: [UnregisteredFeature]
    let form: FormState

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "features": features.map(Row.init)
        case "hasFeatures": !features.isEmpty
        case "unregistered": unregistered.map(Unregistered.init)
        case "hasUnregistered": !unregistered.isEmpty
        case "form": form
        case "ruleOptions": SelectOption.list(AdminText.ruleKinds, current: form.values["rule_kind"] ?? "per_event")
        default: nil
        }
    }

    struct Row: TemplateValue {
        let row: FeatureRow
        func templateValue(forKey key: String) -> (any TemplateValue)? {
            switch key {
            case "key": row.key
            case "name": row.name
            case "rule": AdminText.rule(row.rule)
            case "plans": AdminText.count(row.plans)
            case "href": "/admin/features/\(row.key)"
            default: nil
            }
        }
    }

    struct Unregistered: TemplateValue {
        let row: UnregisteredFeature
        func templateValue(forKey key: String) -> (any TemplateValue)? {
            switch key {
            case "key": row.key
            case "events": AdminText.count(row.events)
            case "accounts": AdminText.count(row.accounts)
            case "lastDay": row.lastDay
            // A key events send may not be a valid feature key (uppercase, spaces…): then it
            // cannot be registered as is, and the row says so instead of offering the button.
            case "registrable": AdminPlanStore.problemsOfFeature(key: row.key, name: row.key).isEmpty
            default: nil
            }
        }
    }
}

/// `/admin/features/{key}`.
struct FeatureEditView: TemplateValue {
    let feature: FeatureRow
    let form: FormState

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "key": feature.key
        case "name": feature.name
        case "form": form
        case "ruleOptions": SelectOption.list(AdminText.ruleKinds, current: form.values["rule_kind"] ?? feature.rule.kind)
        default: nil
        }
    }
}
