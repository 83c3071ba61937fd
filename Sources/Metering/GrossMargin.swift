/// What an account paid for one billing period: the plan's fee, the overage charge and the
/// credits it bought (sold top-ups granted in the period).
public struct PeriodRevenue: Hashable, Sendable {
    /// The plan's monthly fee for the period.
    public let fee: Money
    /// The overage charge (charge plans; zero on block plans).
    public let overage: Money
    /// Sold top-ups granted in the period (the grants' prices).
    public let topUps: Money

    /// The parts of a period's revenue.
    public init(fee: Money, overage: Money, topUps: Money) {
        self.fee = fee
        self.overage = overage
        self.topUps = topUps
    }

    /// fee + overage + top-ups.
    public func total() throws(AmountError) -> Money {
        try fee.adding(overage).adding(topUps)
    }
}

/// How serious a gross margin is: below 30% is a warning, below 10% critical (negative margins
/// included). No revenue means no margin to judge.
public enum MarginLevel: String, Hashable, Sendable, Comparable {
    case healthy, warning, critical

    /// The warning threshold: 30%.
    public static let warningBelow = try! BasisPoints(3_000)
    /// The critical threshold: 10%.
    public static let criticalBelow = try! BasisPoints(1_000)

    public static func < (lhs: MarginLevel, rhs: MarginLevel) -> Bool {
        let order: [MarginLevel] = [.healthy, .warning, .critical]
        return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
    }
}

/// Gross margin = (revenue − cost) / revenue, where cost is what the events cost (provider price
/// plus infra overhead, as stored at ingest). The one rule the margins page, the overview and the
/// low-margin alert share.
public struct GrossMargin: Hashable, Sendable {
    /// Revenue in the period.
    public let revenue: Money
    /// Cost in the period.
    public let cost: Money

    /// A margin from revenue and cost.
    public init(revenue: Money, cost: Money) {
        self.revenue = revenue
        self.cost = cost
    }

    /// revenue − cost (negative when the account loses money).
    public func amount() throws(AmountError) -> Money {
        try revenue.subtracting(cost)
    }

    /// The margin in basis points of revenue, rounded half-even (10,000 = 100%; negative when
    /// cost exceeds revenue); nil when there is no revenue to divide by.
    public var basisPoints: Int64? {
        guard revenue.nanos > 0 else { return nil }
        let (difference, overflow) = revenue.nanos.subtractingReportingOverflow(cost.nanos)
        guard !overflow,
              let basisPoints = try? FixedPoint.multiplyDivideHalfEven(difference, 10_000, by: revenue.nanos, "a margin")
        else { return .min }
        return Int64(clamping: basisPoints)
    }

    /// The level of this margin; nil without revenue.
    public var level: MarginLevel? {
        guard let basisPoints else { return nil }
        if basisPoints < MarginLevel.criticalBelow.value { return .critical }
        if basisPoints < MarginLevel.warningBelow.value { return .warning }
        return .healthy
    }

    /// "42.5%" (one decimal), or "—" without revenue.
    public var percentText: String {
        basisPoints.map(Self.percentText(basisPoints:)) ?? "—"
    }

    /// Basis points as a percentage with one decimal, half away from zero: 4,250 → "42.5%".
    public static func percentText(basisPoints: Int64) -> String {
        let sign = basisPoints < 0 ? "-" : ""
        let tenths = (basisPoints.magnitude + 5) / 10
        return "\(sign)\(tenths / 10).\(tenths % 10)%"
    }
}
