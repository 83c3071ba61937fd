import Alerting
import Foundation
import Hummingbird
import Metering
import MeteringStore
import Reporting
import SVGCharts
import TallyAccess
import TallyDatabase
import Templating

/// One line of the overview's two slots (top-up requests waiting, recent alerts).
struct OverviewSlotItem: KeyedTemplateValue, Sendable {
    let label: String
    let detail: String
    let href: String

    static let templateKeys: TemplateKeys<Self> = [
        "label": { $0.label },
        "detail": { $0.detail },
        "href": { $0.href },
    ]
}

/// The two slots of the overview: how many top-up requests wait and how many alerts are open,
/// each with its first few items linking to where they are handled.
struct OverviewSlots: Sendable {
    var topUpRequestsWaiting: [OverviewSlotItem] = []
    var topUpRequestsTotal = 0
    var recentAlerts: [OverviewSlotItem] = []
    var openAlertsTotal = 0

    /// Items shown per slot; the counts say how many there are in all.
    static let shown = 5

    /// Reads both slots. The top-up requests are the ones waiting longest (the top-ups page's
    /// order, so each link lands on its first page); the alerts are the newest open ones (the
    /// alerts page's default list).
    static func load(topUps: TopUpRequests, alerts: AlertStore, scope: DataScope) async throws -> OverviewSlots {
        let waiting = try await topUps.pending(limit: shown, offset: 0)
        let open = try await alerts.list(AlertFilter(open: true), page: 1, pageSize: shown, in: scope)
        return OverviewSlots(
            topUpRequestsWaiting: waiting.requests.map {
                OverviewSlotItem(
                    label: "\($0.accountName): \($0.credits.formatted) credits",
                    detail: "requested \(alertTimeText($0.requestedAt))", href: "/admin/top-ups#request-\($0.id)")
            },
            topUpRequestsTotal: waiting.total,
            recentAlerts: open.alerts.map {
                OverviewSlotItem(
                    label: "\($0.rule.label): \($0.accountName ?? "All accounts")",
                    detail: "\($0.level.rawValue), \(alertTimeText($0.firedAt)): \($0.message)",
                    href: $0.accountExternalID.map { "/admin/alerts?account=\(queryValue($0))" } ?? "/admin/alerts?rule=\($0.rule.rawValue)")
            },
            openAlertsTotal: open.total)
    }
}

/// `GET /admin`: the staff home (admin and sales).
struct OverviewRoutes {
    let reports: MoneyReports
    let topUps: TopUpRequests
    let alerts: AlertStore
    let pages: Pages
    let clock: any WallClock

    /// The longest range the overview shows.
    static let maximumDays = 366

    func register(on router: Router<AppRequestContext>) {
        router.group("/admin", context: StaffRequestContext.self).get { request, context in
            try await overview(request, context)
        }
    }

    private func overview(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        let frame = PageFrame.staff(context.session, current: .overview)
        let today = LocalDay(containing: clock.now(), in: TimeZone(secondsFromGMT: 0)!)
        let defaultFrom = LocalDay(year: today.year, month: today.month, day: 1)!
        let query = request.uri.queryParameters
        var form = FormState([
            "from": query.get("from").map { String($0) } ?? defaultFrom.description,
            "through": query.get("to").map { String($0) } ?? YearMonth(today).lastDay.description,
        ])
        let from = parseDay(form.values["from"] ?? "")
        let through = parseDay(form.values["through"] ?? "")
        if from == nil { form.errors["from"] = "Enter a date as YYYY-MM-DD." }
        if through == nil { form.errors["through"] = "Enter a date as YYYY-MM-DD." }
        guard let from, let through, form.errors["from"] == nil else {
            return try pages.page("admin/overview", frame: frame, OverviewView(form: form, report: nil), status: .unprocessableContent)
        }
        if through < from {
            form.errors["through"] = "The end must not be before the start."
        } else if Self.days(from: from, through: through) > Self.maximumDays {
            form.errors["through"] = "Choose at most \(Self.maximumDays) days."
        }
        guard form.errors["through"] == nil else {
            return try pages.page("admin/overview", frame: frame, OverviewView(form: form, report: nil), status: .unprocessableContent)
        }
        let report = try await reports.overview(from: from, through: through, now: clock.now(), scope: context.scope)
        let slots = try await OverviewSlots.load(topUps: topUps, alerts: alerts, scope: context.scope)
        return try pages.page("admin/overview", frame: frame, OverviewView(form: form, report: OverviewReportView(report, slots: slots)))
    }

    static func days(from: LocalDay, through: LocalDay) -> Int {
        Int((through.start(in: TimeZone(secondsFromGMT: 0)!).timeIntervalSince(from.start(in: TimeZone(secondsFromGMT: 0)!)) / 86_400).rounded()) + 1
    }
}

/// The overview page.
struct OverviewView: KeyedTemplateValue, Sendable {
    /// The range form (`from`, `through`).
    let form: FormState
    let report: OverviewReportView?

    static let templateKeys: TemplateKeys<Self> = [
        "form": { $0.form },
        "report": { $0.report },
    ]
}
