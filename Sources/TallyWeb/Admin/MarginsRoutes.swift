import Templating
import Foundation
import Hummingbird
import Metering
import Reporting
import TallyAccess

/// `GET /admin/margins` and `GET /admin/margins.csv` (admin and sales): every account's revenue,
/// cost and gross margin for a period, with per-plan and per-feature aggregates.
struct MarginsRoutes {
    let reports: MoneyReports
    let pages: Pages
    let clock: any WallClock

    /// Rows per page.
    static let pageSize = 50

    func register(on router: Router<AppRequestContext>) {
        let staff = router.group("/admin", context: StaffRequestContext.self)
        staff.get("margins") { request, context in try await page(request, context) }
        staff.get("margins.csv") { request, context in try await csv(request, context) }
    }

    private func page(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        let frame = PageFrame.staff(context.session, current: .margins)
        let query = MarginsQuery(request.queryDictionary)
        guard let selection = query.selection else {
            return try pages.page("admin/margins", frame: frame, MarginsView(query: query, report: nil, now: clock.now()), status: .unprocessableContent)
        }
        let report = try await reports.margins(selection, now: clock.now(), scope: context.scope)
        return try pages.page("admin/margins", frame: frame, MarginsView(query: query, report: MarginsReportView(report, query: query), now: clock.now()))
    }

    private func csv(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        let query = MarginsQuery(request.queryDictionary)
        guard let selection = query.selection else {
            throw AppError(.badRequest, query.periodError ?? query.throughError ?? "The period is not valid.")
        }
        let report = try await reports.margins(selection, now: clock.now(), scope: context.scope)
        let name = "margins-" + (query.periodText == "current" ? "current" : query.periodText + (query.throughText.isEmpty ? "" : "-" + query.throughText))
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"\(name).csv\"",
            ],
            body: .init(byteBuffer: ByteBuffer(string: MarginsCSV.text(query.sorted(report.accounts)))))
    }
}

/// The CSV export: one line per account, amounts as exact USD decimals.
enum MarginsCSV {
    static let header = [
        "account_id", "external_id", "name", "plan", "periods", "fee_usd", "overage_usd", "top_ups_usd", "revenue_usd",
        "cost_usd", "margin_usd", "margin_percent", "level", "credits_used", "overage_credits",
    ]

    static func text(_ accounts: [AccountMargin]) -> String {
        var lines = [header.joined(separator: ",")]
        for account in accounts {
            let revenue = account.revenue
            let margin = account.margin
            lines.append([
                String(account.accountID), field(account.externalID), field(account.name), field(account.planCode ?? ""),
                field(account.periods.map { "\($0.period.firstDay)..\($0.period.nextFirstDay)" }.joined(separator: " ")),
                revenue.fee.decimalString, revenue.overage.decimalString, revenue.topUps.decimalString,
                account.totalRevenue.decimalString, account.cost.decimalString,
                (account.totalRevenue - account.cost).decimalString,
                margin.basisPoints.map(percentText) ?? "",
                margin.level?.rawValue ?? (account.cost.nanos > 0 ? "no_revenue" : ""),
                account.used.decimalString, account.overage.decimalString,
            ].joined(separator: ","))
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    /// Basis points as a percentage with two decimals: 4250 → `42.50`, -65312 → `-653.12`.
    static func percentText(_ basisPoints: Int64) -> String {
        let magnitude = basisPoints.magnitude
        let cents = magnitude % 100
        return (basisPoints < 0 ? "-" : "") + "\(magnitude / 100)." + (cents < 10 ? "0" : "") + "\(cents)"
    }

    /// A text field: quoted when needed; a leading `= + - @` is prefixed with `'` so a
    /// spreadsheet never runs an account name as a formula.
    static func field(_ value: String) -> String {
        var value = value
        if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
