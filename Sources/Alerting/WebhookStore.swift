import Foundation
import Postgres
import TallyDatabase

/// A configured webhook endpoint. The secret is readable only through ``WebhookStore/secret(of:)``
/// (for signing) and shown to the admin once, when created or replaced.
public struct WebhookEndpoint: Sendable, Hashable {
    /// Database id.
    public let id: Int64
    /// A name for people.
    public let name: String
    /// Where deliveries are POSTed.
    public let url: String
    /// The alert rules it receives.
    public let rules: [AlertRule]
    /// JSON or Slack-compatible.
    public let format: WebhookFormat
    /// Whether new alerts are queued for it and its queue is sent.
    public let enabled: Bool
    /// When it was added.
    public let createdAt: Date
    /// Deliveries by state, for the list.
    public let pending: Int
    public let delivered: Int
    public let failed: Int
}

/// What an admin submits for an endpoint.
public struct WebhookDraft: Sendable, Hashable {
    /// A name for people, 1 to 100 characters.
    public var name: String
    /// An https URL to a public address (`WebhookDestinations`).
    public var url: String
    /// The signing secret; empty: generate one.
    public var secret: String
    /// The alert kinds it receives (at least one).
    public var rules: [AlertRule]
    /// JSON or Slack-compatible.
    public var format: WebhookFormat
    /// Whether it receives deliveries.
    public var enabled: Bool

    /// A draft.
    public init(name: String, url: String, secret: String = "", rules: [AlertRule], format: WebhookFormat = .json, enabled: Bool = true) {
        self.name = name
        self.url = url
        self.secret = secret
        self.rules = rules
        self.format = format
        self.enabled = enabled
    }

    /// What is wrong with the draft, before its URL's destination is checked; empty when it may
    /// be saved.
    public func problems() -> [WebhookProblem] {
        var problems: [WebhookProblem] = []
        let name = name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.count > 100 { problems.append(.name) }
        if URLComponents(string: url)?.host?.isEmpty ?? true || url.count > 2000 || url.contains(where: \.isWhitespace) {
            problems.append(.url(.notAnAddress))
        }
        if !secret.isEmpty && !(16...200).contains(secret.count) || secret.contains(where: \.isWhitespace) {
            problems.append(.secret)
        }
        if rules.isEmpty { problems.append(.rules) }
        return problems
    }
}

/// One delivery of one alert to one endpoint, with its attempts, for the delivery log.
public struct WebhookDeliveryRecord: Sendable, Hashable {
    /// One try: when, the response code (nil without an HTTP answer) or the error, how long.
    public struct Attempt: Sendable, Hashable {
        public let number: Int
        public let at: Date
        public let statusCode: Int?
        public let error: String?
        public let durationMS: Int64
    }

    /// The delivery's id (sent as `Tally-Delivery`).
    public let id: Int64
    /// The alert delivered, and its message.
    public let alertID: Int64
    public let alertMessage: String
    /// `pending`, `delivered` or `failed`.
    public let state: String
    /// Every try, first first.
    public let attempts: [Attempt]
    /// When it was queued.
    public let createdAt: Date
    /// The next try, while pending.
    public let nextAttemptAt: Date?
    /// When an endpoint answered 2xx.
    public let deliveredAt: Date?
}

/// Why an endpoint could not be saved (thrown as `Refused<WebhookProblem>`; an unknown
/// endpoint is `NotFound`).
public enum WebhookProblem: Hashable, Sendable {
    /// The name is empty or longer than 100 characters.
    case name
    /// The URL may not receive webhooks.
    case url(WebhookDestinations.Refusal)
    /// The secret is not 16 to 200 characters without spaces.
    case secret
    /// No alert kind was chosen.
    case rules
}

/// Webhook endpoints and the delivery log (operator data; staff scope).
public struct WebhookStore: Sendable {
    let pool: PostgresPool
    let destinations: WebhookDestinations

    /// A store over `pool`; endpoints are saved only to URLs `destinations` allows.
    public init(pool: PostgresPool, destinations: WebhookDestinations = WebhookDestinations()) {
        self.pool = pool
        self.destinations = destinations
    }

    /// The draft's problems, its URL checked against `destinations` (resolved now).
    private func problems(of draft: WebhookDraft) async -> [WebhookProblem] {
        var problems = draft.problems()
        if !problems.contains(where: { if case .url = $0 { true } else { false } }),
           let refusal = await destinations.checkForSaving(draft.url) {
            problems.append(.url(refusal))
        }
        return problems
    }

    private static let columns = """
        e.id, e.name, e.url, e.rules, e.format, e.enabled, e.created_at,
        (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.state = 'pending')::bigint,
        (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.state = 'delivered')::bigint,
        (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.state = 'failed')::bigint
        """

    private static func decode(_ row: PostgresRow) throws -> WebhookEndpoint {
        WebhookEndpoint(
            id: try row.decode(Int64.self, at: 0), name: try row.decode(String.self, at: 1), url: try row.decode(String.self, at: 2),
            rules: try row.decode([String].self, at: 3).compactMap(AlertRule.init(rawValue:)),
            format: WebhookFormat(rawValue: try row.decode(String.self, at: 4)) ?? .json,
            enabled: try row.decode(Bool.self, at: 5), createdAt: try row.decode(Date.self, at: 6),
            pending: Int(try row.decode(Int64.self, at: 7)), delivered: Int(try row.decode(Int64.self, at: 8)),
            failed: Int(try row.decode(Int64.self, at: 9)))
    }

    /// Every endpoint, oldest first.
    public func list() async throws -> [WebhookEndpoint] {
        try await pool.withTransaction(scope: .staff) { connection in
            try await connection.query("SELECT \(unsafeRaw: Self.columns) FROM webhook_endpoints e ORDER BY e.id").map(Self.decode)
        }
    }

    /// One endpoint, or nil.
    public func find(id: Int64) async throws -> WebhookEndpoint? {
        try await pool.withTransaction(scope: .staff) { connection in
            try await connection.query("SELECT \(unsafeRaw: Self.columns) FROM webhook_endpoints e WHERE e.id = \(id)").first.map(Self.decode)
        }
    }

    /// Creates an endpoint (audited, the secret never in the audit row); returns its id and the
    /// secret (generated when the draft has none), to show once.
    public func create(_ draft: WebhookDraft, by actor: AuditActor, at now: Date) async throws -> (id: Int64, secret: String) {
        try Refused.check(await problems(of: draft))
        let secret = draft.secret.isEmpty ? WebhookSignature.newSecret() : draft.secret
        let name = draft.name.trimmingCharacters(in: .whitespaces)
        let id = try await pool.withTransaction(scope: .staff) { connection in
            let id = try await connection.query(
                """
                INSERT INTO webhook_endpoints (name, url, secret, rules, format, enabled, created_at)
                VALUES (\(name), \(draft.url), \(secret), \(draft.rules.map(\.rawValue)), \(draft.format.rawValue), \(draft.enabled), \(now))
                RETURNING id
                """).first!.decode(Int64.self, at: 0)
            try await AuditTrail.record(
                AuditChange(action: "webhook.create", objectKind: "webhook_endpoint", objectID: String(id), accountID: nil,
                            before: nil, after: Self.snapshot(draft, name: name)),
                by: actor, at: now, on: connection)
            return id
        }
        return (id, secret)
    }

    /// Changes an endpoint's name, URL, rules, format and enabled state (not its secret), audited.
    public func update(id: Int64, _ draft: WebhookDraft, by actor: AuditActor, at now: Date) async throws {
        try Refused.check(await problems(of: draft).filter { $0 != .secret })
        let name = draft.name.trimmingCharacters(in: .whitespaces)
        try await pool.withTransaction(scope: .staff) { connection in
            let rows = try await connection.query("SELECT \(unsafeRaw: Self.columns) FROM webhook_endpoints e WHERE e.id = \(id) FOR UPDATE OF e")
            guard let before = try rows.first.map(Self.decode) else { throw NotFound() }
            try await connection.execute(
                """
                UPDATE webhook_endpoints SET name = \(name), url = \(draft.url), rules = \(draft.rules.map(\.rawValue)),
                    format = \(draft.format.rawValue), enabled = \(draft.enabled)
                WHERE id = \(id)
                """)
            let old = WebhookDraft(name: before.name, url: before.url, rules: before.rules, format: before.format, enabled: before.enabled)
            try await AuditTrail.record(
                AuditChange(action: "webhook.update", objectKind: "webhook_endpoint", objectID: String(id), accountID: nil,
                            before: Self.snapshot(old, name: old.name), after: Self.snapshot(draft, name: name)),
                by: actor, at: now, on: connection)
        }
    }

    /// The endpoint's URL, secret and format, for signing a delivery; nil when it does not exist.
    func target(of id: Int64, on connection: PostgresConnection) async throws -> (url: String, secret: String, format: WebhookFormat)? {
        guard let row = try await connection.query("SELECT url, secret, format FROM webhook_endpoints WHERE id = \(id)").first else { return nil }
        let (url, secret, format) = try row.decode((String, String, String).self)
        return (url, secret, WebhookFormat(rawValue: format) ?? .json)
    }

    /// The endpoint's deliveries, newest first, with every attempt.
    public func deliveries(of endpointID: Int64, page: Int, pageSize: Int = 50) async throws -> (records: [WebhookDeliveryRecord], total: Int) {
        try await pool.withTransaction(scope: .staff) { connection in
            let total = try await connection.query("SELECT count(*)::bigint FROM webhook_deliveries WHERE endpoint_id = \(endpointID)")
                .first?.decode(Int64.self, at: 0) ?? 0
            let rows = try await connection.query(
                """
                SELECT d.id, d.alert_id, a.message, d.state, d.created_at, d.next_attempt_at, d.delivered_at
                FROM webhook_deliveries d JOIN alerts a ON a.id = d.alert_id
                WHERE d.endpoint_id = \(endpointID) ORDER BY d.id DESC LIMIT \(pageSize) OFFSET \(max(page - 1, 0) * pageSize)
                """)
            let ids = try rows.map { try $0.decode(Int64.self, at: 0) }
            var attempts: [Int64: [WebhookDeliveryRecord.Attempt]] = [:]
            for row in try await connection.query(
                """
                SELECT delivery_id, attempt, at, status_code, error, duration_ms FROM webhook_attempts
                WHERE delivery_id = ANY (\(ids)) ORDER BY delivery_id, attempt
                """) {
                let (delivery, number, at, status, error, duration) = try row.decode((Int64, Int, Date, Int?, String?, Int64).self)
                attempts[delivery, default: []].append(.init(number: number, at: at, statusCode: status, error: error, durationMS: duration))
            }
            let records = try rows.map { row in
                let (id, alertID, message, state, created, next, delivered) = try row.decode((Int64, Int64, String, String, Date, Date, Date?).self)
                return WebhookDeliveryRecord(
                    id: id, alertID: alertID, alertMessage: message, state: state, attempts: attempts[id] ?? [],
                    createdAt: created, nextAttemptAt: state == "pending" ? next : nil, deliveredAt: delivered)
            }
            return (records, Int(total))
        }
    }

    private static func snapshot(_ draft: WebhookDraft, name: String) -> AuditSnapshot {
        ["name": name, "url": draft.url, "rules": draft.rules.map(\.rawValue).joined(separator: ","),
         "format": draft.format.rawValue, "enabled": "\(draft.enabled)"]
    }
}
