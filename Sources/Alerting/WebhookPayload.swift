import Foundation

/// The body a webhook endpoint receives for one alert.
///
/// `json` (default):
/// ```json
/// {"account":{"id":"acme","name":"Acme"},"alert_id":12,"fired_at":"2027-02-20T12:00:00Z",
///  "level":"warning","message":"Acme has used 75% of its credits this period.",
///  "period_start":"2027-02-01T00:00:00Z","rule":"credits_used","subject":"75","threshold":75,
///  "type":"alert.fired"}
/// ```
/// `slack`: `{"text":"[WARNING] Credits used: Acme has used 75% of its credits this period."}`,
/// which a Slack incoming webhook (and most chat tools) posts as a message.
public enum WebhookFormat: String, Sendable, Hashable, CaseIterable {
    case json, slack
}

struct WebhookPayload: Encodable {
    struct Account: Encodable {
        let id: String
        let name: String
    }

    let type = "alert.fired"
    let alertID: Int64
    let rule: String
    let level: String
    let subject: String
    let message: String
    let firedAt: String
    let periodStart: String?
    let threshold: Int?
    let account: Account?

    enum CodingKeys: String, CodingKey {
        case type, rule, level, subject, message, threshold, account
        case alertID = "alert_id", firedAt = "fired_at", periodStart = "period_start"
    }

    init(_ alert: Alert) {
        alertID = alert.id
        rule = alert.rule.rawValue
        level = alert.level.rawValue
        subject = alert.subject
        message = alert.message
        firedAt = isoText(alert.firedAt)
        periodStart = alert.periodStart.map(isoText)
        threshold = alert.threshold
        account = alert.accountExternalID.map { Account(id: $0, name: alert.accountName ?? $0) }
    }

    /// The body bytes for `alert` in `format`.
    static func body(for alert: Alert, format: WebhookFormat) throws -> [UInt8] {
        switch format {
        case .json:
            return Array(try JSONEncoder.sorted.encode(WebhookPayload(alert)))
        case .slack:
            let text = "[\(alert.level.rawValue.uppercased())] \(alert.rule.label): \(alert.message)"
            return Array(try JSONEncoder.sorted.encode(["text": text]))
        }
    }
}
