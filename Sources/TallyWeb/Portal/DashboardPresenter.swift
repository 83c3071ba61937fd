import Foundation
import Metering
import Reporting
import SVGCharts

/// Turns a ``Dashboard`` into the page's figures, charts and banners. The rules (ledger, grace,
/// projection) live in Metering and Reporting; this only words them.
struct DashboardPresenter {
    let dashboard: Dashboard
    let isOwner: Bool
    /// The account whose dashboard this is: it names the chart slots.
    let accountID: Int64
    /// Where the charts are drawn, or found drawn when they equal the last view's.
    let drawings: ChartDrawings

    var view: DashboardView {
        let last = dashboard.period.nextFirstDay.adding(days: -1)
        let daily = dailyChart
        return DashboardView(
            accountName: dashboard.accountName,
            periodText: PortalFormat.span(dashboard.period.firstDay, last),
            timeZone: dashboard.timeZoneName,
            isFirstRun: !dashboard.hasAnyUsage,
            planName: dashboard.plan?.name,
            noPlanText: dashboard.plan == nil
                ? "Your account is not on a plan yet, so requests that use credits are refused. Your provider assigns the plan."
                : nil,
            stats: [creditsStat, resetStat] + policyStats + projectionStats,
            gauge: gauge.map { chartView($0, narrow: Self.narrow($0, prefix: "credits-gauge-narrow"), slot: "gauge") },
            daily: chartView(daily, narrow: Self.narrow(daily, prefix: "daily-usage-narrow"), slot: "daily"),
            byFeature: chartView(featureChart, slot: "by-feature"), byModel: chartView(modelChart, slot: "by-model"),
            periodEvents: PortalFormat.count(dashboard.periodEvents), isOwner: isOwner)
    }

    // MARK: Figures

    private var ledger: CreditLedger { dashboard.ledger }

    private var creditsStat: StatView {
        let used = PortalFormat.credits(ledger.used)
        guard case .limited(let granted) = ledger.granted, dashboard.plan != nil else {
            let note = dashboard.plan == nil ? "No plan yet" : "Unlimited plan: no allowance to run out"
            return StatView(label: "Credits used", value: used, note: note)
        }
        if granted <= .zero {
            let isCharge = if case .charge = dashboard.plan?.overage { true } else { false }
            return StatView(
                label: "Credits used", value: used,
                note: isCharge ? "None included: each credit is billed as overage" : "None included this period",
                level: isCharge ? nil : "critical")
        }
        let remaining = PortalFormat.credits(ledger.available.map { max($0, .zero) } ?? .zero)
        let percent = dashboard.percentUsed.map { "\($0)% · " } ?? ""
        return StatView(
            label: "Credits used", value: "\(used) of \(PortalFormat.credits(granted))",
            note: "\(percent)\(remaining) remaining", level: level(for: dashboard.percentUsed))
    }

    private var resetStat: StatView {
        let days = dashboard.today.days(until: dashboard.period.nextFirstDay)
        return StatView(
            label: "Resets", value: PortalFormat.daysAway(days),
            note: "\(dashboard.period.nextFirstDay.longText) (\(dashboard.timeZoneName))")
    }

    private var policyStats: [StatView] {
        guard let plan = dashboard.plan, case .limited(let granted) = ledger.granted else { return [] }
        switch plan.overage {
        case .charge(let price):
            let charge = (try? ledger.overageCharge(pricePerCredit: price)) ?? .zero
            return [StatView(
                label: "Overage so far", value: PortalFormat.creditsWithUnit(ledger.overage),
                note: "\(charge.formatted()) at \(PortalFormat.price(price)) per credit",
                level: ledger.overage > .zero ? "warning" : nil)]
        case .block(let grace):
            return [capStat(granted: granted, grace: grace)]
        }
    }

    /// Block plans: where requests stop, and where the account stands.
    private func capStat(granted: Credits, grace: BasisPoints) -> StatView {
        guard case .limited(let hard) = dashboard.hardLimit else { return StatView(label: "Limit", value: "None") }
        let graceNote = grace > .zero ? " (\(PortalFormat.percent(grace)) grace included)" : ""
        if ledger.used >= hard {
            return StatView(
                label: "Limit reached", value: "Requests refused",
                note: "until the reset on \(dashboard.period.nextFirstDay.longText)", level: "critical")
        }
        if ledger.used >= granted {
            let left = Credits(millis: hard.millis - ledger.used.millis)
            return StatView(
                label: "In grace", value: "\(PortalFormat.credits(left)) left",
                note: "Requests are refused at \(PortalFormat.creditsWithUnit(hard))\(graceNote)", level: "warning")
        }
        return StatView(label: "Hard limit", value: PortalFormat.creditsWithUnit(hard), note: "Requests are refused beyond it\(graceNote)")
    }

    private var projectionStats: [StatView] {
        let projection = dashboard.projection
        guard dashboard.plan != nil, let projected = projection.projectedAtEnd else {
            guard dashboard.plan != nil, dashboard.hasAnyUsage else { return [] }
            return [StatView(label: "Projected at period end", value: "—", note: "Shown after the period's first day")]
        }
        // A projection is an estimate: whole credits, not milli-credits.
        let rounded = Credits(millis: (projected.millis + 500) / 1_000 * 1_000)
        var stats = [StatView(label: "Projected at period end", value: PortalFormat.creditsWithUnit(rounded), note: "At the current daily rate")]
        if case .limited(let granted) = ledger.granted, granted > .zero, let runOut = projection.runOut {
            stats.append(runOutStat(runOut))
        }
        return stats
    }

    private func runOutStat(_ runOut: UsageProjection.RunOut) -> StatView {
        switch runOut {
        case .notThisPeriod:
            StatView(label: "Credits run out", value: "Not this period", note: "At the current daily rate")
        case .alreadyUsedUp:
            StatView(label: "Credits run out", value: "Used up", note: "All of this period's credits are used", level: "critical")
        case .at(let instant):
            StatView(
                label: "Credits run out", value: LocalDay(containing: instant, in: dashboard.timeZone).longText,
                note: "At the current daily rate", level: "warning")
        }
    }

    private func level(for percent: Int64?) -> String? {
        guard let percent else { return nil }
        return percent >= 100 ? "critical" : percent >= 80 ? "warning" : nil
    }

    // MARK: Banners

    /// A paused account; a block plan with nothing granted. The "credits used" banners (the
    /// thresholds crossed this period) come from the threshold alerts on every customer page
    /// (``CustomerFrames``), so the dashboard adds none of its own.
    var banners: [PageBanner] {
        var banners: [PageBanner] = []
        if dashboard.status == .paused {
            banners.append(PageBanner(level: .critical, message: "This account is paused: requests are refused until your provider resumes it."))
        }
        if let plan = dashboard.plan, case .block = plan.overage, case .limited(let granted) = ledger.granted, granted <= .zero {
            banners.append(PageBanner(level: .critical, message: "Your plan includes no credits this period: requests are refused.", linkHref: "/billing", linkLabel: "Get more credits"))
        }
        return banners
    }

    // MARK: Charts

    /// The chart's view, drawn only when it differs from what this account's `slot` last drew.
    private func chartView<C: Chart>(_ chart: C, narrow: C? = nil, slot: String) -> ChartView {
        ChartView(drawings.drawing(of: chart, narrow: narrow, slot: "dashboard.\(slot).\(accountID)"))
    }

    private var gauge: Gauge? {
        guard dashboard.plan != nil, case .limited(let granted) = ledger.granted else { return nil }
        return Gauge(
            text: ChartText(idPrefix: "credits-gauge", title: "Credits used this period"), format: .milliCredits,
            used: ledger.used.millis, included: granted.millis)
    }

    private var dailyChart: BarChart {
        BarChart(
            text: ChartText(idPrefix: "daily-usage", title: "Daily usage this period", emptyMessage: "No usage this period yet"),
            format: .milliCredits,
            points: dashboard.periodEvents > 0 ? dashboard.daily.map { ChartPoint(label: $0.label, value: $0.credits.millis) } : [],
            reference: dashboard.previousDailyAverage.map {
                ReferenceLine(label: "Last period's daily average", value: $0.millis)
            })
    }

    private var featureChart: HorizontalBarChart {
        Self.halfWidth(HorizontalBarChart(
            text: ChartText(idPrefix: "by-feature", title: "Usage by feature", emptyMessage: "No usage this period yet"),
            format: .milliCredits, points: dashboard.byFeature.map { ChartPoint(label: $0.label, value: $0.credits.millis) }))
    }

    private var modelChart: HorizontalBarChart {
        Self.halfWidth(HorizontalBarChart(
            text: ChartText(idPrefix: "by-model", title: "Usage by model", emptyMessage: "No usage this period yet"),
            format: .milliCredits, points: dashboard.byModel.map { ChartPoint(label: $0.label, value: $0.credits.millis) }))
    }

    /// The phone drawing of a gauge: a narrower viewBox, so its text is larger at 390 px.
    private static func narrow(_ gauge: Gauge, prefix: String) -> Gauge {
        var narrow = gauge
        narrow.text.idPrefix = prefix
        narrow.width = 340
        return narrow
    }

    /// The phone drawing of the daily chart.
    private static func narrow(_ chart: BarChart, prefix: String) -> BarChart {
        var narrow = chart
        narrow.text.idPrefix = prefix
        narrow.width = 360
        narrow.height = 260
        return narrow
    }

    /// These two sit side by side: a narrower viewBox keeps their text legible at half width.
    private static func halfWidth(_ chart: HorizontalBarChart) -> HorizontalBarChart {
        var chart = chart
        chart.width = 400
        return chart
    }
}

extension CreditLimit {
    /// The amount, or nil when unlimited.
    var limitValue: Credits? {
        if case .limited(let amount) = self { return amount }
        return nil
    }
}
