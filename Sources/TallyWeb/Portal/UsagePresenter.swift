import Foundation
import Metering
import Reporting
import SVGCharts

/// Builds the usage page's view model from the query, the account's calendar and what was read.
struct UsagePresenter {
    let query: UsageQuery
    let calendar: UsageCalendar
    /// The account whose usage this is: it names the chart's slot.
    let accountID: Int64
    /// Where the chart is drawn, or found drawn when it equals the last view's.
    let drawings: ChartDrawings

    /// The form part: presets, inputs, menus and messages. Enough on its own for the 400 page.
    func form(range: UsageRange?, breakdown: UsageBreakdown?) -> UsageView {
        var view = UsageView()
        view.timeZone = calendar.timeZoneName
        view.presets = UsageRangePreset.allCases.filter { $0 != .custom }.map { preset in
            LinkView(label: preset.label, href: "/usage" + query.queryString(preset: preset), current: query.errors.isEmpty && query.preset == preset)
        }
        if query.errors["range"] == nil { view.rangeValue = query.preset.rawValue }
        view.fromValue = range?.from.description ?? query.fromText
        view.toValue = range?.to.description ?? query.toText
        let noneValue = UsageQuery.noneValue
        let features = (breakdown?.features ?? []).map { ($0.key.isEmpty ? noneValue : $0.key, $0.label) }
        let models = (breakdown?.models ?? []).map { ($0.key.isEmpty ? noneValue : $0.key, $0.label) }
        view.featureOptions = options(all: "All features", features, selected: query.feature)
        view.modelOptions = options(all: "All models", models, selected: query.model)
        view.groupOptions = UsageGroup.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0 == query.group) }
        let order = ["range", "from", "to", "feature", "model", "group", "page"]
        view.errors = order.compactMap { field in query.errors[field].map { FieldErrorView(field: field, message: $0) } }
        return view
    }

    /// A select's options: "all", what the range has, and the current choice even when the range
    /// has no usage of it (so a shared link keeps its filter visible).
    private func options(all: String, _ choices: [(String, String)], selected: String?) -> [SelectOption] {
        var list = [SelectOption(value: "", label: all, selected: selected == nil)]
        list += choices.map { SelectOption(value: $0.0, label: $0.1, selected: $0.0 == selected) }
        if let selected, !choices.contains(where: { $0.0 == selected }) {
            list.append(SelectOption(value: selected, label: selected == UsageQuery.noneValue ? "None" : selected, selected: true))
        }
        return list
    }

    /// The whole page for a valid query.
    func page(range: UsageRange, breakdown: UsageBreakdown, events: UsageEventPage) -> UsageView {
        var view = form(range: range, breakdown: breakdown)
        view.summary = summary(range)
        let chart = stackedChart(range: range, breakdown: breakdown)
        var narrow = chart
        narrow.text.idPrefix = "usage-by-feature-narrow"
        narrow.width = 360
        narrow.height = 320
        view.chart = ChartView(drawings.drawing(of: chart, narrow: narrow, slot: "usage.daily-by-feature.\(accountID)"))
        let table = UsageTable(breakdown, group: query.group)
        view.keyColumns = table.keyColumns
        view.rows = table.rows.map(Self.rowView)
        view.totals = table.rows.isEmpty ? nil : Self.rowView(table.total)
        view.csvHref = "/usage.csv" + query.queryString(range: range)
        view.events = events.events.map(eventRow)
        let pages = max(1, (events.total + UsageReader.pageSize - 1) / UsageReader.pageSize)
        view.eventsText = events.totalIsCapped
            ? "More than \(PortalFormat.count(Int64(UsageReader.countLimit))) events"
            : "\(PortalFormat.count(Int64(events.total))) event\(events.total == 1 ? "" : "s")"
        view.pageText = "Page \(events.page) of \(pages)"
        if events.events.isEmpty, events.total > 0 {
            view.noEventsText = "Page \(events.page) is past the last page (\(pages)) of this range."
            view.previousHref = "/usage" + query.queryString(page: pages, range: range)
        } else if events.page > 1 { view.previousHref = "/usage" + query.queryString(page: events.page - 1, range: range) }
        if events.page < pages { view.nextHref = "/usage" + query.queryString(page: events.page + 1, range: range) }
        if events.totalIsCapped {
            view.cappedText = "The list goes back \(PortalFormat.count(Int64(UsageReader.countLimit))) events; narrow the range or filter to see older ones."
        }
        return view
    }

    private func summary(_ range: UsageRange) -> String {
        var parts = [PortalFormat.span(range.from, range.to)]
        if let feature = query.feature { parts.append("feature " + (feature == UsageQuery.noneValue ? "unattributed" : feature)) }
        if let model = query.model { parts.append("model " + (model == UsageQuery.noneValue ? "none" : model)) }
        return parts.joined(separator: " · ")
    }

    /// Credits per day, stacked by feature: the seven largest features and "Other features".
    private func stackedChart(range: UsageRange, breakdown: UsageBreakdown) -> StackedBarChart {
        let days = range.days
        let index = Dictionary(uniqueKeysWithValues: days.enumerated().map { ($1, $0) })
        var byFeature: [String: [Int128]] = [:]
        for cell in breakdown.cells {
            guard let position = index[cell.day] else { continue }
            byFeature[cell.featureLabel, default: Array(repeating: 0, count: days.count)][position] += cell.credits.millis
        }
        let ranked = byFeature.sorted { ($0.value.reduce(0, +), $1.key) > ($1.value.reduce(0, +), $0.key) }
        var series = ranked.prefix(7).map { ChartSeries(name: $0.key, values: $0.value) }
        if ranked.count > 7 {
            let rest = ranked.dropFirst(7).map(\.value)
            series.append(ChartSeries(name: "Other features", values: (0..<days.count).map { day in rest.reduce(0) { $0 + $1[day] } }))
        }
        return StackedBarChart(
            text: ChartText(idPrefix: "usage-by-feature", title: "Daily credits by feature", emptyMessage: "No usage in this range"),
            format: .milliCredits, categories: breakdown.cells.isEmpty ? [] : days.map(\.shortText), series: series)
    }

    private static func rowView(_ row: UsageTable.Row) -> TableRowView {
        TableRowView(
            keys: row.keys,
            numbers: [PortalFormat.count(row.events), PortalFormat.count(row.tokens), PortalFormat.credits(Credits(millis: row.credits))])
    }

    private func eventRow(_ event: UsageEventRow) -> EventRowView {
        EventRowView(
            time: PortalFormat.dateTime(event.occurredAt, in: calendar.timeZone), utc: PortalFormat.utc(event.occurredAt),
            eventID: event.eventID, href: "/usage/events/" + UsageQuery.encode(event.eventID),
            feature: event.featureName ?? "Unattributed", model: event.model ?? "—",
            tokens: PortalFormat.count(event.tokens), credits: PortalFormat.credits(event.credits), failed: !event.success)
    }
}
