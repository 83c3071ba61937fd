import Foundation
import Postgres

/// A billing period of one account that an ingest added events to.
public struct IngestTouch: Sendable, Hashable {
    /// The account.
    public let accountID: Int64
    /// The start of the billing period the new events belong to.
    public let periodStart: Date

    /// A touched account period.
    public init(accountID: Int64, periodStart: Date) {
        self.accountID = accountID
        self.periodStart = periodStart
    }
}

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

extension EventRows {
    /// The account periods of the rows whose keys are in `inserted`.
    func touched(by inserted: Set<EventKey>) -> [IngestTouch] {
        var touched: Set<IngestTouch> = []
        for index in accountIDs.indices where inserted.contains(EventKey(accountID: accountIDs[index], eventID: eventIDs[index])) {
            touched.insert(IngestTouch(accountID: accountIDs[index], periodStart: periodStarts[index]))
        }
        return touched.sorted { ($0.accountID, $0.periodStart) < ($1.accountID, $1.periodStart) }
    }
}
