import Foundation
import Metering
import MeteringStore

/// How the admin pages write values: exact, locale-independent, UTC unless a zone is given.
enum AdminText {
    /// `2027-02-20 12:00 UTC` (or in `zone`, with its identifier).
    static func instant(_ date: Date, in zone: TimeZone = TimeZone(identifier: "UTC")!) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let text = String(
            format: "%04ld-%02ld-%02ld %02ld:%02ld", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
        return text + " " + (zone.identifier == "GMT" ? "UTC" : zone.identifier)
    }

    /// `2027-02-20` in `zone`.
    static func day(_ date: Date, in zone: TimeZone = TimeZone(identifier: "UTC")!) -> String {
        LocalDay(containing: date, in: zone).description
    }

    /// `1,234.5` or `unlimited`.
    static func credits(_ limit: CreditLimit) -> String {
        switch limit {
        case .unlimited: "unlimited"
        case .limited(let credits): credits.formatted
        }
    }

    /// Fees and prices: `$49.00`; every decimal when it has more than cents (`$0.0125`).
    static func money(_ money: Money) -> String {
        money.nanos % 10_000_000 == 0 ? money.formatted() : (money.nanos < 0 ? "-$" : "$") + Money(nanos: abs(money.nanos)).decimalString
    }

    /// Costs: four decimals (`$0.0125`), so small model costs do not read as zero.
    static func cost(_ money: Money) -> String { money.formatted(fractionDigits: 4) }

    /// `12,345`.
    static func count(_ value: some BinaryInteger) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// `12.5%` from basis points.
    static func percent(_ basisPoints: Int64) -> String {
        (try? BasisPoints(basisPoints))?.description ?? "—"
    }

    /// "block (grace 10%)" / "charge $0.01 per credit".
    static func overage(_ policy: OveragePolicy) -> String {
        switch policy {
        case .block(let grace): grace == .zero ? "Block at the limit" : "Block after \(grace) grace"
        case .charge(let price): "Charge \(money(price)) per credit over"
        }
    }

    /// "2 credits per 1k tokens".
    static func rule(_ rule: CreditRule) -> String {
        "\(rule.rate.formatted) credit\(rule.rate == Credits(millis: 1_000) ? "" : "s") \(ruleUnit(rule.kind))"
    }

    static func ruleUnit(_ kind: String) -> String {
        switch kind {
        case "per_event": "per event"
        case "per_output_unit": "per output unit"
        case "per_1k_tokens": "per 1k tokens"
        default: "per USD of cost"
        }
    }

    /// The credit rule kinds for a `<select>`.
    static let ruleKinds: [(String, String)] = [
        ("per_event", "per event"), ("per_output_unit", "per output unit"), ("per_1k_tokens", "per 1k tokens"),
        ("per_usd", "per USD of cost"),
    ]
}
