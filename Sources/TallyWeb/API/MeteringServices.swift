import Alerting
import MeteringStore
import Postgres

/// The metering parts of the app: API keys, the ingest and the entitlement check.
public struct MeteringServices: Sendable {
    /// API keys.
    public let keys: APIKeyStore
    /// `POST /api/v1/events`, with threshold alerts checked in each batch's transaction.
    public let ingest: IngestService
    /// `GET /api/v1/accounts/{account}/entitlements/{feature}`.
    public let entitlements: EntitlementService
    /// `GET /api/v1/accounts/{account}/usage`.
    public let usage: UsageQueryService

    /// Builds the services over `pool`.
    public init(pool: PostgresPool) {
        keys = APIKeyStore(pool: pool)
        ingest = IngestService(pool: pool, observers: [ThresholdAlerts()])
        entitlements = EntitlementService(pool: pool)
        usage = UsageQueryService(pool: pool)
    }
}
