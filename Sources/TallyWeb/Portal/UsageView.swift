import Templating

/// A table row: its header cells (text) and its number cells.
struct TableRowView: KeyedTemplateValue, Sendable {
    let keys: [String]
    let numbers: [String]

    static let templateKeys: TemplateKeys<Self> = [
        "keys": { $0.keys },
        "numbers": { $0.numbers },
    ]
}

/// One event of the recent-events list.
struct EventRowView: KeyedTemplateValue, Sendable {
    let time: String
    let utc: String
    let eventID: String
    let href: String
    let feature: String
    let model: String
    let tokens: String
    let credits: String
    let failed: Bool

    static let templateKeys: TemplateKeys<Self> = [
        "time": { $0.time },
        "utc": { $0.utc },
        "eventID": { $0.eventID },
        "href": { $0.href },
        "feature": { $0.feature },
        "model": { $0.model },
        "tokens": { $0.tokens },
        "credits": { $0.credits },
        "failed": { $0.failed },
    ]
}

/// A field's message, for the error summary and under the field.
struct FieldErrorView: KeyedTemplateValue, Sendable {
    let field: String
    let message: String

    static let templateKeys: TemplateKeys<Self> = [
        "field": { $0.field },
        "message": { $0.message },
    ]
}

/// The view model of `templates/portal/usage.mustache`.
struct UsageView: KeyedTemplateValue, Sendable {
    var presets: [LinkView] = []
    /// The range the filter form sends back with its dates (see `UsageQuery.range(on:)`).
    var rangeValue = "custom"
    var fromValue = ""
    var toValue = ""
    var featureOptions: [SelectOption] = []
    var modelOptions: [SelectOption] = []
    var groupOptions: [SelectOption] = []
    var errors: [FieldErrorView] = []
    var summary = ""
    var timeZone = ""
    var chart: ChartView?
    var keyColumns: [String] = []
    var rows: [TableRowView] = []
    var totals: TableRowView?
    var csvHref = ""
    var events: [EventRowView] = []
    var eventsText = ""
    var previousHref: String?
    var nextHref: String?
    var pageText = ""
    var cappedText: String?
    /// When the list is empty: why (nothing in the range, or a page past the last).
    var noEventsText = "No events in this range."

    private func error(_ field: String) -> String? { errors.first { $0.field == field }?.message }

    static let templateKeys: TemplateKeys<Self> = [
        "presets": { $0.presets },
        "rangeValue": { $0.rangeValue },
        "fromValue": { $0.fromValue },
        "toValue": { $0.toValue },
        "featureOptions": { $0.featureOptions },
        "modelOptions": { $0.modelOptions },
        "groupOptions": { $0.groupOptions },
        "errors": { $0.errors },
        "hasErrors": { !$0.errors.isEmpty },
        "rangeError": { $0.error("range") },
        "fromError": { $0.error("from") },
        "toError": { $0.error("to") },
        "featureError": { $0.error("feature") },
        "modelError": { $0.error("model") },
        "groupError": { $0.error("group") },
        "pageError": { $0.error("page") },
        "summary": { $0.summary },
        "timeZone": { $0.timeZone },
        "chart": { $0.chart },
        "keyColumns": { $0.keyColumns },
        "rows": { $0.rows },
        "hasRows": { !$0.rows.isEmpty },
        "totals": { $0.totals },
        "csvHref": { $0.csvHref },
        "events": { $0.events },
        "hasEvents": { !$0.events.isEmpty },
        "eventsText": { $0.eventsText },
        "previousHref": { $0.previousHref },
        "nextHref": { $0.nextHref },
        "pageText": { $0.pageText },
        "cappedText": { $0.cappedText },
        "noEventsText": { $0.noEventsText },
    ]
}

/// The view model of `templates/portal/event.mustache`.
struct EventView: KeyedTemplateValue, Sendable {
    let eventID: String
    let facts: [StatView]

    static let templateKeys: TemplateKeys<Self> = [
        "eventID": { $0.eventID },
        "facts": { $0.facts },
    ]
}
