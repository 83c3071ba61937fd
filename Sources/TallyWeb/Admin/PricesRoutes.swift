import Templating
import Foundation
import Hummingbird
import Metering
import MeteringStore
import Reporting
import TallyAccess

/// `GET /admin/prices` (admin, sales): current and past price versions, and which version prices
/// a model; `POST /admin/prices` (admin): add a version.
struct PricesRoutes {
    let reports: MoneyReports
    let prices: PriceStore
    let pages: Pages
    let clock: any WallClock

    func register(on router: Router<AppRequestContext>) {
        router.group("/admin", context: StaffRequestContext.self).get("prices") { request, context in
            let query = request.queryDictionary
            return try await page(context.session, check: query["check"], notice: query["added"].map { "Added a price version for \($0)." }
                ?? query["imported"].map { "Imported \($0) price versions." })
        }
        router.group("/admin", context: AdminRequestContext.self).post("prices") { request, context in
            try await FormSubmission.handle(request, context: context, parse: { try PriceVersionForm.draft($0) }) { draft in
                do {
                    try await prices.addVersion(draft, by: context.auditActor, at: clock.now())
                } catch PriceChangeError.versionExists {
                    throw FieldErrors("effective_from", "\(draft.model) already has a version from this instant: choose another.")
                }
                return redirect(to: "/admin/prices?added=" + queryValue(draft.model))
            } refused: { form in
                try await page(context.session, check: nil, notice: nil, form: PriceVersionForm.shown(form))
            }
        }
    }

    private func page(
        _ session: AuthenticatedSession, check: String?, notice: String?, form: FormState? = nil
    ) async throws -> Response {
        let now = clock.now()
        let check = check?.trimmingCharacters(in: .whitespaces).prefix(200).description
        let report = try await reports.priceCatalog(now: now, check: check)
        var frame = PageFrame.staff(session, current: .prices)
        if let notice { frame.banners.append(PageBanner(level: .info, message: notice)) }
        let view = PricesView(report, form: form ?? PriceVersionForm.initial(now: now), check: check ?? "", now: now)
        return try pages.page("admin/prices", frame: frame, view)
    }
}

/// A price version row.
struct PriceVersionRow: KeyedTemplateValue, Sendable {
    let id: String
    let input: String
    let cachedInput: String
    let output: String
    let perRequest: String
    let effectiveFrom: String
    /// The other token kinds' prices, the per-query fee and the tiers, when not their defaults.
    let more: String

    static let templateKeys: TemplateKeys<Self> = [
        "id": { $0.id },
        "input": { $0.input },
        "cachedInput": { $0.cachedInput },
        "output": { $0.output },
        "perRequest": { $0.perRequest },
        "effectiveFrom": { $0.effectiveFrom },
        "more": { $0.more },
    ]

    init(_ version: PriceVersion) {
        id = String(version.id)
        input = MoneyText.perMillion(version.input)
        cachedInput = MoneyText.perMillion(version.cachedInput)
        output = MoneyText.perMillion(version.output)
        perRequest = version.perRequest == .zero ? "—" : MoneyText.precise(version.perRequest)
        effectiveFrom = MoneyText.timestamp(version.effectiveFrom)
        var sheet = version.sheet
        sheet.perRequest = .zero
        more = PriceSheetText.extras(sheet)
    }
}

/// One model id or pattern on the prices page.
struct PriceMatcherRow: KeyedTemplateValue, Sendable {
    let model: String
    let isPattern: Bool
    let current: PriceVersionRow?
    let scheduled: [PriceVersionRow]
    let past: [PriceVersionRow]
    let hasHistory: Bool
    let overriddenBy: String
    let hasOverrides: Bool

    static let templateKeys: TemplateKeys<Self> = [
        "model": { $0.model },
        "isPattern": { $0.isPattern },
        "current": { $0.current },
        "scheduled": { $0.scheduled },
        "past": { $0.past },
        "hasHistory": { $0.hasHistory },
        "overriddenBy": { $0.overriddenBy },
        "hasOverrides": { $0.hasOverrides },
    ]

    init(_ matcher: PriceCatalogReport.Matcher) {
        model = matcher.model
        isPattern = matcher.isPattern
        current = matcher.current.map(PriceVersionRow.init)
        scheduled = matcher.scheduled.map(PriceVersionRow.init)
        past = matcher.past.map(PriceVersionRow.init)
        hasHistory = !matcher.scheduled.isEmpty || !matcher.past.isEmpty
        overriddenBy = matcher.overriddenBy.joined(separator: ", ")
        hasOverrides = !matcher.overriddenBy.isEmpty
    }
}

/// The prices page.
struct PricesView: KeyedTemplateValue, Sendable {
    let matchers: [PriceMatcherRow]
    let hasPrices: Bool
    let form: FormState
    let check: String
    let hasCheck: Bool
    let checkedPrice: PriceMatcherCheck?
    let now: String

    static let templateKeys: TemplateKeys<Self> = [
        "matchers": { $0.matchers },
        "hasPrices": { $0.hasPrices },
        "form": { $0.form },
        "check": { $0.check },
        "hasCheck": { $0.hasCheck },
        "checkedPrice": { $0.checkedPrice },
        "now": { $0.now },
    ]

    init(_ report: PriceCatalogReport, form: FormState, check: String, now: Date) {
        matchers = report.matchers.map(PriceMatcherRow.init)
        hasPrices = !report.matchers.isEmpty
        self.form = form
        self.check = check
        hasCheck = !check.isEmpty
        checkedPrice = report.checkedPrice.map { PriceMatcherCheck(model: $0.model, version: PriceVersionRow($0)) }
        self.now = MoneyText.timestamp(now)
    }
}

/// The answer to "which price applies to this model now?".
struct PriceMatcherCheck: KeyedTemplateValue, Sendable {
    let model: String
    let version: PriceVersionRow

    static let templateKeys: TemplateKeys<Self> = [
        "model": { $0.model },
        "version": { $0.version },
    ]
}
