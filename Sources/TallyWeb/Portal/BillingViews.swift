import Foundation
import Metering
import MeteringStore
import Reporting
import Templating

/// The billing page.
struct BillingPageView: TemplateValue {
    let overview: BillingOverview
    let now: Date
    let isOwner: Bool
    let requests: [TopUpRequest]
    let page: Int
    let perPage: Int
    var creditsInput = ""
    var noteInput = ""
    var errors = FieldErrors()

    private var zone: TimeZone { overview.timeZone }

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "accountName": overview.accountName
        case "isPaused": overview.status == .paused
        case "plan": overview.plan.map { PlanView(plan: $0) }
        case "current": PeriodRowView(figures: overview.current, plan: overview.plan)
        case "resetsOn": AccountPageFormat.day(overview.current.period.resetsAt, in: zone)
        case "resetsIn": AccountPageFormat.remaining(until: overview.current.period.resetsAt, from: now)
        case "timeZone": overview.timeZoneName
        case "grants": overview.grants.map { GrantRowView(grant: $0, zone: zone) }
        case "hasGrants": !overview.grants.isEmpty
        case "grantsTruncated": overview.grantCount > overview.grants.count
        case "grantCount": overview.grantCount
        case "grantsShown": overview.grants.count
        case "periods": overview.pastPeriods.map { PeriodRowView(figures: $0, plan: overview.plan) }
        case "hasPeriods": overview.pastPeriodCount > 0
        case "pastPeriodCount": overview.pastPeriodCount
        case "pagination": pagination
        case "isOwner": isOwner
        case "requests": requests.map { TopUpRowView(request: $0, zone: zone) }
        case "hasRequests": !requests.isEmpty
        case "creditsInput": creditsInput
        case "noteInput": noteInput
        case "errors": errors
        default: nil
        }
    }

    private var pagination: PaginationView? {
        let pages = (overview.pastPeriodCount + perPage - 1) / perPage
        guard pages > 1 else { return nil }
        return PaginationView(page: page, pages: pages, total: overview.pastPeriodCount, noun: "periods", path: "/billing", anchor: "#periods")
    }
}

/// "Previous / Next" with the page and the total.
struct PaginationView: TemplateValue {
    let page: Int
    let pages: Int
    let total: Int
    let noun: String
    let path: String
    var anchor = ""

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "page": page
        case "pages": pages
        case "total": total
        case "noun": noun
        case "previousHref": page > 1 ? "\(path)?page=\(page - 1)\(anchor)" : nil
        case "nextHref": page < pages ? "\(path)?page=\(page + 1)\(anchor)" : nil
        default: nil
        }
    }
}

/// The plan card.
struct PlanView: TemplateValue {
    let plan: BillingPlan

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "name": plan.name
        case "monthlyFee": plan.monthlyFee.formatted()
        case "included": AccountPageFormat.credits(plan.included)
        case "isUnlimited": plan.included == .unlimited
        case "isCharge": if case .charge = plan.overage { true } else { false }
        case "overagePrice": if case .charge(let price) = plan.overage { AccountPageFormat.unitPrice(price) } else { nil }
        case "grace":
            if case .block(let grace) = plan.overage { grace == .zero ? nil : AccountPageFormat.percent(grace) } else { nil }
        default: nil
        }
    }
}

/// One period's figures (the current one or a closed one).
struct PeriodRowView: TemplateValue {
    let figures: BillingPeriodFigures
    let plan: BillingPlan?

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        let ledger = figures.ledger
        return switch key {
        case "label": AccountPageFormat.period(figures.period)
        case "used": ledger.used.formatted
        case "granted": AccountPageFormat.credits(ledger.granted)
        case "remaining": AccountPageFormat.credits(ledger.remaining)
        case "overage": ledger.overage.formatted
        case "hasOverage": ledger.overage > .zero
        case "overageCharge": figures.overageCharge.formatted()
        case "fee": figures.fee.formatted()
        case "topUps": figures.topUps.formatted()
        case "total": figures.total.formatted()
        case "isCharge": if case .charge = plan?.overage { true } else { false }
        default: nil
        }
    }
}

/// One credit grant.
struct GrantRowView: TemplateValue {
    let grant: BillingGrant
    let zone: TimeZone

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "kind":
            switch grant.kind {
            case .topUp: "Top-up"
            case .included: "Included extra"
            case .adjustment: "Adjustment"
            }
        case "amount": grant.amount.formatted
        case "grantedOn": AccountPageFormat.day(grant.grantedAt, in: zone)
        case "expiresOn": grant.expiresAt.map { AccountPageFormat.day($0, in: zone) } ?? "Never"
        case "price": grant.price.map { $0.formatted() } ?? "—"
        case "note": grant.note
        case "status":
            switch grant.status {
            case .active: "Active"
            case .expired: "Expired"
            case .upcoming: "Starts later"
            }
        case "badge":
            switch grant.status {
            case .active: "badge-ok"
            case .expired: "badge"
            case .upcoming: "badge-warning"
            }
        default: nil
        }
    }
}

/// One top-up request and its answer.
struct TopUpRowView: TemplateValue {
    let request: TopUpRequest
    let zone: TimeZone

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "id": request.id
        case "requestedOn": AccountPageFormat.day(request.requestedAt, in: zone)
        case "requestedBy": request.requestedBy ?? "—"
        case "credits": request.credits.formatted
        case "note": request.note
        case "accountName": request.accountName
        case "state":
            switch request.state {
            case .pending: "Waiting"
            case .approved: "Approved"
            case .declined: "Declined"
            }
        case "badge":
            switch request.state {
            case .pending: "badge-warning"
            case .approved: "badge-ok"
            case .declined: "badge-critical"
            }
        case "answer": answer
        default: nil
        }
    }

    private var answer: String {
        return switch request.state {
        case .pending: "An admin will answer soon."
        case .declined: "Declined: \(request.declineReason ?? "")"
        case .approved:
            "Granted" + (request.grantPrice.map { " for \($0.formatted())" } ?? "")
                + (request.grantExpiresAt.map { ", expiring \(AccountPageFormat.day($0, in: zone))" } ?? ", never expiring") + "."
        }
    }
}
