import Logging
import Metering
import Postgres

/// Alerts: budget thresholds crossed at ingest (inside the ingest transaction), the scheduled
/// rules (cost spikes, low margins, unpriced models, caps) guarded by an advisory lock, and
/// webhook deliveries kept in the database so a restart loses none.
public enum Alerting {
    /// The scheduler's jobs for alerts: evaluate the scheduled rules, then send due webhooks.
    public static func jobs(rules: ScheduledRules, deliverer: WebhookDeliverer) -> [PeriodicJob] {
        [
            PeriodicJob(name: "alerts.evaluate") { now in try await rules.evaluate(at: now) },
            PeriodicJob(name: "webhooks.deliver") { now in try await deliverer.deliverDue(at: now) },
        ]
    }

    /// The scheduler of a serving Tally: the alert jobs every minute over `pool`.
    public static func scheduler(
        pool: PostgresPool, clock: any WallClock, transport: any WebhookTransport, destinations: WebhookDestinations,
        logger: Logger
    ) -> PeriodicScheduler {
        let deliverer = WebhookDeliverer(pool: pool, transport: transport, destinations: destinations, logger: logger)
        return PeriodicScheduler(
            pool: pool, clock: clock, jobs: jobs(rules: ScheduledRules(pool: pool), deliverer: deliverer), logger: logger)
    }
}

/// The stores the admin pages and the portal use.
public struct AlertingServices: Sendable {
    /// Rule settings.
    public let rules: AlertRuleStore
    /// Alerts: lists, acknowledgement, the customer's threshold alerts.
    public let alerts: AlertStore
    /// Webhook endpoints and their delivery logs.
    public let webhooks: WebhookStore

    /// The stores over `pool`; webhook endpoints are saved only to URLs `destinations` allows.
    public init(pool: PostgresPool, destinations: WebhookDestinations = WebhookDestinations()) {
        rules = AlertRuleStore(pool: pool)
        alerts = AlertStore(pool: pool)
        webhooks = WebhookStore(pool: pool, destinations: destinations)
    }
}
