import Alerting
import Foundation
import Templating

/// The endpoint form: `name`, `url`, `secret`, `format`, `enabled`, and the alert kinds as
/// repeated `rules[]` fields.
enum WebhookForm {
    /// The form showing `endpoint`.
    static func showing(_ endpoint: WebhookEndpoint) -> FormState {
        var form = FormState(["name": endpoint.name, "url": endpoint.url, "format": endpoint.format.rawValue])
        if endpoint.enabled { form.values["enabled"] = "on" }
        form.lists["rules"] = endpoint.rules.map(\.rawValue)
        return form
    }

    /// The form of a new endpoint: every alert kind, JSON, enabled.
    static var blank: FormState {
        var form = FormState(["format": WebhookFormat.json.rawValue, "enabled": "on"])
        form.lists["rules"] = AlertRule.allCases.map(\.rawValue)
        return form
    }

    /// The endpoint as submitted (the store checks it).
    static func draft(_ form: FormState) -> WebhookDraft {
        WebhookDraft(
            name: form.values["name"] ?? "", url: (form.values["url"] ?? "").trimmingCharacters(in: .whitespaces),
            secret: form.values["secret"] ?? "", rules: (form.lists["rules"] ?? []).compactMap(AlertRule.init(rawValue:)),
            format: form.values["format"].flatMap(WebhookFormat.init(rawValue:)) ?? .json, enabled: form.values["enabled"] != nil)
    }

    /// The fields for a template.
    static func view(_ form: FormState) -> WebhookFormView {
        let chosen = Set(form.lists["rules"] ?? [])
        let format = form.values["format"]
        return WebhookFormView(
            name: form.values["name"] ?? "", url: form.values["url"] ?? "", secret: form.values["secret"] ?? "",
            rules: AlertRule.allCases.map { CheckOption(value: $0.rawValue, label: $0.label, checked: chosen.contains($0.rawValue), id: "rule-\($0.rawValue)") },
            formats: [SelectOption(value: "json", label: "JSON (signed)", selected: format != "slack"),
                      SelectOption(value: "slack", label: "Slack-compatible ({\"text\": …})", selected: format == "slack")],
            enabled: form.values["enabled"] != nil, errors: form.errors)
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
        case "hasErrors": !errors.isEmpty
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
