import Templating
import Foundation
import Metering
import Reporting

/// The margins page.
struct MarginsView: KeyedTemplateValue, Sendable {
    /// The period fields as typed, with their messages.
    let form: FormState
    let hasErrors: Bool
    let report: MarginsReportView?
    /// The last 12 months, newest first, for the period suggestions.
    let months: [String]

    static let templateKeys: TemplateKeys<Self> = [
        "form": { $0.form },
        "hasErrors": { $0.hasErrors },
        "report": { $0.report },
        "months": { $0.months },
    ]

    init(query: MarginsQuery, report: MarginsReportView?, now: Date) {
        var month = YearMonth(LocalDay(containing: now, in: TimeZone(secondsFromGMT: 0)!))
        var months: [String] = []
        for _ in 0..<12 {
            months.append(month.description)
            month = month.previous
        }
        self.months = months
        var errors = FieldErrors()
        errors["period"] = query.periodError
        errors["through"] = query.throughError
        form = FormState(["period": query.periodText, "through": query.throughText], errors: errors)
        hasErrors = query.periodError != nil || query.throughError != nil
        self.report = report
    }
}

/// One account's row.
struct AccountMarginRow: KeyedTemplateValue, Sendable {
    let name: String
    let externalID: String
    let href: String
    let plan: String
    let periods: String
    let fee: String
    let overage: String
    let topUps: String
    let revenue: String
    let cost: String
    let margin: String
    let percent: String
    let badge: MarginBadge

    static let templateKeys: TemplateKeys<Self> = [
        "name": { $0.name },
        "externalID": { $0.externalID },
        "href": { $0.href },
        "plan": { $0.plan },
        "periods": { $0.periods },
        "fee": { $0.fee },
        "overage": { $0.overage },
        "topUps": { $0.topUps },
        "revenue": { $0.revenue },
        "cost": { $0.cost },
        "margin": { $0.margin },
        "percent": { $0.percent },
        "badge": { $0.badge },
    ]

    init(_ account: AccountMargin) {
        name = account.name
        externalID = account.externalID
        href = "/admin/accounts/\(account.accountID)"
        plan = account.planName ?? "No plan"
        periods = account.periods.isEmpty ? "—" : account.periods.map {
            "\($0.period.firstDay) – \(Self.lastDay(of: $0.period))"
        }.joined(separator: ", ")
        let revenue = account.revenue
        fee = MoneyText.usd(revenue.fee)
        overage = MoneyText.usd(revenue.overage)
        topUps = MoneyText.usd(revenue.topUps)
        self.revenue = MoneyText.usd(account.totalRevenue)
        cost = MoneyText.usd(account.cost)
        margin = MoneyText.usd((account.totalRevenue - account.cost))
        percent = account.margin.percentText
        badge = MarginBadge(account.margin)
    }

    /// The period's last local day (the day before the next period's first).
    static func lastDay(of period: BillingPeriod) -> String {
        let previous = Calendar(identifier: .gregorian).date(
            byAdding: .day, value: -1, to: period.nextFirstDay.start(in: TimeZone(secondsFromGMT: 0)!))!
        return LocalDay(containing: previous, in: TimeZone(secondsFromGMT: 0)!).description
    }
}

/// A plan's or a feature's aggregate row.
struct MarginGroupRow: KeyedTemplateValue, Sendable {
    let name: String
    let accounts: String
    let credits: String
    let revenue: String
    let cost: String
    let margin: String
    let percent: String
    let badge: MarginBadge

    static let templateKeys: TemplateKeys<Self> = [
        "name": { $0.name },
        "accounts": { $0.accounts },
        "credits": { $0.credits },
        "revenue": { $0.revenue },
        "cost": { $0.cost },
        "margin": { $0.margin },
        "percent": { $0.percent },
        "badge": { $0.badge },
    ]

    init(_ group: MarginGroup, name: String) {
        self.name = name
        accounts = countText(Int64(group.accounts))
        credits = group.credits.formatted
        revenue = MoneyText.usd(group.revenue)
        cost = MoneyText.usd(group.cost)
        margin = MoneyText.usd((group.revenue - group.cost))
        percent = group.margin.percentText
        badge = MarginBadge(group.margin)
    }
}

/// The report part of the margins page.
struct MarginsReportView: KeyedTemplateValue, Sendable {
    let title: String
    let rows: [AccountMarginRow]
    let columns: [LinkView]
    let pager: Pager
    let totalFee: String
    let totalOverage: String
    let totalTopUps: String
    let totalRevenue: String
    let totalCost: String
    let totalMargin: String
    let totalPercent: String
    let criticalCount: String
    let warningCount: String
    let plans: [MarginGroupRow]
    let features: [MarginGroupRow]
    let csvHref: String
    let hasAccounts: Bool

    static let templateKeys: TemplateKeys<Self> = [
        "title": { $0.title },
        "rows": { $0.rows },
        "columns": { $0.columns },
        "pager": { $0.pager },
        "totalFee": { $0.totalFee },
        "totalOverage": { $0.totalOverage },
        "totalTopUps": { $0.totalTopUps },
        "totalRevenue": { $0.totalRevenue },
        "totalCost": { $0.totalCost },
        "totalMargin": { $0.totalMargin },
        "totalPercent": { $0.totalPercent },
        "criticalCount": { $0.criticalCount },
        "warningCount": { $0.warningCount },
        "plans": { $0.plans },
        "features": { $0.features },
        "csvHref": { $0.csvHref },
        "hasAccounts": { $0.hasAccounts },
    ]

    init(_ report: MarginReport, query: MarginsQuery) {
        switch report.selection {
        case .current: title = "Current period of each account"
        case .months(let from, let through):
            title = from == through ? "Periods starting in \(from)" : "Periods starting \(from) to \(through)"
        case .overlapping(let from, let through): title = "Periods overlapping \(from) to \(through)"
        }
        let sorted = query.sorted(report.accounts)
        let size = MarginsRoutes.pageSize
        let page = min(query.page, max(1, (sorted.count + size - 1) / size))
        rows = sorted.dropFirst((page - 1) * size).prefix(size).map(AccountMarginRow.init)
        columns = MarginsQuery.SortKey.allCases.map { key in
            let active = key == query.sort
            return LinkView(
                label: key.label, href: "/admin/margins?" + query.queryString(sort: key, ascending: active ? !query.ascending : key == .account || key == .plan || key == .percent),
                current: active, sort: active ? (query.ascending ? "ascending" : "descending") : nil)
        }
        pager = Pager(
            page: page, pageCount: max(1, (sorted.count + size - 1) / size), total: sorted.count, noun: "account"
        ) { "/admin/margins?" + query.queryString(page: $0) }
        let total = report.total
        totalFee = MoneyText.usd(total.revenue.fee)
        totalOverage = MoneyText.usd(total.revenue.overage)
        totalTopUps = MoneyText.usd(total.revenue.topUps)
        totalRevenue = MoneyText.usd(total.margin.revenue)
        totalCost = MoneyText.usd(total.cost)
        totalMargin = MoneyText.usd((total.margin.revenue - total.cost))
        totalPercent = total.margin.percentText
        criticalCount = countText(Int64(report.accounts.filter { MarginBadge($0.margin).className == "badge-critical" }.count))
        warningCount = countText(Int64(report.accounts.filter { $0.margin.level == .warning }.count))
        plans = report.byPlan.map { MarginGroupRow($0, name: $0.key == nil ? "No plan" : $0.name) }
        features = report.byFeature.map {
            MarginGroupRow($0, name: $0.key.map { $0.isEmpty ? "Unattributed" : $0 } ?? "No usage (revenue without credits)")
        }
        csvHref = "/admin/margins.csv?" + query.queryString()
        hasAccounts = !report.accounts.isEmpty
    }
}
