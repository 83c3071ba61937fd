import Templating

/// A table row: its header cells (text) and its number cells.
struct TableRowView: TemplateValue, Sendable {
    let keys: [String]
    let numbers: [String]

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "keys": keys
        case "numbers": numbers
        default: nil
        }
    }
}

/// One event of the recent-events list.
struct EventRowView: TemplateValue, Sendable {
    let time: String
    let utc: String
    let eventID: String
    let href: String
    let feature: String
    let model: String
    let tokens: String
    let credits: String
    let failed: Bool

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "time": time
        case "utc": utc
        case "eventID": eventID
        case "href": href
        case "feature": feature
        case "model": model
        case "tokens": tokens
        case "credits": credits
        case "failed": failed
        default: nil
        }
    }
}

/// A field's message, for the error summary and under the field.
struct FieldErrorView: TemplateValue, Sendable {
    let field: String
    let message: String

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "field": field
        case "message": message
        default: nil
        }
    }
}

/// The view model of `templates/portal/usage.mustache`.
struct UsageView: TemplateValue, Sendable {
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

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "presets": presets
        case "rangeValue": rangeValue
        case "fromValue": fromValue
        case "toValue": toValue
        case "featureOptions": featureOptions
        case "modelOptions": modelOptions
        case "groupOptions": groupOptions
        case "errors": errors
        case "hasErrors": !errors.isEmpty
        case "rangeError": error("range")
        case "fromError": error("from")
        case "toError": error("to")
        case "featureError": error("feature")
        case "modelError": error("model")
        case "groupError": error("group")
        case "pageError": error("page")
        case "summary": summary
        case "timeZone": timeZone
        case "chart": chart
        case "keyColumns": keyColumns
        case "rows": rows
        case "hasRows": !rows.isEmpty
        case "totals": totals
        case "csvHref": csvHref
        case "events": events
        case "hasEvents": !events.isEmpty
        case "eventsText": eventsText
        case "previousHref": previousHref
        case "nextHref": nextHref
        case "pageText": pageText
        case "cappedText": cappedText
        case "noEventsText": noEventsText
        default: nil
        }
    }
}

/// The view model of `templates/portal/event.mustache`.
struct EventView: TemplateValue, Sendable {
    let eventID: String
    let facts: [StatView]

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "eventID": eventID
        case "facts": facts
        default: nil
        }
    }
}
