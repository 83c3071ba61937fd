import Foundation
import Metering
import MeteringStore
import Reporting
import SVGCharts
import Templating

/// `/admin/accounts/{id}`: facts, the period's ledger, charts, usage, users, grants, audit, and
/// (for admins) the action forms.
struct AccountDetailView: KeyedTemplateValue {
    let account: AccountDetail
    /// The account's current period in ``MarginReport``; nil only if the account vanished between the two reads.
    let margin: AccountMargin?
    let plans: [PlanSummary]
    let forms: AccountForms
    let now: Date

    private var zone: TimeZone { account.period.timeZone }

    static let templateKeys: TemplateKeys<Self> = [
        "id": { String($0.account.id) },
        "name": { $0.account.name },
        "externalID": { $0.account.externalID },
        "paused": { $0.account.status == .paused },
        "facts": { $0.facts },
        "ledger": { $0.ledger },
        "margin": { $0.marginSection },
        "period": { "\($0.account.period.firstDay) to \($0.account.period.nextFirstDay.previousDay) (\($0.account.timeZone))" },
        "resetsAt": { AdminText.instant($0.account.period.resetsAt, in: $0.zone) },
        "creditsChart": { $0.creditsChart.svg() },
        "creditsTable": { $0.creditsChart.table().html() },
        "costChart": { $0.costChart.svg() },
        "costTable": { $0.costChart.table().html() },
        // The period's counter or its days: after a zone or anchor change the stored events keep
        // the period they were counted in, while their local days still fall in this one.
        "hasUsage": { $0.account.events > 0 || !$0.account.byFeature.isEmpty },
        "byFeature": { model in model.account.byFeature.map { UsageRow(usage: $0, unnamed: "Unattributed") } },
        "byModel": { model in model.account.byModel.map { UsageRow(usage: $0, unnamed: "No model") } },
        "members": { $0.account.members.map(MemberRow.init) },
        "grants": { model in model.account.grants.map { GrantRow(grant: $0, now: model.now) } },
        "audit": { $0.account.recentAudit.map(AuditRowView.init) },
        "auditHref": { "/admin/audit?account=\($0.account.id)" },
        "planForm": { $0.forms.plan },
        "grantForm": { $0.forms.grant },
        "statusForm": { $0.forms.status },
        "userForm": { $0.forms.user },
        "createdUser": { $0.forms.createdUser.map(CreatedUserView.init) },
        "planOptions": { model in
            SelectOption.list(model.plans.map { (String($0.id), "\($0.name) (\($0.code))") }, current: model.forms.plan.values["plan"] ?? "")
        },
        "hasScheduledPlan": { $0.account.nextPlan != nil },
        "timingOptions": { model in
            SelectOption.list(
                [("next_period", "At the next period (\(AdminText.day(model.account.period.resetsAt, in: model.zone)))"), ("now", "Now")],
                current: model.forms.plan.values["timing"] ?? "next_period")
        },
        "kindOptions": {
            SelectOption.list([("top_up", "Top-up"), ("adjustment", "Adjustment (may be negative)")], current: $0.forms.grant.values["kind"] ?? "top_up")
        },
        "roleOptions": {
            SelectOption.list([("member", "Member: sees usage"), ("owner", "Owner: also manages team and API keys")], current: $0.forms.user.values["role"] ?? "member")
        },
    ]

    private var facts: [Fact] {
        var facts = [
            Fact(label: "External id", value: account.externalID),
            Fact(label: "Status", value: account.status == .paused ? "Paused" : "Active"),
            Fact(label: "Plan", value: account.plan.map { "\($0.name) (\($0.code))\($0.archived ? ", archived" : "")" } ?? "No plan"),
        ]
        if let plan = account.plan {
            facts.append(Fact(label: "Monthly fee", value: AdminText.money(plan.monthlyFee)))
            facts.append(Fact(label: "Included credits", value: AdminText.credits(plan.included)))
            facts.append(Fact(label: "Overage", value: AdminText.overage(plan.overage)))
        }
        if let next = account.nextPlan, let from = account.nextPlanFrom {
            facts.append(Fact(label: "Next plan", value: "\(next.name) (\(next.code)) from \(AdminText.instant(from, in: zone))"))
        }
        facts.append(Fact(label: "Time zone", value: account.timeZone))
        facts.append(Fact(label: "Anchor day", value: String(account.anchorDay)))
        facts.append(Fact(label: "Created", value: AdminText.instant(account.createdAt)))
        return facts
    }

    private var ledger: [Fact] {
        let ledger = account.ledger
        var facts = [
            Fact(label: "Used", value: ledger.used.formatted),
            Fact(label: "Granted", value: AdminText.credits(ledger.granted)),
            Fact(label: "Remaining", value: AdminText.credits(ledger.remaining)),
            Fact(label: "Overage", value: ledger.overage.formatted),
        ]
        if let plan = account.plan, case .block = plan.overage, case .limited(let limit) = plan.overage.hardLimit(granted: ledger.granted) {
            facts.append(Fact(label: "Hard limit (with grace)", value: limit.formatted))
        }
        return facts
    }

    /// The margin section: cost from the account's rollups, revenue and gross margin from
    /// ``MarginReport`` (the margins page's figures, formatted the same way).
    private var marginSection: MarginSection {
        MarginSection(cost: AdminText.cost(account.cost), margin: margin)
    }

    private var creditsChart: BarChart {
        BarChart(
            text: ChartText(idPrefix: "account-credits", title: "Credits per day", emptyMessage: "No usage this period yet"),
            format: .milliCredits, points: account.days.map { ChartPoint(label: $0.day.description, value: $0.credits.millis) })
    }

    private var costChart: BarChart {
        BarChart(
            text: ChartText(idPrefix: "account-cost", title: "Cost per day", emptyMessage: "No usage this period yet"),
            format: .nanoUSD, points: account.days.map { ChartPoint(label: $0.day.description, value: $0.cost.nanos) })
    }
}

/// Cost, revenue and gross margin of the account's current period. Revenue, its parts, the
/// margin % and its badge are the margins page's, formatted as that page formats them.
struct MarginSection: KeyedTemplateValue {
    let cost: String
    let margin: AccountMargin?

    static let templateKeys: TemplateKeys<Self> = [
        "cost": { $0.cost },
        "hasReport": { $0.margin != nil },
        "revenue": { model in model.margin.map { MoneyText.usd($0.totalRevenue) } },
        "fee": { model in model.margin.map { MoneyText.usd($0.revenue.fee) } },
        "overage": { model in model.margin.map { MoneyText.usd($0.revenue.overage) } },
        "topUps": { model in model.margin.map { MoneyText.usd($0.revenue.topUps) } },
        "grossMargin": { model in model.margin.map { $0.margin.percentText } },
        "badge": { model in model.margin.map { MarginBadge($0.margin) } },
    ]
}

/// A label and a value for `dl.facts`.
struct Fact: KeyedTemplateValue {
    let label: String
    let value: String

    static let templateKeys: TemplateKeys<Self> = [
        "label": { $0.label },
        "value": { $0.value },
    ]
}

struct UsageRow: KeyedTemplateValue {
    let usage: AccountDetail.Usage
    let unnamed: String

    static let templateKeys: TemplateKeys<Self> = [
        "label": { model in
            model.usage.key.isEmpty ? model.unnamed : (model.usage.name.map { "\($0) (\(model.usage.key))" } ?? model.usage.key)
        },
        "events": { AdminText.count($0.usage.events) },
        "credits": { $0.usage.credits.formatted },
        "cost": { AdminText.cost($0.usage.cost) },
    ]
}

struct MemberRow: KeyedTemplateValue {
    let member: AccountDetail.Member

    static let templateKeys: TemplateKeys<Self> = [
        "email": { $0.member.email },
        "role": { $0.member.role },
        "disabled": { model in model.member.disabledAt.map { AdminText.instant($0) } },
    ]
}

struct GrantRow: KeyedTemplateValue {
    let grant: AccountDetail.Grant
    let now: Date

    static let templateKeys: TemplateKeys<Self> = [
        "kind": { $0.grant.grant.kind == .topUp ? "Top-up" : $0.grant.grant.kind == .adjustment ? "Adjustment" : "Included" },
        "amount": { $0.grant.grant.amount.formatted },
        "grantedAt": { AdminText.instant($0.grant.grant.grantedAt) },
        "expiresAt": { model in model.grant.grant.expiresAt.map { AdminText.instant($0) } ?? "Never" },
        "price": { $0.grant.grant.price.map(AdminText.money) ?? "—" },
        "note": { $0.grant.note },
        "active": { $0.grant.grant.isActive(at: $0.now) },
    ]
}

struct CreatedUserView: KeyedTemplateValue {
    let user: CreatedUser

    static let templateKeys: TemplateKeys<Self> = [
        "email": { $0.user.email },
        "role": { $0.user.role },
        "password": { $0.user.password },
    ]
}

extension LocalDay {
    /// The day before (for "to" dates of a period that ends at the next period's first day).
    var previousDay: LocalDay {
        if day > 1 { return LocalDay(year: year, month: month, day: day - 1)! }
        let (y, m) = month == 1 ? (year - 1, 12) : (year, month - 1)
        return LocalDay(year: y, month: m, day: LocalDay.daysIn(year: y, month: m))!
    }
}
