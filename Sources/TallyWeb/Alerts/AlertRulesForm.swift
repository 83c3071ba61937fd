import Alerting
import Foundation
import Metering
import Templating

/// The rule settings form (`creditsEnabled`, `creditThresholds`, `marginEnabled`, …); unchecked
/// boxes are absent.
enum AlertRulesForm {
    /// The form showing `settings`.
    static func values(_ settings: AlertRuleSettings) -> [String: String] {
        var values = [
            "creditThresholds": settings.creditThresholds.map(String.init).joined(separator: ", "),
            "marginWarning": percentText(settings.marginWarningBP), "marginCritical": percentText(settings.marginCriticalBP),
            "marginCooldown": String(settings.marginCooldownMinutes), "spikeMultiplier": percentText(settings.spikeMultiplierBP / 100),
            "spikeMinimum": Money(nanos: settings.spikeMinimumCost).decimalString,
            "spikeCooldown": String(settings.spikeCooldownMinutes), "unpricedCooldown": String(settings.unpricedCooldownMinutes),
        ]
        let flags = [
            ("creditsEnabled", settings.creditsEnabled), ("marginEnabled", settings.marginEnabled),
            ("spikeEnabled", settings.spikeEnabled), ("unpricedEnabled", settings.unpricedEnabled), ("capEnabled", settings.capEnabled),
        ]
        for (name, on) in flags where on { values[name] = "on" }
        return values
    }

    /// The settings, or every field's message at once.
    static func settings(_ form: FormState) throws(FieldErrors) -> AlertRuleSettings {
        var settings = AlertRuleSettings()
        var problems = FieldErrors()
        settings.creditsEnabled = form.values["creditsEnabled"] != nil
        settings.marginEnabled = form.values["marginEnabled"] != nil
        settings.spikeEnabled = form.values["spikeEnabled"] != nil
        settings.unpricedEnabled = form.values["unpricedEnabled"] != nil
        settings.capEnabled = form.values["capEnabled"] != nil
        let thresholds = form["creditThresholds"].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = thresholds.compactMap { Int($0) }
        if values.count == thresholds.count, !values.isEmpty {
            settings.creditThresholds = values
        } else {
            problems["creditThresholds"] = "Give whole percentages separated by commas, e.g. 50, 75, 90, 100."
        }
        func percent(_ field: String) -> Int64? {
            do { return try BasisPoints(parsingPercent: form[field]).value } catch {
                problems[field] = "Give a percentage like 30 or 12.5."
                return nil
            }
        }
        func minutes(_ field: String) -> Int? {
            guard let value = Int(form[field]), (1...100_000).contains(value) else {
                problems[field] = "Give whole minutes from 1 to 100000 (1440 is a day)."
                return nil
            }
            return value
        }
        settings.marginWarningBP = percent("marginWarning") ?? settings.marginWarningBP
        settings.marginCriticalBP = percent("marginCritical") ?? settings.marginCriticalBP
        settings.marginCooldownMinutes = minutes("marginCooldown") ?? settings.marginCooldownMinutes
        if let multiple = percent("spikeMultiplier") { settings.spikeMultiplierBP = multiple * 100 }
        do {
            settings.spikeMinimumCost = try Money(parsing: form["spikeMinimum"]).int64Nanos()
        } catch {
            problems["spikeMinimum"] = "Give an amount in USD like 5 or 2.50."
        }
        settings.spikeCooldownMinutes = minutes("spikeCooldown") ?? settings.spikeCooldownMinutes
        settings.unpricedCooldownMinutes = minutes("unpricedCooldown") ?? settings.unpricedCooldownMinutes
        problems.merge(AlertRuleStore.validate(settings))
        guard problems.isEmpty else { throw problems }
        return settings
    }
}

/// `30` or `12.5` for basis points 3000 or 1250.
func percentText(_ bp: Int64) -> String {
    let whole = bp / 100
    let rest = abs(bp % 100)
    if rest == 0 { return String(whole) }
    return rest % 10 == 0 ? "\(whole).\(rest / 10)" : "\(whole).\(rest < 10 ? "0" : "")\(rest)"
}

/// `/admin/alerts/rules`.
struct AlertRulesView: KeyedTemplateValue, Sendable {
    let form: FormState
    let saved: Bool

    static let templateKeys: TemplateKeys<Self> = [
        "creditsEnabled": { $0.form.values["creditsEnabled"] != nil },
        "creditThresholds": { $0.form.values["creditThresholds"] ?? "" },
        "marginEnabled": { $0.form.values["marginEnabled"] != nil },
        "marginWarning": { $0.form.values["marginWarning"] ?? "" },
        "marginCritical": { $0.form.values["marginCritical"] ?? "" },
        "marginCooldown": { $0.form.values["marginCooldown"] ?? "" },
        "spikeEnabled": { $0.form.values["spikeEnabled"] != nil },
        "spikeMultiplier": { $0.form.values["spikeMultiplier"] ?? "" },
        "spikeMinimum": { $0.form.values["spikeMinimum"] ?? "" },
        "spikeCooldown": { $0.form.values["spikeCooldown"] ?? "" },
        "unpricedEnabled": { $0.form.values["unpricedEnabled"] != nil },
        "unpricedCooldown": { $0.form.values["unpricedCooldown"] ?? "" },
        "capEnabled": { $0.form.values["capEnabled"] != nil },
        "errors": { $0.form.errors },
        "hasErrors": { $0.form.hasErrors },
        "saved": { $0.saved },
    ]
}
