import Foundation
import Hummingbird
import Metering
import Reporting
import TallyAccess

/// The usage pages of the customer portal, in the session's account scope:
///
/// - `GET /usage`: range, filters, the stacked daily chart, the totals table, recent events
///   (400 with the form and a message per field for a query it cannot show).
/// - `GET /usage.csv`: the totals table of the same query as CSV (400 as text for a bad query).
/// - `GET /usage/events/{id}`: one event (404 for a missing id and another account's alike).
struct UsageRoutes: Sendable {
    let reader: UsageReader
    let pages: Pages
    let clock: any WallClock
    let frames: CustomerFrames
    let drawings: ChartDrawings

    func register(on router: Router<AppRequestContext>) {
        let usage = router.group("/usage", context: CustomerRequestContext.self)
        usage.get { request, context in try await page(request, context) }
        usage.get("events/:id") { _, context in try await event(context) }
        router.group("/usage.csv", context: CustomerRequestContext.self).get { request, context in
            try await csv(request, context)
        }
    }

    private func loadCalendar(_ context: CustomerRequestContext) async throws -> UsageCalendar {
        guard let calendar = try await reader.calendar(accountID: context.accountID, now: clock.now(), scope: context.scope) else {
            throw context.objectNotFound("account", objectID: String(context.accountID))
        }
        return calendar
    }

    private func frame(_ context: CustomerRequestContext, _ calendar: UsageCalendar) async throws -> PageFrame {
        try await frames.frame(context.session, accountID: context.accountID, accountName: calendar.accountName, current: .usage)
    }

    private func page(_ request: Request, _ context: CustomerRequestContext) async throws -> Response {
        var query = UsageQuery(request.uri.queryParameters)
        let calendar = try await loadCalendar(context)
        guard let range = query.range(on: calendar) else {
            let view = presenter(query, calendar, context).form(range: nil, breakdown: nil)
            return try pages.page("portal/usage", frame: await frame(context, calendar), view, status: .badRequest)
        }
        let (breakdown, events) = try await reader.page(
            accountID: context.accountID, range: range, filter: query.filter, timeZone: calendar.timeZone,
            page: query.page, scope: context.scope)
        let view = presenter(query, calendar, context).page(range: range, breakdown: breakdown, events: events)
        return try pages.page("portal/usage", frame: await frame(context, calendar), view)
    }

    private func presenter(_ query: UsageQuery, _ calendar: UsageCalendar, _ context: CustomerRequestContext) -> UsagePresenter {
        UsagePresenter(query: query, calendar: calendar, accountID: context.accountID, drawings: drawings)
    }

    private func csv(_ request: Request, _ context: CustomerRequestContext) async throws -> Response {
        var query = UsageQuery(request.uri.queryParameters)
        let calendar = try await loadCalendar(context)
        guard let range = query.range(on: calendar) else {
            let message = query.errors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n")
            return Response(
                status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
        }
        let breakdown = try await reader.breakdown(accountID: context.accountID, range: range, filter: query.filter, scope: context.scope)
        let name = "usage-\(range.from)-\(range.to).csv"
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"\(name)\"",
            ],
            body: .init(byteBuffer: ByteBuffer(string: UsageTable(breakdown, group: query.group).csv)))
    }

    private func event(_ context: CustomerRequestContext) async throws -> Response {
        let raw = context.parameters.get("id") ?? ""
        let eventID = raw.removingPercentEncoding ?? raw
        let calendar = try await loadCalendar(context)
        guard !eventID.isEmpty, eventID.count <= 128,
              let detail = try await reader.event(accountID: context.accountID, eventID: eventID, scope: context.scope)
        else { throw context.objectNotFound("usage event", objectID: eventID) }
        let zone = calendar.timeZone
        let row = detail.row
        var facts = [
            StatView(label: "Occurred", value: PortalFormat.dateTime(row.occurredAt, in: zone), note: PortalFormat.utc(row.occurredAt)),
            StatView(label: "Counts on", value: detail.localDay.longText, note: calendar.timeZoneName),
            StatView(label: "Received", value: PortalFormat.dateTime(detail.receivedAt, in: zone)),
            StatView(label: "Feature", value: row.featureName ?? "Unattributed", note: row.feature),
            StatView(label: "Model", value: row.model ?? "—"),
            StatView(label: "Status", value: row.success ? "Succeeded" : "Failed"),
            StatView(label: "Credits", value: PortalFormat.credits(row.credits)),
            StatView(label: "Input tokens", value: PortalFormat.count(detail.inputTokens)),
            StatView(label: "Cached input tokens", value: PortalFormat.count(detail.cachedInputTokens)),
            StatView(label: "Output tokens", value: PortalFormat.count(detail.outputTokens)),
        ] + detail.otherCounts.map { StatView(label: $0.label, value: PortalFormat.count($0.count)) } + [
            StatView(label: "Output units", value: PortalFormat.count(detail.outputUnits)),
        ]
        if let duration = detail.durationMS {
            facts.append(StatView(label: "Duration", value: PortalFormat.count(duration) + " ms"))
        }
        return try pages.page("portal/event", frame: await frame(context, calendar), EventView(eventID: row.eventID, facts: facts))
    }
}
