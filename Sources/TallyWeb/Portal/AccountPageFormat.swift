import Foundation
import Metering

/// Formatting shared by the billing, team, settings and top-up pages: dates in a given time
/// zone (locale-independent, so pages and tests are deterministic), credits and money.
enum AccountPageFormat {
    /// `20 Feb 2027`.
    static func day(_ date: Date, in zone: TimeZone) -> String {
        format(date, zone, "d MMM yyyy")
    }

    /// `20 Feb 2027, 14:05`.
    static func dateTime(_ date: Date, in zone: TimeZone) -> String {
        format(date, zone, "d MMM yyyy, HH:mm")
    }

    /// A billing period by its local days, the last one inclusive: `1 Feb 2027 – 28 Feb 2027`.
    static func period(_ period: BillingPeriod) -> String {
        let last = period.end.addingTimeInterval(-1)
        return "\(self.day(period.start, in: period.timeZone)) – \(self.day(last, in: period.timeZone))"
    }

    /// Credits as `1,234.5`; unlimited as `Unlimited`.
    static func credits(_ limit: CreditLimit) -> String {
        switch limit {
        case .unlimited: "Unlimited"
        case .limited(let credits): credits.formatted
        }
    }

    /// A price per credit with as many decimals as it has (at least cents): `$0.01`, `$0.0025`.
    static func unitPrice(_ money: Money) -> String {
        let decimals = money.decimalString.split(separator: ".").dropFirst().first?.count ?? 0
        return money.formatted(fractionDigits: min(max(decimals, 2), 9))
    }

    /// A percentage from basis points: `10%`, `2.5%`.
    static func percent(_ points: BasisPoints) -> String {
        let whole = points.value / 100
        let rest = points.value % 100
        guard rest != 0 else { return "\(whole)%" }
        var decimals = String(format: "%02d", rest)
        if decimals.hasSuffix("0") { decimals.removeLast() }
        return "\(whole).\(decimals)%"
    }

    /// How long until `date`, roughly: `in 6 days`, `in 5 hours`.
    static func remaining(until date: Date, from now: Date) -> String {
        let seconds = date.timeIntervalSince(now)
        if seconds >= 2 * 86_400 { return "in \(Int(seconds / 86_400)) days" }
        if seconds >= 7_200 { return "in \(Int(seconds / 3_600)) hours" }
        return "in less than 2 hours"
    }

    static let utc = TimeZone(secondsFromGMT: 0)!

    private static func format(_ date: Date, _ zone: TimeZone, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = zone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}
