import Foundation
import Metering
import Reporting

/// How the portal prints numbers, dates and the plan's prices: locale-independent, so pages
/// and tests are deterministic.
enum PortalFormat {
    /// "1,234.5": credits, exact to the milli-credit.
    static func credits(_ amount: Credits) -> String { amount.formatted }

    /// "1,234.5 credits" ("1 credit").
    static func creditsWithUnit(_ amount: Credits) -> String {
        amount.formatted + (amount == Credits(millis: 1_000) ? " credit" : " credits")
    }

    /// "1,234": counts of events and tokens.
    static func count(_ value: some BinaryInteger) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// A price per credit with as many decimals as it has (at least cents): "$0.01", "$0.0025".
    static func price(_ money: Money) -> String {
        var digits = 2
        var unit: Int128 = 10_000_000  // nanos per cent
        while digits < Money.scale, money.nanos % unit != 0 {
            digits += 1
            unit /= 10
        }
        return money.formatted(fractionDigits: digits)
    }

    /// "20 Feb 2027, 13:05:09" in `timeZone`.
    static func dateTime(_ date: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = LocalDay(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) ?? LocalDay(ordinal: 0)
        return "\(day.shortText) \(day.year), " + [parts.hour, parts.minute, parts.second].map { pad($0 ?? 0) }.joined(separator: ":")
    }

    /// "2027-02-20T12:05:09Z": exact UTC, for tooltips and machine-readable attributes.
    static func utc(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    /// "1 February – 28 February 2027" style: the days a period or range covers.
    static func span(_ from: LocalDay, _ to: LocalDay) -> String {
        from == to ? to.longText : "\(from.longText) – \(to.longText)"
    }

    /// "in 3 days", "tomorrow".
    static func daysAway(_ days: Int64) -> String {
        switch days {
        case ...0: "today"
        case 1: "tomorrow"
        default: "in \(days) days"
        }
    }

    /// "10%" from basis points (whole and fractional percents).
    static func percent(_ points: BasisPoints) -> String {
        let whole = points.value / 100
        let rest = points.value % 100
        if rest == 0 { return "\(whole)%" }
        return rest % 10 == 0 ? "\(whole).\(rest / 10)%" : "\(whole).\(pad(Int(rest)))%"
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}
