import Foundation
import Postgres

/// An alert a scheduled rule wants to raise.
struct AlertCandidate: Sendable, Hashable {
    var accountID: Int64?
    var rule: AlertRule
    var level: AlertLevel
    var subject: String
    /// Unique per account and rule: a second candidate with the same key is dropped.
    var dedupeKey: String
    var periodStart: Date? = nil
    var message: String
    var details: [String: String] = [:]
}

/// Inserts alerts of the scheduled rules, with their pending webhook deliveries.
enum AlertWriter {
    /// Inserts `candidate` unless its dedupe key exists, or (with `cooldownMinutes`) an alert of
    /// the same rule, account and subject fired less than that long before `now`. Returns the
    /// new alert's id, nil when nothing was inserted.
    @discardableResult
    static func fire(
        _ candidate: AlertCandidate, cooldownMinutes: Int?, at now: Date, on connection: PostgresConnection
    ) async throws -> Int64? {
        let details = String(decoding: try JSONEncoder.sorted.encode(candidate.details), as: UTF8.self)
        let since = now.addingTimeInterval(-Double((cooldownMinutes ?? 0) * 60))
        let rows = try await connection.query(
            """
            WITH fired AS (
                INSERT INTO alerts (account_id, rule, level, subject, dedupe_key, period_start, message, details, fired_at)
                SELECT \(candidate.accountID), \(candidate.rule.rawValue), \(candidate.level.rawValue), \(candidate.subject),
                    \(candidate.dedupeKey), \(candidate.periodStart), \(candidate.message), \(details)::jsonb, \(now)
                WHERE NOT \(cooldownMinutes != nil) OR NOT EXISTS (
                    SELECT 1 FROM alerts a
                    WHERE a.rule = \(candidate.rule.rawValue) AND a.account_id IS NOT DISTINCT FROM \(candidate.accountID)
                      AND a.subject = \(candidate.subject) AND a.fired_at > \(since))
                ON CONFLICT DO NOTHING
                RETURNING id, rule
            ), queued AS (
                INSERT INTO webhook_deliveries (endpoint_id, alert_id, created_at, next_attempt_at)
                SELECT e.id, f.id, \(now), \(now)
                FROM fired f JOIN webhook_endpoints e ON e.enabled AND f.rule = ANY (e.rules)
            )
            SELECT id FROM fired
            """)
        return try rows.first?.decode(Int64.self, at: 0)
    }
}

extension JSONEncoder {
    /// Sorted keys, no escaped slashes: stable text for payloads and details.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

/// `2027-02-01T00:00:00Z`.
func isoText(_ date: Date) -> String {
    date.formatted(Date.ISO8601FormatStyle())
}
