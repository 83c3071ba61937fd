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
            var request = request
            let form = try await RawForm.read(&request, context: context)
            var errors: [String: String] = [:]
            let rule = RuleForm.parse(kind: form["rule_kind"], rate: form["rate"], errors: &errors)
            if form["key"].isEmpty { errors["key"] = "Enter the key events send in “feature”." }
            if form["name"].isEmpty { errors["name"] = "Enter a name people will read." }
            if let rule, errors.isEmpty {
                do {
                    try await plans.createFeature(key: form["key"], name: form["name"], rule: rule, by: context.auditActor, now: clock.now())
                    return redirect(to: "/admin/features?notice=created")
                } catch let refusal as Refused<FeatureProblem> {
                    errors.merge(refusal)
                }
            }
            return try await list(context.session, create: FormState(form, errors: errors), status: .unprocessableContent)
        }
        write.post("{key}") { request, context in
            let key = context.parameters.get("key") ?? ""
            guard let feature = try await catalog.feature(key) else { throw AppError.notFound }
            var request = request
            let form = try await RawForm.read(&request, context: context)
            var errors: [String: String] = [:]
            let rule = RuleForm.parse(kind: form["rule_kind"], rate: form["rate"], errors: &errors)
            if form["name"].isEmpty { errors["name"] = "Enter a name people will read." }
            if let rule, errors.isEmpty {
                do {
                    try await plans.updateFeature(key: key, name: form["name"], rule: rule, by: context.auditActor, now: clock.now())
                    return redirect(to: "/admin/features?notice=saved")
                } catch let refusal as Refused<FeatureProblem> {
                    errors.merge(refusal)
                }
            }
            return try edit(context.session, feature, FormState(form, errors: errors), status: .unprocessableContent)
        }
    }

    private func list(
        _ session: AuthenticatedSession, notice: String? = nil, create: FormState = FormState(["rule_kind": "per_event", "rate": "1"]),
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        var frame = PageFrame.staff(session, current: .features)
        if let notice { frame.banners.append(PageBanner(level: .info, message: notice)) }
        let view = FeatureListView(
            features: try await catalog.features(), unregistered: try await catalog.unregisteredFeatures(), form: create)
        return try pages.page("admin/features", frame: frame, view, status: status)
    }

    private func edit(_ session: AuthenticatedSession, _ feature: FeatureRow, _ state: FormState, status: HTTPResponse.Status = .ok) throws -> Response {
        try pages.page(
            "admin/feature", frame: .staff(session, current: .features), FeatureEditView(feature: feature, form: state), status: status)
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
