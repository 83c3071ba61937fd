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

    static let templateKeys: TemplateKeys<Self> = [
        "name": { $0.name },
        "href": { $0.href },
        "events": { $0.events },
        "cost": { $0.cost },
        "share": { $0.share },
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

    static let templateKeys: TemplateKeys<Self> = [
        "name": { $0.name },
        "href": { $0.href },
        "revenue": { $0.revenue },
        "cost": { $0.cost },
        "percent": { $0.percent },
        "badge": { $0.badge },
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

    static let templateKeys: TemplateKeys<Self> = [
        "name": { $0.name },
        "events": { $0.events },
        "successRate": { $0.successRate },
        "costPerUnit": { $0.costPerUnit },
        "p50": { $0.p50 },
        "p95": { $0.p95 },
        "p99": { $0.p99 },
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

    static let templateKeys: TemplateKeys<Self> = [
        "model": { $0.model },
        "events": { $0.events },
        "accounts": { $0.accounts },
    ]
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

    static let templateKeys: TemplateKeys<Self> = [
        "rangeLabel": { $0.rangeLabel },
        "cost": { $0.cost },
        "revenue": { $0.revenue },
        "marginPercent": { $0.marginPercent },
        "marginAmount": { $0.marginAmount },
        "badge": { $0.badge },
        "events": { $0.events },
        "chartSVG": { $0.chartSVG },
        "chartTable": { $0.chartTable },
        "byFeature": { $0.byFeature },
        "byModel": { $0.byModel },
        "topAccounts": { $0.topAccounts },
        "lowestMargins": { $0.lowestMargins },
        "unpriced": { $0.unpriced },
        "unattributedEvents": { $0.unattributedEvents },
        "unattributedCost": { $0.unattributedCost },
        "hasUnattributed": { $0.hasUnattributed },
        "features": { $0.features },
        "hasUsage": { $0.hasUsage },
        "topUpRequestsWaiting": { $0.topUpRequestsWaiting },
        "recentAlerts": { $0.recentAlerts },
        "hasTopUpRequests": { $0.hasTopUpRequests },
        "hasRecentAlerts": { $0.hasRecentAlerts },
        "hasUnpriced": { $0.hasUnpriced },
        "topUpRequestsCount": { $0.topUpRequestsCount },
        "openAlertsCount": { $0.openAlertsCount },
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
