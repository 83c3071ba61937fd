import Alerting
import Foundation
import Templating

/// The endpoint form as posted; the alert kinds arrive as repeated `rules` fields.
struct WebhookForm: Decodable, Sendable {
    var name: String?
    var url: String?
    var secret: String?
    var rules: [String]?
    var format: String?
    var enabled: String?

    init(name: String? = nil, url: String? = nil, secret: String? = nil, rules: [String]? = nil, format: String? = nil, enabled: String? = nil) {
        self.name = name
        self.url = url
        self.secret = secret
        self.rules = rules
        self.format = format
        self.enabled = enabled
    }

    /// The form showing `endpoint`.
    init(_ endpoint: WebhookEndpoint) {
        self.init(name: endpoint.name, url: endpoint.url, rules: endpoint.rules.map(\.rawValue), format: endpoint.format.rawValue,
                  enabled: endpoint.enabled ? "on" : nil)
    }

    /// The form of a new endpoint: every alert kind, JSON, enabled.
    static let blank = WebhookForm(rules: AlertRule.allCases.map(\.rawValue), format: WebhookFormat.json.rawValue, enabled: "on")

    var draft: WebhookDraft {
        WebhookDraft(
            name: name ?? "", url: (url ?? "").trimmingCharacters(in: .whitespaces), secret: secret ?? "",
            rules: (rules ?? []).compactMap(AlertRule.init(rawValue:)),
            format: format.flatMap(WebhookFormat.init(rawValue:)) ?? .json, enabled: enabled != nil)
    }

    /// The fields for a template.
    func view(errors: [String: String]) -> WebhookFormView {
        let chosen = Set(rules ?? [])
        return WebhookFormView(
            name: name ?? "", url: url ?? "", secret: secret ?? "",
            rules: AlertRule.allCases.map { CheckOption(value: $0.rawValue, label: $0.label, checked: chosen.contains($0.rawValue), id: "rule-\($0.rawValue)") },
            formats: [SelectOption(value: "json", label: "JSON (signed)", selected: format != "slack"),
                      SelectOption(value: "slack", label: "Slack-compatible ({\"text\": …})", selected: format == "slack")],
            enabled: enabled != nil, errors: FieldErrors(messages: errors))
    }
}

/// An endpoint form's fields.
struct WebhookFormView: TemplateValue, Sendable {
    let name: String
    let url: String
    let secret: String
    let rules: [CheckOption]
    let formats: [SelectOption]
    let enabled: Bool
    let errors: FieldErrors

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "name": name
        case "url": url
        case "secret": secret
        case "rules": rules
        case "formats": formats
        case "enabled": enabled
        case "errors": errors
        case "hasErrors": !errors.messages.isEmpty
        default: nil
        }
    }
}

/// One endpoint in the list.
struct WebhookRow: TemplateValue, Sendable {
    let endpoint: WebhookEndpoint

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "id": String(endpoint.id)
        case "name": endpoint.name
        case "url": endpoint.url
        case "rules": endpoint.rules.map(\.label).joined(separator: ", ")
        case "format": endpoint.format == .slack ? "Slack" : "JSON"
        case "enabled": endpoint.enabled
        case "pending": endpoint.pending
        case "delivered": endpoint.delivered
        case "failed": endpoint.failed
        default: nil
        }
    }
}

/// `/admin/webhooks`: the endpoints and the form for a new one (admins).
struct WebhookListView: TemplateValue, Sendable {
    let rows: [WebhookRow]
    let form: WebhookFormView

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "rows": rows
        case "hasRows": !rows.isEmpty
        case "form": form
        default: nil
        }
    }
}

/// The page after creating an endpoint: its secret, once.
struct WebhookCreatedView: TemplateValue, Sendable {
    let id: String
    let name: String
    let secret: String

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "id": id
        case "name": name
        case "secret": secret
        default: nil
        }
    }
}

/// `/admin/webhooks/{id}`: the endpoint, its edit form (admins) and its delivery log.
struct WebhookDetailView: TemplateValue, Sendable {
    struct Delivery: TemplateValue, Sendable {
        let record: WebhookDeliveryRecord

        func templateValue(forKey key: String) -> (any TemplateValue)? {
            switch key {
            case "id": String(record.id)
            case "alertID": String(record.alertID)
            case "message": record.alertMessage
            case "state": record.state
            case "stateClass": record.state == "delivered" ? "badge badge-ok" : record.state == "failed" ? "badge badge-critical" : "badge badge-warning"
            case "createdAt": alertTimeText(record.createdAt)
            case "nextAttemptAt": record.nextAttemptAt.map(alertTimeText)
            case "attempts": record.attempts.map(Attempt.init)
            default: nil
            }
        }
    }

    struct Attempt: TemplateValue, Sendable {
        let attempt: WebhookDeliveryRecord.Attempt

        func templateValue(forKey key: String) -> (any TemplateValue)? {
            switch key {
            case "number": attempt.number
            case "at": alertTimeText(attempt.at)
            case "status": attempt.statusCode.map(String.init) ?? "no answer"
            case "error": attempt.error
            case "duration": "\(attempt.durationMS) ms"
            default: nil
            }
        }
    }

    let endpoint: WebhookRow
    let form: WebhookFormView
    let deliveries: [Delivery]
    let pagination: Pagination
    let saved: Bool

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "endpoint": endpoint
        case "form": form
        case "deliveries": deliveries
        case "hasDeliveries": !deliveries.isEmpty
        case "pagination": pagination
        case "saved": saved
        default: nil
        }
    }
}
