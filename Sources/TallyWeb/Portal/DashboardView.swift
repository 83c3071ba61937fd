import Metering
import Reporting
import Templating

/// The view model of the dashboard (`templates/portal/dashboard.mustache`).
struct DashboardView: KeyedTemplateValue, Sendable {
    let accountName: String
    /// "1 February – 28 February 2027".
    let periodText: String
    let timeZone: String
    /// Nothing was ever metered: the first-run state instead of charts.
    let isFirstRun: Bool
    let planName: String?
    /// Set when the account has no plan: what that means.
    let noPlanText: String?
    let stats: [StatView]
    /// The gauge of used vs granted; nil on unlimited plans and without a plan.
    let gauge: ChartView?
    let daily: ChartView
    let byFeature: ChartView
    let byModel: ChartView
    let periodEvents: String
    let isOwner: Bool

    static let templateKeys: TemplateKeys<Self> = [
        "accountName": { $0.accountName },
        "periodText": { $0.periodText },
        "timeZone": { $0.timeZone },
        "isFirstRun": { $0.isFirstRun },
        "planName": { $0.planName },
        "noPlanText": { $0.noPlanText },
        "stats": { $0.stats },
        "gauge": { $0.gauge },
        "daily": { $0.daily },
        "byFeature": { $0.byFeature },
        "byModel": { $0.byModel },
        "periodEvents": { $0.periodEvents },
        "isOwner": { $0.isOwner },
    ]
}
