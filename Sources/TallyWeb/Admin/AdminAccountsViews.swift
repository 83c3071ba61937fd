import Foundation
import Metering
import Reporting
import Templating

/// `/admin/accounts`.
struct AccountListView: TemplateValue {
    let page: AdminAccountPage

    private var query: AdminAccountListQuery { page.query }

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "search": query.search
        case "hasSearch": !query.search.isEmpty
        case "rows": page.rows.map(Row.init)
        case "hasRows": !page.rows.isEmpty
        case "hasAccounts": page.total > 0 || !query.search.isEmpty
        case "columns": columns
        case "sort": query.sort.rawValue
        case "dir": query.descending ? "desc" : "asc"
        case "pager":
            Pager(page: query.page, pageCount: page.pageCount, total: page.total, noun: "account") { number in
                link(sort: query.sort, descending: query.descending, page: number)
            }
        default: nil
        }
    }

    private var columns: [Column] {
        [("name", "Account"), ("plan", "Plan"), ("status", "Status"), ("used", "Credits used"), ("cost", "Cost this period")].map { name, label in
            let sort = AdminAccountSort(rawValue: name)!
            let current = sort == query.sort
            // The current column's link flips the direction; another column starts ascending
            // (largest first for numbers, which is what people look for).
            let descending = current ? !query.descending : (sort == .used || sort == .cost)
            return Column(
                label: label, href: link(sort: sort, descending: descending, page: 1),
                ariaSort: current ? (query.descending ? "descending" : "ascending") : nil,
                numeric: sort == .used || sort == .cost)
        }
    }

    private func link(sort: AdminAccountSort, descending: Bool, page: Int) -> String {
        "/admin/accounts" + queryString([
            ("q", query.search), ("sort", sort == .name ? "" : sort.rawValue), ("dir", descending ? "desc" : ""),
            ("page", page > 1 ? String(page) : ""),
        ])
    }

    struct Column: TemplateValue {
        let label: String
        let href: String
        let ariaSort: String?
        let numeric: Bool

        func templateValue(forKey key: String) -> (any TemplateValue)? {
            switch key {
            case "label": label
            case "href": href
            case "ariaSort": ariaSort
            case "numeric": numeric
            default: nil
            }
        }
    }

    struct Row: TemplateValue {
        let row: AdminAccountRow

        func templateValue(forKey key: String) -> (any TemplateValue)? {
            switch key {
            case "href": "/admin/accounts/\(row.id)"
            case "name": row.name
            case "externalID": row.externalID
            case "plan": row.planName ?? "No plan"
            case "paused": row.status == .paused
            case "used": row.used.formatted
            case "granted": AdminText.credits(row.granted)
            case "usedPercent": row.usedBasisPoints.map(AdminText.percent)
            case "over": (row.usedBasisPoints ?? 0) >= 10_000
            case "cost": AdminText.cost(row.cost)
            default: nil
            }
        }
    }
}

/// `/admin/accounts/new` and `/admin/accounts/{id}/edit`.
struct AccountFormView: TemplateValue {
    let accountID: Int64?
    let accountName: String?
    let form: FormState
    let plans: [SelectOption]
    let timeZones: [String]

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "isNew": accountID == nil
        case "action": accountID.map { "/admin/accounts/\($0)" } ?? "/admin/accounts"
        case "cancel": accountID.map { "/admin/accounts/\($0)" } ?? "/admin/accounts"
        case "accountName": accountName
        case "form": form
        case "plans": plans
        case "timeZones": timeZones
        default: nil
        }
    }
}
