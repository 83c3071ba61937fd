import Alerting
import MeteringStore
import Reporting

/// The metering parts of the app: API keys, the ingest and the entitlement check.
public struct MeteringServices: Sendable {
    /// API keys.
    public let keys: APIKeyStore
    /// `POST /api/v1/events`, with threshold alerts checked in each batch's transaction.
    public let ingest: IngestService
    /// `GET /api/v1/accounts/{account}/entitlements/{feature}`.
    public let entitlements: EntitlementService
    /// `GET /api/v1/accounts/{account}/usage`: the reader behind the portal's usage page too.
    public let usage: UsageReader

    /// Collects the services (``AppServices`` builds them over a pool).
    public init(keys: APIKeyStore, ingest: IngestService, entitlements: EntitlementService, usage: UsageReader) {
        self.keys = keys
        self.ingest = ingest
        self.entitlements = entitlements
        self.usage = usage
    }
}
