import Metering
import Alerting
import Foundation
import Templating

/// `/admin/alerts`: the list with its filters.
struct AlertListView: KeyedTemplateValue, Sendable {
    struct Row: KeyedTemplateValue, Sendable {
        let alert: Alert

        static let templateKeys: TemplateKeys<Self> = [
            "id": { String($0.alert.id) },
            "firedAt": { alertTimeText($0.alert.firedAt) },
            "rule": { $0.alert.rule.label },
            "level": { $0.alert.level.rawValue },
            "levelClass": { levelBadge($0.alert.level) },
            "account": { $0.alert.accountName ?? "All accounts" },
            "accountExternalID": { $0.alert.accountExternalID },
            "message": { $0.alert.message },
            "isOpen": { $0.alert.isOpen },
            "acknowledged": { model in
                model.alert.acknowledgedAt.map { "Acknowledged \(alertTimeText($0)) by \(model.alert.acknowledgedBy ?? "—")" }
            },
        ]
    }

    let rows: [Row]
    let rules: [SelectOption]
    let levels: [SelectOption]
    let states: [SelectOption]
    let account: String
    let pagination: Pagination
    let hasFilter: Bool
    /// The list's own URL (with filters), where acknowledging returns to.
    let returnTo: String

    static let templateKeys: TemplateKeys<Self> = [
        "rows": { $0.rows },
        "hasRows": { !$0.rows.isEmpty },
        "rules": { $0.rules },
        "levels": { $0.levels },
        "states": { $0.states },
        "account": { $0.account },
        "pagination": { $0.pagination },
        "hasFilter": { $0.hasFilter },
        "returnTo": { $0.returnTo },
    ]
}

/// The filter of the list, read leniently from the query string: unknown values are ignored.
struct AlertListQuery: Sendable {
    var filter = AlertFilter()
    var state = "open"
    var page = 1

    init(_ parameters: [String: String]) {
        filter.rule = parameters["rule"].flatMap(AlertRule.init(rawValue:))
        filter.level = parameters["level"].flatMap(AlertLevel.init(rawValue:))
        let account = parameters["account"]?.trimmingCharacters(in: .whitespaces) ?? ""
        filter.account = account.isEmpty ? nil : IdentityText.normalized(String(account.prefix(200)))
        state = ["open", "acknowledged", "all"].contains(parameters["state"] ?? "") ? parameters["state"]! : "open"
        filter.open = state == "all" ? nil : state == "open"
        page = PageNumber.parse(parameters["page"])
    }

    /// The query items that reproduce this filter (without the page).
    var items: [(String, String)] {
        var items: [(String, String)] = []
        if let rule = filter.rule { items.append(("rule", rule.rawValue)) }
        if let level = filter.level { items.append(("level", level.rawValue)) }
        if let account = filter.account { items.append(("account", account)) }
        items.append(("state", state))
        return items
    }

    func view(_ page: AlertPage, pageSize: Int) -> AlertListView {
        var components = URLComponents()
        components.queryItems = (items + [("page", String(self.page))]).map { URLQueryItem(name: $0.0, value: $0.1) }
        return AlertListView(
            rows: page.alerts.map(AlertListView.Row.init),
            rules: [SelectOption(value: "", label: "All rules", selected: filter.rule == nil)]
                + AlertRule.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0 == filter.rule) },
            levels: [SelectOption(value: "", label: "All levels", selected: filter.level == nil)]
                + AlertLevel.allCases.map { SelectOption(value: $0.rawValue, label: $0.rawValue.capitalized, selected: $0 == filter.level) },
            states: [("open", "Open"), ("acknowledged", "Acknowledged"), ("all", "All")].map {
                SelectOption(value: $0.0, label: $0.1, selected: $0.0 == state)
            },
            account: filter.account ?? "",
            pagination: Pagination(total: page.total, page: self.page, pageSize: pageSize, path: "/admin/alerts", query: items),
            hasFilter: filter.rule != nil || filter.level != nil || filter.account != nil || state != "open",
            returnTo: "/admin/alerts?" + (components.percentEncodedQuery ?? ""))
    }
}
