import Foundation
import Metering
import Reporting
import Templating

/// `/admin/plans`.
struct PlanListView: KeyedTemplateValue {
    let plans: [PlanListRow]

    static let templateKeys: TemplateKeys<Self> = [
        "plans": { $0.plans.map(PlanRow.init) },
        "hasPlans": { !$0.plans.isEmpty },
    ]

    struct PlanRow: KeyedTemplateValue {
        let row: PlanListRow

        private var scheduled: String? { row.scheduled > 0 ? "+\(row.scheduled) next period" : nil }

        static let templateKeys: TemplateKeys<Self> = [
            "href": { "/admin/plans/\($0.row.plan.id)" },
            "name": { $0.row.plan.name },
            "code": { $0.row.plan.code },
            "fee": { AdminText.money($0.row.plan.monthlyFee) },
            "included": { AdminText.credits($0.row.plan.included) },
            "overage": { AdminText.overage($0.row.plan.overage) },
            "archived": { $0.row.plan.archived },
            "accounts": { AdminText.count($0.row.accounts) },
            "scheduled": { $0.scheduled },
        ]
    }
}

/// `/admin/plans/new`.
struct PlanNewView: KeyedTemplateValue {
    let form: FormState

    static let templateKeys: TemplateKeys<Self> = [
        "form": { $0.form },
        "policyOptions": { PlanDetailView.policyOptions($0.form) },
    ]
}

/// `/admin/plans/{id}`: the plan, its edit and archive forms and its entitlements.
struct PlanDetailView: KeyedTemplateValue {
    let row: PlanListRow
    let features: [PlanFeatureRow]
    let edit: FormState
    let archive: FormState
    /// The entitlement form refused, by feature key.
    let entitlement: (String, FormState)?

    static let templateKeys: TemplateKeys<Self> = [
        "id": { String($0.row.plan.id) },
        "name": { $0.row.plan.name },
        "code": { $0.row.plan.code },
        "archived": { $0.row.plan.archived },
        "facts": { model in
            [
                Fact(label: "Code", value: model.row.plan.code), Fact(label: "Monthly fee", value: AdminText.money(model.row.plan.monthlyFee)),
                Fact(label: "Included credits", value: AdminText.credits(model.row.plan.included)),
                Fact(label: "Overage", value: AdminText.overage(model.row.plan.overage)),
                Fact(label: "Accounts on it now", value: AdminText.count(model.row.accounts)),
                Fact(label: "Moving to it next period", value: AdminText.count(model.row.scheduled)),
            ]
        },
        "accountsHref": { _ in "/admin/accounts?sort=plan" },
        "form": { $0.edit },
        "archiveForm": { $0.archive },
        "policyOptions": { Self.policyOptions($0.edit) },
        "features": { model in
            model.features.map { feature in
                let refused = model.entitlement.flatMap { $0.0 == feature.featureKey ? $0.1 : nil }
                return FeatureEntitlementRow(row: feature, form: refused ?? FormState(EntitlementForm.values(feature)))
            }
        },
        "hasFeatures": { !$0.features.isEmpty },
    ]

    static func policyOptions(_ form: FormState) -> [SelectOption] {
        SelectOption.list(
            [("block", "Block: a hard cap, with optional grace"), ("charge", "Charge: allow, bill each credit over")],
            current: form.values["overage_policy"] ?? "block")
    }
}

/// One feature's row on the plan page, with its entitlement form.
struct FeatureEntitlementRow: KeyedTemplateValue {
    let row: PlanFeatureRow
    let form: FormState

    /// "1.5 credits per event · at most 100 credits per period".
    private var summary: String? {
        guard let entitlement = row.entitlement else { return nil }
        var parts: [String] = []
        if let rule = entitlement.creditRuleOverride { parts.append("override: \(AdminText.rule(rule))") }
        if case .limited(let limit) = entitlement.periodLimit { parts.append("at most \(limit.formatted) credits per period") }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    static let templateKeys: TemplateKeys<Self> = [
        "key": { $0.row.featureKey },
        "name": { $0.row.featureName },
        "featureRule": { AdminText.rule($0.row.featureRule) },
        "state": { model in model.row.entitlement.map { $0.enabled ? "Enabled" : "Disabled" } ?? "Not in plan" },
        "enabled": { $0.row.entitlement?.enabled ?? false },
        "summary": { $0.summary },
        "form": { $0.form },
        "ruleOptions": {
            SelectOption.list([("", "Feature's own rule")] + AdminText.ruleKinds, current: $0.form.values["rule_kind"] ?? "")
        },
    ]
}
