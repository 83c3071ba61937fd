import Foundation
import Metering
import Reporting
import Templating

/// `/admin/plans`.
struct PlanListView: TemplateValue {
    let plans: [PlanListRow]

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "plans": plans.map(PlanRow.init)
        case "hasPlans": !plans.isEmpty
        default: nil
        }
    }

    struct PlanRow: TemplateValue {
        let row: PlanListRow

        private var scheduled: String? { row.scheduled > 0 ? "+\(row.scheduled) next period" : nil }

        func templateValue(forKey key: String) -> (any TemplateValue)? {
            switch key {
            case "href": "/admin/plans/\(row.plan.id)"
            case "name": row.plan.name
            case "code": row.plan.code
            case "fee": AdminText.money(row.plan.monthlyFee)
            case "included": AdminText.credits(row.plan.included)
            case "overage": AdminText.overage(row.plan.overage)
            case "archived": row.plan.archived
            case "accounts": AdminText.count(row.accounts)
            case "scheduled": scheduled
            default: nil
            }
        }
    }
}

/// `/admin/plans/new`.
struct PlanNewView: TemplateValue {
    let form: FormState

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "form": form
        case "policyOptions": PlanDetailView.policyOptions(form)
        default: nil
        }
    }
}

/// `/admin/plans/{id}`: the plan, its edit and archive forms and its entitlements.
struct PlanDetailView: TemplateValue {
    let row: PlanListRow
    let features: [PlanFeatureRow]
    let edit: FormState
    let archive: FormState
    /// The entitlement form refused, by feature key.
    let entitlement: (String, FormState)?

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "id": String(row.plan.id)
        case "name": row.plan.name
        case "code": row.plan.code
        case "archived": row.plan.archived
        case "facts": [
            Fact(label: "Code", value: row.plan.code), Fact(label: "Monthly fee", value: AdminText.money(row.plan.monthlyFee)),
            Fact(label: "Included credits", value: AdminText.credits(row.plan.included)),
            Fact(label: "Overage", value: AdminText.overage(row.plan.overage)),
            Fact(label: "Accounts on it now", value: AdminText.count(row.accounts)),
            Fact(label: "Moving to it next period", value: AdminText.count(row.scheduled)),
        ]
        case "accountsHref": "/admin/accounts?sort=plan"
        case "form": edit
        case "archiveForm": archive
        case "policyOptions": Self.policyOptions(edit)
        case "features": features.map { feature in
            let refused = entitlement.flatMap { $0.0 == feature.featureKey ? $0.1 : nil }
            return FeatureEntitlementRow(row: feature, form: refused ?? FormState(EntitlementForm.values(feature)))
        }
        case "hasFeatures": !features.isEmpty
        default: nil
        }
    }

    static func policyOptions(_ form: FormState) -> [SelectOption] {
        SelectOption.list(
            [("block", "Block: a hard cap, with optional grace"), ("charge", "Charge: allow, bill each credit over")],
            current: form.values["overage_policy"] ?? "block")
    }
}

/// One feature's row on the plan page, with its entitlement form.
struct FeatureEntitlementRow: TemplateValue {
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

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "key": row.featureKey
        case "name": row.featureName
        case "featureRule": AdminText.rule(row.featureRule)
        case "state": row.entitlement.map { $0.enabled ? "Enabled" : "Disabled" } ?? "Not in plan"
        case "enabled": row.entitlement?.enabled ?? false
        case "summary": summary
        case "form": form
        case "ruleOptions":
            SelectOption.list([("", "Feature's own rule")] + AdminText.ruleKinds, current: form.values["rule_kind"] ?? "")
        default: nil
        }
    }
}
