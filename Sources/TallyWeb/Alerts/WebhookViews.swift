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
struct WebhookFormView: KeyedTemplateValue, Sendable {
    let name: String
    let url: String
    let secret: String
    let rules: [CheckOption]
    let formats: [SelectOption]
    let enabled: Bool
    let errors: FieldErrors

    static let templateKeys: TemplateKeys<Self> = [
        "name": { $0.name },
        "url": { $0.url },
        "secret": { $0.secret },
        "rules": { $0.rules },
        "formats": { $0.formats },
        "enabled": { $0.enabled },
        "errors": { $0.errors },
        "hasErrors": { !$0.errors.isEmpty },
    ]
}

/// One endpoint in the list.
struct WebhookRow: KeyedTemplateValue, Sendable {
    let endpoint: WebhookEndpoint

    static let templateKeys: TemplateKeys<Self> = [
        "id": { String($0.endpoint.id) },
        "name": { $0.endpoint.name },
        "url": { $0.endpoint.url },
        "rules": { $0.endpoint.rules.map(\.label).joined(separator: ", ") },
        "format": { $0.endpoint.format == .slack ? "Slack" : "JSON" },
        "enabled": { $0.endpoint.enabled },
        "pending": { $0.endpoint.pending },
        "delivered": { $0.endpoint.delivered },
        "failed": { $0.endpoint.failed },
    ]
}

/// `/admin/webhooks`: the endpoints and the form for a new one (admins).
struct WebhookListView: KeyedTemplateValue, Sendable {
    let rows: [WebhookRow]
    let form: WebhookFormView

    static let templateKeys: TemplateKeys<Self> = [
        "rows": { $0.rows },
        "hasRows": { !$0.rows.isEmpty },
        "form": { $0.form },
    ]
}

/// The page after creating an endpoint: its secret, once.
struct WebhookCreatedView: KeyedTemplateValue, Sendable {
    let id: String
    let name: String
    let secret: String

    static let templateKeys: TemplateKeys<Self> = [
        "id": { $0.id },
        "name": { $0.name },
        "secret": { $0.secret },
    ]
}

/// `/admin/webhooks/{id}`: the endpoint, its edit form (admins) and its delivery log.
struct WebhookDetailView: KeyedTemplateValue, Sendable {
    struct Delivery: KeyedTemplateValue, Sendable {
        let record: WebhookDeliveryRecord

        static let templateKeys: TemplateKeys<Self> = [
            "id": { String($0.record.id) },
            "alertID": { String($0.record.alertID) },
            "message": { $0.record.alertMessage },
            "state": { $0.record.state },
            "stateClass": {
                $0.record.state == "delivered" ? "badge badge-ok" : $0.record.state == "failed" ? "badge badge-critical" : "badge badge-warning"
            },
            "createdAt": { alertTimeText($0.record.createdAt) },
            "nextAttemptAt": { $0.record.nextAttemptAt.map(alertTimeText) },
            "attempts": { $0.record.attempts.map(Attempt.init) },
        ]
    }

    struct Attempt: KeyedTemplateValue, Sendable {
        let attempt: WebhookDeliveryRecord.Attempt

        static let templateKeys: TemplateKeys<Self> = [
            "number": { $0.attempt.number },
            "at": { alertTimeText($0.attempt.at) },
            "status": { $0.attempt.statusCode.map(String.init) ?? "no answer" },
            "error": { $0.attempt.error },
            "duration": { "\($0.attempt.durationMS) ms" },
        ]
    }

    let endpoint: WebhookRow
    let form: WebhookFormView
    let deliveries: [Delivery]
    let pagination: Pagination
    let saved: Bool

    static let templateKeys: TemplateKeys<Self> = [
        "endpoint": { $0.endpoint },
        "form": { $0.form },
        "deliveries": { $0.deliveries },
        "hasDeliveries": { !$0.deliveries.isEmpty },
        "pagination": { $0.pagination },
        "saved": { $0.saved },
    ]
}
