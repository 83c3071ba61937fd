import Templating
import Foundation
import Hummingbird
import Metering
import Postgres
import Reporting
import SVGCharts
import TallyAccess

/// Items for the overview's two slots that other parts of the admin area fill: top-up requests
/// waiting and recent alerts. Empty until those tables exist; wire them in `OverviewSlots.load`.
struct OverviewSlotItem: KeyedTemplateValue, Sendable {
    let label: String
    let detail: String
    let href: String

    static let templateKeys: [String: any PartialKeyPath<OverviewSlotItem> & Sendable] = ["label": \.label, "detail": \.detail, "href": \.href]
}

/// The two slots of the overview (see ``OverviewSlotItem``).
struct OverviewSlots: Sendable {
    var topUpRequestsWaiting: [OverviewSlotItem] = []
    var recentAlerts: [OverviewSlotItem] = []

    /// Reads the slots' items. The top-up requests and alerts engineers wire their queries here.
    static func load(pool: PostgresPool) async throws -> OverviewSlots {
        OverviewSlots()
    }
}

/// `GET /admin`: the staff home (admin and sales).
struct OverviewRoutes {
    let pool: PostgresPool
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
        var form = OverviewForm(from: FieldState(value: query.get("from") ?? defaultFrom.description),
                                through: FieldState(value: query.get("to") ?? YearMonth(today).lastDay.description))
        let from = parseDay(form.from.value)
        let through = parseDay(form.through.value)
        if from == nil { form.from.error = "Enter a date as YYYY-MM-DD." }
        if through == nil { form.through.error = "Enter a date as YYYY-MM-DD." }
        guard let from, let through, form.from.error == nil else {
            return try pages.page("admin/overview", frame: frame, OverviewView(form: form, report: nil), status: .unprocessableContent)
        }
        if through < from {
            form.through.error = "The end must not be before the start."
        } else if Self.days(from: from, through: through) > Self.maximumDays {
            form.through.error = "Choose at most \(Self.maximumDays) days."
        }
        guard form.through.error == nil else {
            return try pages.page("admin/overview", frame: frame, OverviewView(form: form, report: nil), status: .unprocessableContent)
        }
        let report = try await OverviewReport.load(from: from, through: through, now: clock.now(), pool: pool, scope: context.scope)
        let slots = try await OverviewSlots.load(pool: pool)
        return try pages.page("admin/overview", frame: frame, OverviewView(form: form, report: OverviewReportView(report, slots: slots)))
    }

    static func days(from: LocalDay, through: LocalDay) -> Int {
        Int((through.start(in: TimeZone(secondsFromGMT: 0)!).timeIntervalSince(from.start(in: TimeZone(secondsFromGMT: 0)!)) / 86_400).rounded()) + 1
    }
}

/// The range form.
struct OverviewForm: KeyedTemplateValue, Sendable {
    var from: FieldState
    var through: FieldState
    var hasErrors: Bool { from.invalid || through.invalid }

    static let templateKeys: [String: any PartialKeyPath<OverviewForm> & Sendable] = ["from": \.from, "through": \.through, "hasErrors": \.hasErrors]
}

/// The overview page.
struct OverviewView: KeyedTemplateValue, Sendable {
    let form: OverviewForm
    let report: OverviewReportView?

    static let templateKeys: [String: any PartialKeyPath<OverviewView> & Sendable] = ["form": \.form, "report": \.report]
}
