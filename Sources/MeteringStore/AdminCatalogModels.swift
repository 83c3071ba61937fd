import Foundation
import Metering

/// An account as an admin creates or edits it.
public struct AccountDraft: Sendable, Hashable {
    /// The operator's own id, unique; held in NFC, Tally's identity form (`IdentityText`).
    public var externalID: String {
        didSet { externalID = IdentityText.normalized(externalID) }
    }
    /// Display name.
    public var name: String
    /// The plan; nil: none (every feature is then `not_in_plan`).
    public var planID: Int64?
    /// IANA time zone, e.g. `Europe/Paris`.
    public var timeZone: String
    /// Billing anchor day, 1…31.
    public var anchorDay: Int

    /// An account definition.
    public init(externalID: String, name: String, planID: Int64?, timeZone: String, anchorDay: Int) {
        self.externalID = IdentityText.normalized(externalID)
        self.name = name
        self.planID = planID
        self.timeZone = timeZone
        self.anchorDay = anchorDay
    }
}

extension AccountDraft {
    /// What is wrong with the draft; empty when it can be saved (uniqueness and the plan are
    /// checked on save).
    public func problems() -> [AccountProblem] {
        var problems: [AccountProblem] = []
        if !(1...200).contains(name.count) || name.allSatisfy(\.isWhitespace) { problems.append(.name) }
        if !(1...200).contains(externalID.unicodeScalars.count) || externalID.contains(where: \.isWhitespace) {
            problems.append(.externalID)
        }
        if !Self.isTimeZone(timeZone) { problems.append(.timeZone(timeZone)) }
        if !(1...31).contains(anchorDay) { problems.append(.anchorDay) }
        return problems
    }

    /// Whether `identifier` is in the IANA time zone list (or `UTC`).
    public static func isTimeZone(_ identifier: String) -> Bool {
        identifier == "UTC" || TimeZone.knownTimeZoneIdentifiers.contains(identifier)
    }
}

/// When a plan change takes effect.
public enum PlanChangeTiming: String, Sendable, Hashable, CaseIterable {
    /// At once: the current period is counted under the new plan from now on.
    case now
    /// At the start of the account's next billing period.
    case nextPeriod = "next_period"
}

/// Credits an admin grants to an account.
public struct GrantDraft: Sendable, Hashable {
    /// Milli-credits; only adjustments may be negative.
    public var amount: Credits
    /// `top_up` (sold or given) or `adjustment` (a correction).
    public var kind: GrantKind
    /// Why; shown in the account's grants.
    public var note: String
    /// What a sold top-up earned (revenue); nil when given away.
    public var price: Money?
    /// When the grant stops counting; nil: never.
    public var expiresAt: Date?

    /// A grant.
    public init(amount: Credits, kind: GrantKind, note: String, price: Money?, expiresAt: Date?) {
        self.amount = amount
        self.kind = kind
        self.note = note
        self.price = price
        self.expiresAt = expiresAt
    }
}

/// Display strings for audit snapshots, shared by the admin stores.
enum AuditText {
    static func credits(_ limit: CreditLimit) -> String {
        switch limit {
        case .unlimited: "unlimited"
        case .limited(let credits): credits.formatted
        }
    }

    static func usd(_ money: Money) -> String { "$" + money.decimalString }

    /// `1 Mar 2027`: the UTC day of `date`.
    static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = TimeZone(secondsFromGMT: 0)!
        formatter.dateFormat = "d MMM yyyy"
        return formatter.string(from: date)
    }

    static func overage(_ policy: OveragePolicy) -> String {
        switch policy {
        case .block(let grace): "block, grace \(grace)"
        case .charge(let price): "charge \(usd(price)) per credit"
        }
    }

    static func rule(_ rule: CreditRule?) -> String {
        guard let rule else { return "feature's own" }
        return "\(rule.rate.formatted) \(rule.rate == Credits(millis: 1_000) ? "credit" : "credits") \(ruleUnit(rule))"
    }

    static func ruleUnit(_ rule: CreditRule) -> String {
        switch rule {
        case .perEvent: "per event"
        case .perOutputUnit: "per output unit"
        case .perThousandTokens: "per 1k tokens"
        case .perDollarOfCost: "per USD of cost"
        }
    }

    static func instant(_ date: Date?) -> String {
        guard let date else { return "never" }
        return date.formatted(Date.ISO8601FormatStyle())
    }
}
