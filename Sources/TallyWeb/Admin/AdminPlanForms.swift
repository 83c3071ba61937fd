import TallyDatabase
import Foundation
import Metering
import MeteringStore
import Reporting

/// Reads the plan form: code, name, monthly fee, included credits (or unlimited), and the
/// overage policy (block with a grace percentage, or charge a price per credit), with Metering's
/// parsers (too many decimals are refused, never rounded).
enum PlanForm {
    /// The form as a draft, or every message at once.
    static func draft(_ form: FormState) throws(FieldErrors) -> PlanDraft {
        try FieldErrors.collecting { parse(form, errors: &$0) }
    }

    static func parse(_ form: FormState, errors: inout FieldErrors) -> PlanDraft? {
        let fee = amount(form, "monthly_fee", empty: "Enter the monthly fee in USD, e.g. 49 or 0.", errors: &errors) { try Money(parsing: $0) }
        var included: CreditLimit?
        if form.isChecked("unlimited") {
            included = .unlimited
        } else if let credits = amount(form, "included_credits", empty: "Enter the credits included per period, or tick unlimited.", errors: &errors, { try Credits(parsing: $0) }) {
            included = .limited(credits)
        }
        var overage: OveragePolicy?
        switch form["overage_policy"] {
        case "block":
            let text = form["grace"].isEmpty ? "0" : form["grace"]
            do {
                overage = .block(grace: try BasisPoints(parsingPercent: text))
            } catch {
                errors["grace"] = AdminParse.message(error, empty: "")
            }
        case "charge":
            if let price = amount(form, "overage_price", empty: "Enter the price per credit over the allowance, e.g. 0.01.", errors: &errors, { try Money(parsing: $0) }) {
                overage = .charge(pricePerCredit: price)
            }
        default:
            errors["overage_policy"] = "Choose block or charge."
        }
        // Code and name are checked even when an amount did not parse, so every message shows at
        // once (placeholders stand in for the amounts already refused; their messages win).
        let draft = PlanDraft(
            code: form["code"], name: form["name"], monthlyFee: fee ?? .zero, includedCredits: included ?? .unlimited,
            overage: overage ?? .block(grace: .zero))
        errors.merge(AdminPlanStore.problems(draft))
        guard fee != nil, included != nil, overage != nil else { return nil }
        return draft
    }

    /// The form's fields for an existing plan.
    static func values(_ plan: PlanSummary) -> [String: String] {
        var values = ["code": plan.code, "name": plan.name, "monthly_fee": plan.monthlyFee.decimalString]
        switch plan.included {
        case .unlimited: values["unlimited"] = "yes"
        case .limited(let credits): values["included_credits"] = credits.decimalString
        }
        switch plan.overage {
        case .block(let grace):
            values["overage_policy"] = "block"
            values["grace"] = String(grace.description.dropLast())
        case .charge(let price):
            values["overage_policy"] = "charge"
            values["overage_price"] = price.decimalString
        }
        return values
    }

    private static func amount<T>(
        _ form: FormState, _ field: String, empty: String, errors: inout FieldErrors, _ parse: (String) throws -> T
    ) -> T? {
        do {
            return try parse(form[field])
        } catch {
            errors[field] = AdminParse.message(error, empty: empty)
            return nil
        }
    }
}

/// Reads a credit rule (kind and rate), e.g. the feature form's or an entitlement override's.
enum RuleForm {
    static func parse(kind: String, rate: String, errors: inout FieldErrors, prefix: String = "") -> CreditRule? {
        guard AdminText.ruleKinds.contains(where: { $0.0 == kind }) else {
            errors[prefix + "rule_kind"] = "Choose how events earn credits."
            return nil
        }
        do {
            let credits = try Credits(parsing: rate)
            guard credits >= .zero else {
                errors[prefix + "rate"] = "Enter zero or more credits."
                return nil
            }
            return CreditRule(kind: kind, rate: credits)
        } catch {
            errors[prefix + "rate"] = AdminParse.message(error, empty: "Enter the credits per unit, e.g. 1 or 0.5.")
            return nil
        }
    }
}
