import Metering
import Reporting
import Templating

/// The view model of the dashboard (`templates/portal/dashboard.mustache`).
struct DashboardView: TemplateValue, Sendable {
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

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "accountName": accountName
        case "periodText": periodText
        case "timeZone": timeZone
        case "isFirstRun": isFirstRun
        case "planName": planName
        case "noPlanText": noPlanText
        case "stats": stats
        case "gauge": gauge
        case "daily": daily
        case "byFeature": byFeature
        case "byModel": byModel
        case "periodEvents": periodEvents
        case "isOwner": isOwner
        default: nil
        }
    }
}
