import Foundation
import Logging
import Postgres
import TallyDatabase

/// Sends due webhook deliveries and records each attempt.
///
/// A delivery is claimed by moving its `next_attempt_at` a lease ahead (`FOR UPDATE SKIP
/// LOCKED`), so two workers never send the same attempt and a worker that dies mid-request leaves
/// it to be retried when the lease ends. The request is made outside any transaction; then the
/// attempt row and the delivery's new state (delivered, next attempt, or failed after 24 h) are
/// written together. Nothing is kept in memory: a restarted Tally carries on from the table.
/// Deliveries to a disabled endpoint wait, and go out if it is enabled again.
public struct WebhookDeliverer: Sendable {
    let pool: PostgresPool
    let transport: any WebhookTransport
    let destinations: WebhookDestinations
    let schedule: RetrySchedule
    let batchSize: Int
    let logger: Logger

    /// A worker over `pool` sending through `transport`, only to what `destinations` allows,
    /// checked again before every attempt.
    public init(
        pool: PostgresPool, transport: any WebhookTransport, destinations: WebhookDestinations = WebhookDestinations(),
        schedule: RetrySchedule = RetrySchedule(), batchSize: Int = 20, logger: Logger
    ) {
        self.pool = pool
        self.transport = transport
        self.destinations = destinations
        self.schedule = schedule
        self.batchSize = batchSize
        self.logger = logger
    }

    /// What one round did.
    public struct Round: Sendable, Equatable {
        public var delivered = 0
        public var retrying = 0
        public var failed = 0
        public var attempted: Int { delivered + retrying + failed }
    }

    private struct Claimed: Sendable {
        let id: Int64, endpointID: Int64, alertID: Int64, attempt: Int, createdAt: Date
    }

    /// Sends every delivery due at `now` (at most `batchSize`, a few at a time).
    @discardableResult
    public func deliverDue(at now: Date) async throws -> Round {
        let claimed = try await claim(at: now)
        var round = Round()
        try await withThrowingTaskGroup(of: String.self) { group in
            var next = claimed.makeIterator()
            for _ in 0..<4 {
                guard let delivery = next.next() else { break }
                group.addTask { try await send(delivery, at: now) }
            }
            while let outcome = try await group.next() {
                switch outcome {
                case "delivered": round.delivered += 1
                case "failed": round.failed += 1
                default: round.retrying += 1
                }
                if let delivery = next.next() { group.addTask { try await send(delivery, at: now) } }
            }
        }
        return round
    }

    private func claim(at now: Date) async throws -> [Claimed] {
        try await pool.withTransaction(scope: .service) { connection in
            try await connection.query(
                """
                UPDATE webhook_deliveries d SET next_attempt_at = \(now.addingTimeInterval(300)), attempts = d.attempts + 1
                WHERE d.id IN (
                    SELECT w.id FROM webhook_deliveries w JOIN webhook_endpoints e ON e.id = w.endpoint_id AND e.enabled
                    WHERE w.state = 'pending' AND w.next_attempt_at <= \(now)
                    ORDER BY w.next_attempt_at, w.id LIMIT \(batchSize) FOR UPDATE OF w SKIP LOCKED)
                RETURNING d.id, d.endpoint_id, d.alert_id, d.attempts, d.created_at
                """).map { row in
                let (id, endpoint, alert, attempt, created) = try row.decode((Int64, Int64, Int64, Int, Date).self)
                return Claimed(id: id, endpointID: endpoint, alertID: alert, attempt: attempt, createdAt: created)
            }
        }
    }

    /// One attempt; returns "delivered", "retrying" or "failed".
    private func send(_ delivery: Claimed, at now: Date) async throws -> String {
        let request = try await pool.withTransaction(scope: .service) { connection -> (String, String, [UInt8])? in
            guard let target = try await WebhookStore(pool: pool).target(of: delivery.endpointID, on: connection),
                  let row = try await connection.query(
                    "SELECT \(unsafeRaw: AlertStore.columns) FROM alerts al LEFT JOIN accounts ac ON ac.id = al.account_id WHERE al.id = \(delivery.alertID)").first
            else { return nil }
            let body = try WebhookPayload.body(for: try AlertStore.decode(row), format: target.format)
            return (target.url, target.secret, body)
        }
        guard let (url, secret, body) = request else {
            return try await record(delivery, status: nil, error: "the endpoint or the alert no longer exists", durationMS: 0, at: now, final: true)
        }
        let timestamp = Int64(now.timeIntervalSince1970.rounded(.down))
        let headers = [
            ("Content-Type", "application/json"), ("User-Agent", "Tally-Webhooks/1"),
            (WebhookSignature.headerName, WebhookSignature.header(secret: secret, timestamp: timestamp, body: body)),
            ("Tally-Delivery", String(delivery.id)),
        ]
        let started = ContinuousClock.now
        var status: Int?
        var failure: String?
        do {
            // Resolved and checked now, and the request goes to the address checked: an address
            // that changed since the endpoint was saved cannot steer it inside the network.
            let target = try await destinations.target(for: url)
            status = try await transport.post(url: url, target: target, headers: headers, body: body)
        } catch let refusal as WebhookDestinations.Refusal {
            failure = "refused: " + refusal.description
        } catch {
            failure = Self.describe(error)
        }
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        return try await record(delivery, status: status, error: failure, durationMS: milliseconds, at: now, final: false)
    }

    private func record(
        _ delivery: Claimed, status: Int?, error: String?, durationMS: Int64, at now: Date, final: Bool
    ) async throws -> String {
        let success = status.map { (200..<300).contains($0) } ?? false
        let next = success || final ? nil : schedule.nextAttempt(afterAttempt: delivery.attempt, failedAt: now, createdAt: delivery.createdAt)
        let state = success ? "delivered" : next == nil ? "failed" : "pending"
        let message = error ?? (success ? nil : "HTTP \(status ?? 0)")
        try await pool.withTransaction(scope: .service) { connection in
            try await connection.execute(
                """
                INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, error, duration_ms)
                VALUES (\(delivery.id), \(delivery.attempt), \(now), \(status), \(error), \(durationMS))
                """)
            try await connection.execute(
                """
                UPDATE webhook_deliveries SET state = \(state), last_status = \(status),
                    next_attempt_at = \(next ?? now), delivered_at = \(success ? now : nil)
                WHERE id = \(delivery.id)
                """)
        }
        if !success {
            logger.notice("webhook attempt failed", metadata: [
                "delivery.id": "\(delivery.id)", "attempt": "\(delivery.attempt)", "state": "\(state)", "reason": "\(message ?? "")",
            ])
        }
        return state == "pending" ? "retrying" : state
    }

    /// A short reason for the log and the delivery page: the error's type and text, cut short.
    static func describe(_ error: any Error) -> String {
        String("\(error)".prefix(200))
    }
}
