import Foundation
import Metering
import MeteringStore
import Reporting
import SVGCharts
import Templating

/// `/admin/accounts/{id}`: facts, the period's ledger, charts, usage, users, grants, audit, and
/// (for admins) the action forms.
struct AccountDetailView: TemplateValue {
    let account: AccountDetail
    /// The account's current period in ``MarginReport``; nil only if the account vanished between the two reads.
    let margin: AccountMargin?
    let plans: [PlanSummary]
    let forms: AccountForms
    let now: Date

    private var zone: TimeZone { account.period.timeZone }

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "id": String(account.id)
        case "name": account.name
        case "externalID": account.externalID
        case "paused": account.status == .paused
        case "facts": facts
        case "ledger": ledger
        case "margin": marginSection
        case "period": "\(account.period.firstDay) to \(account.period.nextFirstDay.previousDay) (\(account.timeZone))"
        case "resetsAt": AdminText.instant(account.period.resetsAt, in: zone)
        case "creditsChart": creditsChart.svg()
        case "creditsTable": creditsChart.table().html()
        case "costChart": costChart.svg()
        case "costTable": costChart.table().html()
        // The period's counter or its days: after a zone or anchor change the stored events keep
        // the period they were counted in, while their local days still fall in this one.
        case "hasUsage": account.events > 0 || !account.byFeature.isEmpty
        case "byFeature": account.byFeature.map { UsageRow(usage: $0, unnamed: "Unattributed") }
        case "byModel": account.byModel.map { UsageRow(usage: $0, unnamed: "No model") }
        case "members": account.members.map(MemberRow.init)
        case "grants": account.grants.map { GrantRow(grant: $0, now: now) }
        case "audit": account.recentAudit.map(AuditRowView.init)
        case "auditHref": "/admin/audit?account=\(account.id)"
        case "planForm": forms.plan
        case "grantForm": forms.grant
        case "statusForm": forms.status
        case "userForm": forms.user
        case "createdUser": forms.createdUser.map(CreatedUserView.init)
        case "planOptions":
            SelectOption.list(plans.map { (String($0.id), "\($0.name) (\($0.code))") }, current: forms.plan.values["plan"] ?? "")
        case "hasScheduledPlan": account.nextPlan != nil
        case "timingOptions":
            SelectOption.list(
                [("next_period", "At the next period (\(AdminText.day(account.period.resetsAt, in: zone)))"), ("now", "Now")],
                current: forms.plan.values["timing"] ?? "next_period")
        case "kindOptions":
            SelectOption.list([("top_up", "Top-up"), ("adjustment", "Adjustment (may be negative)")], current: forms.grant.values["kind"] ?? "top_up")
        case "roleOptions":
            SelectOption.list([("member", "Member: sees usage"), ("owner", "Owner: also manages team and API keys")], current: forms.user.values["role"] ?? "member")
        default: nil
        }
    }

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
struct MarginSection: TemplateValue {
    let cost: String
    let margin: AccountMargin?

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "cost": cost
        case "hasReport": margin != nil
        case "revenue": margin.map { MoneyText.usd($0.totalRevenue) }
        case "fee": margin.map { MoneyText.usd($0.revenue.fee) }
        case "overage": margin.map { MoneyText.usd($0.revenue.overage) }
        case "topUps": margin.map { MoneyText.usd($0.revenue.topUps) }
        case "grossMargin": margin.map { $0.margin.percentText }
        case "badge": margin.map { MarginBadge($0.margin) }
        default: nil
        }
    }
}

/// A label and a value for `dl.facts`.
struct Fact: TemplateValue {
    let label: String
    let value: String

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "label": label
        case "value": value
        default: nil
        }
    }
}

struct UsageRow: TemplateValue {
    let usage: AccountDetail.Usage
    let unnamed: String

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "label": usage.key.isEmpty ? unnamed : (usage.name.map { "\($0) (\(usage.key))" } ?? usage.key)
        case "events": AdminText.count(usage.events)
        case "credits": usage.credits.formatted
        case "cost": AdminText.cost(usage.cost)
        default: nil
        }
    }
}

struct MemberRow: TemplateValue {
    let member: AccountDetail.Member

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "email": member.email
        case "role": member.role
        case "disabled": member.disabledAt.map { AdminText.instant($0) }
        default: nil
        }
    }
}

struct GrantRow: TemplateValue {
    let grant: AccountDetail.Grant
    let now: Date

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "kind": grant.grant.kind == .topUp ? "Top-up" : grant.grant.kind == .adjustment ? "Adjustment" : "Included"
        case "amount": grant.grant.amount.formatted
        case "grantedAt": AdminText.instant(grant.grant.grantedAt)
        case "expiresAt": grant.grant.expiresAt.map { AdminText.instant($0) } ?? "Never"
        case "price": grant.grant.price.map(AdminText.money) ?? "—"
        case "note": grant.note
        case "active": grant.grant.isActive(at: now)
        default: nil
        }
    }
}

struct CreatedUserView: TemplateValue {
    let user: CreatedUser

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "email": user.email
        case "role": user.role
        case "password": user.password
        default: nil
        }
    }
}

extension LocalDay {
    /// The day before (for "to" dates of a period that ends at the next period's first day).
    var previousDay: LocalDay {
        if day > 1 { return LocalDay(year: year, month: month, day: day - 1)! }
        let (y, m) = month == 1 ? (year - 1, 12) : (year, month - 1)
        return LocalDay(year: y, month: m, day: LocalDay.daysIn(year: y, month: m))!
    }
}
