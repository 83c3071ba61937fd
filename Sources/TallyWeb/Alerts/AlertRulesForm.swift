import Alerting
import Foundation
import Metering
import Templating

/// The rule settings form as posted (`application/x-www-form-urlencoded`); unchecked boxes are absent.
struct AlertRulesForm: Decodable, Sendable {
    var creditsEnabled: String?
    var creditThresholds: String?
    var marginEnabled: String?
    var marginWarning: String?
    var marginCritical: String?
    var marginCooldown: String?
    var spikeEnabled: String?
    var spikeMultiplier: String?
    var spikeMinimum: String?
    var spikeCooldown: String?
    var unpricedEnabled: String?
    var unpricedCooldown: String?
    var capEnabled: String?

    /// The form showing `settings`.
    init(_ settings: AlertRuleSettings) {
        func on(_ flag: Bool) -> String? { flag ? "on" : nil }
        creditsEnabled = on(settings.creditsEnabled)
        creditThresholds = settings.creditThresholds.map(String.init).joined(separator: ", ")
        marginEnabled = on(settings.marginEnabled)
        marginWarning = percentText(settings.marginWarningBP)
        marginCritical = percentText(settings.marginCriticalBP)
        marginCooldown = String(settings.marginCooldownMinutes)
        spikeEnabled = on(settings.spikeEnabled)
        spikeMultiplier = percentText(settings.spikeMultiplierBP / 100)
        spikeMinimum = Money(nanos: settings.spikeMinimumCost).decimalString
        spikeCooldown = String(settings.spikeCooldownMinutes)
        unpricedEnabled = on(settings.unpricedEnabled)
        unpricedCooldown = String(settings.unpricedCooldownMinutes)
        capEnabled = on(settings.capEnabled)
    }

    /// The settings, or the field problems (field → sentence).
    func settings() -> Result<AlertRuleSettings, FieldErrors> {
        var settings = AlertRuleSettings()
        var problems: [String: String] = [:]
        settings.creditsEnabled = creditsEnabled != nil
        settings.marginEnabled = marginEnabled != nil
        settings.spikeEnabled = spikeEnabled != nil
        settings.unpricedEnabled = unpricedEnabled != nil
        settings.capEnabled = capEnabled != nil
        let thresholds = (creditThresholds ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = thresholds.compactMap { Int($0) }
        if values.count == thresholds.count, !values.isEmpty {
            settings.creditThresholds = values
        } else {
            problems["creditThresholds"] = "Give whole percentages separated by commas, e.g. 50, 75, 90, 100."
        }
        func percent(_ text: String?, _ field: String) -> Int64? {
            do { return try BasisPoints(parsingPercent: (text ?? "").trimmingCharacters(in: .whitespaces)).value } catch {
                problems[field] = "Give a percentage like 30 or 12.5."
                return nil
            }
        }
        func minutes(_ text: String?, _ field: String) -> Int? {
            guard let value = Int((text ?? "").trimmingCharacters(in: .whitespaces)), (1...100_000).contains(value) else {
                problems[field] = "Give whole minutes from 1 to 100000 (1440 is a day)."
                return nil
            }
            return value
        }
        settings.marginWarningBP = percent(marginWarning, "marginWarning") ?? settings.marginWarningBP
        settings.marginCriticalBP = percent(marginCritical, "marginCritical") ?? settings.marginCriticalBP
        settings.marginCooldownMinutes = minutes(marginCooldown, "marginCooldown") ?? settings.marginCooldownMinutes
        if let multiple = percent(spikeMultiplier, "spikeMultiplier") { settings.spikeMultiplierBP = multiple * 100 }
        do {
            settings.spikeMinimumCost = try Money(parsing: (spikeMinimum ?? "").trimmingCharacters(in: .whitespaces)).int64Nanos()
        } catch {
            problems["spikeMinimum"] = "Give an amount in USD like 5 or 2.50."
        }
        settings.spikeCooldownMinutes = minutes(spikeCooldown, "spikeCooldown") ?? settings.spikeCooldownMinutes
        settings.unpricedCooldownMinutes = minutes(unpricedCooldown, "unpricedCooldown") ?? settings.unpricedCooldownMinutes
        for problem in AlertRuleStore.validate(settings) where problems[problem.field] == nil {
            problems[problem.field] = problem.message
        }
        return problems.isEmpty ? .success(settings) : .failure(FieldErrors(messages: problems))
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
struct AlertRulesView: TemplateValue, Sendable {
    let form: AlertRulesForm
    let errors: FieldErrors
    let saved: Bool

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "creditsEnabled": form.creditsEnabled != nil
        case "creditThresholds": form.creditThresholds ?? ""
        case "marginEnabled": form.marginEnabled != nil
        case "marginWarning": form.marginWarning ?? ""
        case "marginCritical": form.marginCritical ?? ""
        case "marginCooldown": form.marginCooldown ?? ""
        case "spikeEnabled": form.spikeEnabled != nil
        case "spikeMultiplier": form.spikeMultiplier ?? ""
        case "spikeMinimum": form.spikeMinimum ?? ""
        case "spikeCooldown": form.spikeCooldown ?? ""
        case "unpricedEnabled": form.unpricedEnabled != nil
        case "unpricedCooldown": form.unpricedCooldown ?? ""
        case "capEnabled": form.capEnabled != nil
        case "errors": errors
        case "hasErrors": !errors.messages.isEmpty
        case "saved": saved
        default: nil
        }
    }
}
