import Foundation
import Metering
import MeteringStore
import Reporting
import Templating

/// The billing page.
struct BillingPageView: KeyedTemplateValue {
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

    static let templateKeys: TemplateKeys<Self> = [
        "accountName": { $0.overview.accountName },
        "isPaused": { $0.overview.status == .paused },
        "plan": { model in model.overview.plan.map { PlanView(plan: $0) } },
        "current": { PeriodRowView(figures: $0.overview.current, plan: $0.overview.plan) },
        "resetsOn": { AccountPageFormat.day($0.overview.current.period.resetsAt, in: $0.zone) },
        "resetsIn": { AccountPageFormat.remaining(until: $0.overview.current.period.resetsAt, from: $0.now) },
        "timeZone": { $0.overview.timeZoneName },
        "grants": { model in model.overview.grants.map { GrantRowView(grant: $0, zone: model.zone) } },
        "hasGrants": { !$0.overview.grants.isEmpty },
        "grantsTruncated": { $0.overview.grantCount > $0.overview.grants.count },
        "grantCount": { $0.overview.grantCount },
        "grantsShown": { $0.overview.grants.count },
        "periods": { model in model.overview.pastPeriods.map { PeriodRowView(figures: $0, plan: model.overview.plan) } },
        "hasPeriods": { $0.overview.pastPeriodCount > 0 },
        "pastPeriodCount": { $0.overview.pastPeriodCount },
        "pagination": { $0.pagination },
        "isOwner": { $0.isOwner },
        "requests": { model in model.requests.map { TopUpRowView(request: $0, zone: model.zone) } },
        "hasRequests": { !$0.requests.isEmpty },
        "creditsInput": { $0.creditsInput },
        "noteInput": { $0.noteInput },
        "errors": { $0.errors },
    ]

    private var pagination: PaginationView? {
        let pages = (overview.pastPeriodCount + perPage - 1) / perPage
        guard pages > 1 else { return nil }
        return PaginationView(page: page, pages: pages, total: overview.pastPeriodCount, noun: "periods", path: "/billing", anchor: "#periods")
    }
}

/// "Previous / Next" with the page and the total.
struct PaginationView: KeyedTemplateValue {
    let page: Int
    let pages: Int
    let total: Int
    let noun: String
    let path: String
    var anchor = ""

    static let templateKeys: TemplateKeys<Self> = [
        "page": { $0.page },
        "pages": { $0.pages },
        "total": { $0.total },
        "noun": { $0.noun },
        "previousHref": { $0.page > 1 ? "\($0.path)?page=\($0.page - 1)\($0.anchor)" : nil },
        "nextHref": { $0.page < $0.pages ? "\($0.path)?page=\($0.page + 1)\($0.anchor)" : nil },
    ]
}

/// The plan card.
struct PlanView: KeyedTemplateValue {
    let plan: BillingPlan

    static let templateKeys: TemplateKeys<Self> = [
        "name": { $0.plan.name },
        "monthlyFee": { $0.plan.monthlyFee.formatted() },
        "included": { AccountPageFormat.credits($0.plan.included) },
        "isUnlimited": { $0.plan.included == .unlimited },
        "isCharge": { model in if case .charge = model.plan.overage { true } else { false } },
        "overagePrice": { model -> String? in
            if case .charge(let price) = model.plan.overage { AccountPageFormat.unitPrice(price) } else { nil }
        },
        "grace": { model -> String? in
            if case .block(let grace) = model.plan.overage, grace != .zero { AccountPageFormat.percent(grace) } else { nil }
        },
    ]
}

/// One period's figures (the current one or a closed one).
struct PeriodRowView: KeyedTemplateValue {
    let figures: BillingPeriodFigures
    let plan: BillingPlan?

    static let templateKeys: TemplateKeys<Self> = [
        "label": { AccountPageFormat.period($0.figures.period) },
        "used": { $0.figures.ledger.used.formatted },
        "granted": { AccountPageFormat.credits($0.figures.ledger.granted) },
        "remaining": { AccountPageFormat.credits($0.figures.ledger.remaining) },
        "overage": { $0.figures.ledger.overage.formatted },
        "hasOverage": { $0.figures.ledger.overage > .zero },
        "overageCharge": { $0.figures.overageCharge.formatted() },
        "fee": { $0.figures.fee.formatted() },
        "topUps": { $0.figures.topUps.formatted() },
        "total": { $0.figures.total.formatted() },
        "isCharge": { model in if case .charge = model.plan?.overage { true } else { false } },
    ]
}

/// One credit grant.
struct GrantRowView: KeyedTemplateValue {
    let grant: BillingGrant
    let zone: TimeZone

    static let templateKeys: TemplateKeys<Self> = [
        "kind": { model in
            switch model.grant.kind {
            case .topUp: "Top-up"
            case .included: "Included extra"
            case .adjustment: "Adjustment"
            }
        },
        "amount": { $0.grant.amount.formatted },
        "grantedOn": { AccountPageFormat.day($0.grant.grantedAt, in: $0.zone) },
        "expiresOn": { model in model.grant.expiresAt.map { AccountPageFormat.day($0, in: model.zone) } ?? "Never" },
        "price": { model in model.grant.price.map { $0.formatted() } ?? "—" },
        "note": { $0.grant.note },
        "status": { model in
            switch model.grant.status {
            case .active: "Active"
            case .expired: "Expired"
            case .upcoming: "Starts later"
            }
        },
        "badge": { model in
            switch model.grant.status {
            case .active: "badge-ok"
            case .expired: "badge"
            case .upcoming: "badge-warning"
            }
        },
    ]
}

/// One top-up request and its answer.
struct TopUpRowView: KeyedTemplateValue {
    let request: TopUpRequest
    let zone: TimeZone

    static let templateKeys: TemplateKeys<Self> = [
        "id": { $0.request.id },
        "requestedOn": { AccountPageFormat.day($0.request.requestedAt, in: $0.zone) },
        "requestedBy": { $0.request.requestedBy ?? "—" },
        "credits": { $0.request.credits.formatted },
        "note": { $0.request.note },
        "accountName": { $0.request.accountName },
        "state": { model in
            switch model.request.state {
            case .pending: "Waiting"
            case .approved: "Approved"
            case .declined: "Declined"
            }
        },
        "badge": { model in
            switch model.request.state {
            case .pending: "badge-warning"
            case .approved: "badge-ok"
            case .declined: "badge-critical"
            }
        },
        "answer": { $0.answer },
    ]

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
