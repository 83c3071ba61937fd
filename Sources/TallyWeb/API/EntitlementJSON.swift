import Foundation
import Metering
import MeteringStore

/// The entitlement answer's JSON, written directly:
///
/// ```json
/// {"allowed":true,"credits":{"granted":100,"included":100,"remaining":60,"used":40},
///  "period":{"end":"2027-03-01T00:00:00Z","resets_at":"2027-03-01T00:00:00Z","start":"2027-02-01T00:00:00Z"},
///  "reason":"ok"}
/// ```
///
/// The same text `APIJSON` would give (keys sorted, RFC 3339 dates, credits as exact decimal
/// numbers or `"unlimited"`), without `JSONEncoder`: the check is the API's hottest call and
/// encoding was most of its CPU in the handler.
enum EntitlementJSON {
    static func text(_ answer: EntitlementAnswer) -> String {
        let ledger = answer.ledger
        var out = "{\"allowed\":"
        out += answer.decision.allowed ? "true" : "false"
        out += ",\"credits\":{\"granted\":" + amount(ledger.granted)
        out += ",\"included\":" + amount(ledger.included)
        out += ",\"remaining\":" + amount(ledger.remaining)
        out += ",\"used\":" + amount(.limited(ledger.used))
        out += "},\"period\":{\"end\":\"" + timestamp(answer.period.end)
        out += "\",\"resets_at\":\"" + timestamp(answer.period.resetsAt)
        out += "\",\"start\":\"" + timestamp(answer.period.start)
        // Reasons are fixed snake_case words: nothing to escape.
        out += "\"},\"reason\":\"" + answer.decision.reason.rawValue + "\"}"
        return out
    }

    /// `decimalString` is already a JSON number: digits, an optional `-` and `.`, no exponent.
    static func amount(_ limit: CreditLimit) -> String {
        switch limit {
        case .unlimited: "\"unlimited\""
        case .limited(let credits): credits.decimalString
        }
    }

    /// `2027-03-01T00:00:00Z`: whole seconds in UTC, as `JSONEncoder`'s `.iso8601`.
    static func timestamp(_ date: Date) -> String {
        let seconds = Int64((date.timeIntervalSince1970).rounded(.down))
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
            + pad(secondOfDay % 3600 / 60, 2) + ":" + pad(secondOfDay % 60, 2) + "Z"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's algorithm).
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
