import Templating
import Foundation
import Metering
import Reporting
import SVGCharts

/// One row of a cost table: name, events, cost and its share of the total.
struct CostRowView: KeyedTemplateValue, Sendable {
    let name: String
    let href: String?
    let events: String
    let cost: String
    let share: String

    static let templateKeys: [String: any PartialKeyPath<CostRowView> & Sendable] = [
        "name": \.name, "href": \.href, "events": \.events, "cost": \.cost, "share": \.share,
    ]

    init(_ line: CostLine, name: String, href: String? = nil, total: Money) {
        self.name = name
        self.href = href
        events = countText(line.events)
        cost = MoneyText.usd(line.cost)
        share = total.nanos > 0 ? MoneyText.percent(basisPoints: Int64(clamping: line.cost.nanos * 10_000 / total.nanos)) : "—"
    }
}

/// An account in the lowest-margins table.
struct MarginRowView: KeyedTemplateValue, Sendable {
    let name: String
    let href: String
    let revenue: String
    let cost: String
    let percent: String
    let badge: MarginBadge

    static let templateKeys: [String: any PartialKeyPath<MarginRowView> & Sendable] = [
        "name": \.name, "href": \.href, "revenue": \.revenue, "cost": \.cost, "percent": \.percent, "badge": \.badge,
    ]
}

/// A feature's health row.
struct FeatureHealthView: KeyedTemplateValue, Sendable {
    let name: String
    let events: String
    let successRate: String
    let costPerUnit: String
    let p50: String
    let p95: String
    let p99: String

    static let templateKeys: [String: any PartialKeyPath<FeatureHealthView> & Sendable] = [
        "name": \.name, "events": \.events, "successRate": \.successRate, "costPerUnit": \.costPerUnit,
        "p50": \.p50, "p95": \.p95, "p99": \.p99,
    ]

    init(_ health: FeatureHealth) {
        name = health.featureKey.isEmpty ? "Unattributed" : health.featureKey
        events = countText(health.events)
        successRate = health.successBasisPoints.map { MoneyText.percent(basisPoints: $0) } ?? "—"
        costPerUnit = health.costPerOutputUnit.map(MoneyText.precise) ?? "—"
        p50 = Self.latency(health.latencyBucket(percentile: 50))
        p95 = Self.latency(health.latencyBucket(percentile: 95))
        p99 = Self.latency(health.latencyBucket(percentile: 99))
    }

    /// A latency bucket as its upper bound: bucket b holds [2^(b-1), 2^b) ms.
    static func latency(_ bucket: Int?) -> String {
        guard let bucket else { return "—" }
        if bucket == 0 { return "0 ms" }
        if bucket >= 19 { return "≥ \(countText(1 << 18)) ms" }
        return "< \(countText(Int64(1) << bucket)) ms"
    }
}

/// An unpriced model row.
struct UnpricedView: KeyedTemplateValue, Sendable {
    let model: String
    let events: String
    let accounts: String

    static let templateKeys: [String: any PartialKeyPath<UnpricedView> & Sendable] = ["model": \.model, "events": \.events, "accounts": \.accounts]
}

/// `1,234` (locale-independent).
func countText(_ value: Int64) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (index, character) in digits.enumerated() {
        if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
        out.append(character)
    }
    return (value < 0 ? "-" : "") + out
}

/// The overview's figures, formatted.
struct OverviewReportView: KeyedTemplateValue, Sendable {
    let rangeLabel: String
    let cost: String
    let revenue: String
    let marginPercent: String
    let marginAmount: String
    let badge: MarginBadge
    let events: String
    let chartSVG: String
    let chartTable: String
    let byFeature: [CostRowView]
    let byModel: [CostRowView]
    let topAccounts: [CostRowView]
    let lowestMargins: [MarginRowView]
    let unpriced: [UnpricedView]
    let unattributedEvents: String
    let unattributedCost: String
    let hasUnattributed: Bool
    let features: [FeatureHealthView]
    let hasUsage: Bool
    let topUpRequestsWaiting: [OverviewSlotItem]
    let recentAlerts: [OverviewSlotItem]
    let topUpRequestsCount: String
    let openAlertsCount: String
    var hasTopUpRequests: Bool { !topUpRequestsWaiting.isEmpty }
    var hasRecentAlerts: Bool { !recentAlerts.isEmpty }
    var hasUnpriced: Bool { !unpriced.isEmpty }

    static let templateKeys: [String: any PartialKeyPath<OverviewReportView> & Sendable] = [
        "rangeLabel": \.rangeLabel, "cost": \.cost, "revenue": \.revenue, "marginPercent": \.marginPercent,
        "marginAmount": \.marginAmount, "badge": \.badge, "events": \.events, "chartSVG": \.chartSVG,
        "chartTable": \.chartTable, "byFeature": \.byFeature, "byModel": \.byModel, "topAccounts": \.topAccounts,
        "lowestMargins": \.lowestMargins, "unpriced": \.unpriced, "unattributedEvents": \.unattributedEvents,
        "unattributedCost": \.unattributedCost, "hasUnattributed": \.hasUnattributed, "features": \.features,
        "hasUsage": \.hasUsage, "topUpRequestsWaiting": \.topUpRequestsWaiting, "recentAlerts": \.recentAlerts,
        "hasTopUpRequests": \.hasTopUpRequests, "hasRecentAlerts": \.hasRecentAlerts, "hasUnpriced": \.hasUnpriced,
        "topUpRequestsCount": \.topUpRequestsCount, "openAlertsCount": \.openAlertsCount,
    ]

    init(_ report: OverviewReport, slots: OverviewSlots) {
        rangeLabel = "\(report.from) to \(report.through)"
        cost = MoneyText.usd(report.cost)
        revenue = MoneyText.usd(report.revenue)
        marginPercent = report.margin.percentText
        marginAmount = MoneyText.usd((report.revenue - report.cost))
        badge = MarginBadge(report.margin)
        events = countText(report.events)
        let chart = LineChart(
            text: ChartText(idPrefix: "cost-revenue", title: "Daily cost and revenue", emptyMessage: "No usage in this range"),
            format: .nanoUSD, categories: report.days.map(\.day.description),
            series: [
                ChartSeries(name: "Revenue", values: report.days.map(\.revenue.nanos)),
                ChartSeries(name: "Cost", values: report.days.map(\.cost.nanos)),
            ])
        chartSVG = chart.svg()
        chartTable = chart.table().html()
        byFeature = report.byFeature.map { CostRowView($0, name: $0.key.isEmpty ? "Unattributed" : $0.key, total: report.cost) }
        byModel = report.byModel.map { CostRowView($0, name: $0.key.isEmpty ? "(no model)" : $0.key, total: report.cost) }
        topAccounts = report.topAccounts.map { CostRowView($0, name: $0.name, href: "/admin/accounts/\($0.key)", total: report.cost) }
        lowestMargins = report.lowestMargins.map {
            MarginRowView(
                name: $0.name, href: "/admin/accounts/\($0.accountID)", revenue: MoneyText.usd($0.revenue),
                cost: MoneyText.usd($0.cost), percent: $0.margin.percentText, badge: MarginBadge($0.margin))
        }
        unpriced = report.unpriced.map {
            UnpricedView(model: $0.model.isEmpty ? "(no model)" : $0.model, events: countText($0.events), accounts: countText($0.accounts))
        }
        unattributedEvents = countText(report.unattributedEvents)
        unattributedCost = MoneyText.usd(report.unattributedCost)
        hasUnattributed = report.unattributedEvents > 0
        features = report.features.map(FeatureHealthView.init)
        hasUsage = report.events > 0
        topUpRequestsWaiting = slots.topUpRequestsWaiting
        recentAlerts = slots.recentAlerts
        topUpRequestsCount = "\(countText(Int64(slots.topUpRequestsTotal))) waiting"
        openAlertsCount = "\(countText(Int64(slots.openAlertsTotal))) open"
    }
}
