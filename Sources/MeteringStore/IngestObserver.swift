import Foundation
import Postgres

/// A billing period of one account that an ingest added events to.
public typealias IngestTouch = AccountPeriod

/// Something that must happen in the ingest's own transaction, after the events and rollups are
/// written and before COMMIT (e.g. threshold alerts, which must fire exactly once). An observer
/// that throws rolls the whole batch back, so observers must be cheap and must not fail on the
/// client's data.
public protocol IngestObserver: Sendable {
    /// Called once per batch that stored at least one new event, with each account period that
    /// got new events (sorted, without repeats), the time the batch was received, and the
    /// ingest's connection (service scope, inside its transaction).
    func ingested(_ touched: [IngestTouch], at now: Date, on connection: PostgresConnection) async throws
}
