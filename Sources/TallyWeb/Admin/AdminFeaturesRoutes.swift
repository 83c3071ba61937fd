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
struct FeatureListView: KeyedTemplateValue {
    let features: [FeatureRow]
    let unregistered: [UnregisteredFeature]
    let form: FormState

    static let templateKeys: TemplateKeys<Self> = [
        "features": { $0.features.map(Row.init) },
        "hasFeatures": { !$0.features.isEmpty },
        "unregistered": { $0.unregistered.map(Unregistered.init) },
        "hasUnregistered": { !$0.unregistered.isEmpty },
        "form": { $0.form },
        "ruleOptions": { SelectOption.list(AdminText.ruleKinds, current: $0.form.values["rule_kind"] ?? "per_event") },
    ]

    struct Row: KeyedTemplateValue {
        let row: FeatureRow
        static let templateKeys: TemplateKeys<Self> = [
            "key": { $0.row.key },
            "name": { $0.row.name },
            "rule": { AdminText.rule($0.row.rule) },
            "plans": { AdminText.count($0.row.plans) },
            "href": { "/admin/features/\($0.row.key)" },
        ]
    }

    struct Unregistered: KeyedTemplateValue {
        let row: UnregisteredFeature
        static let templateKeys: TemplateKeys<Self> = [
            "key": { $0.row.key },
            "events": { AdminText.count($0.row.events) },
            "accounts": { AdminText.count($0.row.accounts) },
            "lastDay": { $0.row.lastDay },
            // A key events send may not be a valid feature key (uppercase, spaces…): then it
            // cannot be registered as is, and the row says so instead of offering the button.
            "registrable": { AdminPlanStore.problemsOfFeature(key: $0.row.key, name: $0.row.key).isEmpty },
        ]
    }
}

/// `/admin/features/{key}`.
struct FeatureEditView: KeyedTemplateValue {
    let feature: FeatureRow
    let form: FormState

    static let templateKeys: TemplateKeys<Self> = [
        "key": { $0.feature.key },
        "name": { $0.feature.name },
        "form": { $0.form },
        "ruleOptions": { SelectOption.list(AdminText.ruleKinds, current: $0.form.values["rule_kind"] ?? $0.feature.rule.kind) },
    ]
}
