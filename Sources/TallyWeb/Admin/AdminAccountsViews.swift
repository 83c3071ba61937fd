import Foundation
import Metering
import Reporting
import Templating

/// `/admin/accounts`.
struct AccountListView: KeyedTemplateValue {
    let page: AdminAccountPage

    private var query: AdminAccountListQuery { page.query }

    static let templateKeys: TemplateKeys<Self> = [
        "search": { $0.query.search },
        "hasSearch": { !$0.query.search.isEmpty },
        "rows": { $0.page.rows.map(Row.init) },
        "hasRows": { !$0.page.rows.isEmpty },
        "hasAccounts": { $0.page.total > 0 || !$0.query.search.isEmpty },
        "columns": { $0.columns },
        "sort": { $0.query.sort.rawValue },
        "dir": { $0.query.descending ? "desc" : "asc" },
        "pager": { model in
            Pager(page: model.query.page, pageCount: model.page.pageCount, total: model.page.total, noun: "account") { number in
                model.link(sort: model.query.sort, descending: model.query.descending, page: number)
            }
        },
    ]

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

    struct Column: KeyedTemplateValue {
        let label: String
        let href: String
        let ariaSort: String?
        let numeric: Bool

        static let templateKeys: TemplateKeys<Self> = [
            "label": { $0.label },
            "href": { $0.href },
            "ariaSort": { $0.ariaSort },
            "numeric": { $0.numeric },
        ]
    }

    struct Row: KeyedTemplateValue {
        let row: AdminAccountRow

        static let templateKeys: TemplateKeys<Self> = [
            "href": { "/admin/accounts/\($0.row.id)" },
            "name": { $0.row.name },
            "externalID": { $0.row.externalID },
            "plan": { $0.row.planName ?? "No plan" },
            "paused": { $0.row.status == .paused },
            "used": { $0.row.used.formatted },
            "granted": { AdminText.credits($0.row.granted) },
            "usedPercent": { $0.row.usedBasisPoints.map(AdminText.percent) },
            "over": { ($0.row.usedBasisPoints ?? 0) >= 10_000 },
            "cost": { AdminText.cost($0.row.cost) },
        ]
    }
}

/// `/admin/accounts/new` and `/admin/accounts/{id}/edit`.
struct AccountFormView: KeyedTemplateValue {
    let accountID: Int64?
    let accountName: String?
    let form: FormState
    let plans: [SelectOption]
    let timeZones: [String]

    static let templateKeys: TemplateKeys<Self> = [
        "isNew": { $0.accountID == nil },
        "action": { model in model.accountID.map { "/admin/accounts/\($0)" } ?? "/admin/accounts" },
        "cancel": { model in model.accountID.map { "/admin/accounts/\($0)" } ?? "/admin/accounts" },
        "accountName": { $0.accountName },
        "form": { $0.form },
        "plans": { $0.plans },
        "timeZones": { $0.timeZones },
    ]
}
