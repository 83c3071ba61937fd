import Foundation
import Metering
import Postgres
import TallyDatabase

/// The answer to an accepted batch.
public struct IngestResult: Sendable, Hashable, Encodable {
    /// Events stored by this batch.
    public let accepted: Int
    /// Events already stored (by an earlier batch, or earlier in this one), skipped.
    public let duplicates: Int
}

/// `POST /api/v1/events`: validates a whole batch, then stores it in one transaction in which
/// the new events, the daily rollup, the period counter and the operator's daily rollup change
/// together.
public struct IngestService: Sendable {
    /// How many ingest transactions run at once per process unless told otherwise (see `IngestGate`).
    public static let defaultConcurrentTransactions = 3

    let pool: PostgresPool
    let gate: IngestGate
    let observers: [any IngestObserver]
    let calendar: CalendarMemo

    /// A service over `pool` that runs at most `concurrentTransactions` ingest transactions at
    /// once; `observers` run inside each batch's transaction, before COMMIT. Events are placed in
    /// their periods and local days through `calendar`.
    public init(
        pool: PostgresPool, observers: [any IngestObserver] = [],
        concurrentTransactions: Int = defaultConcurrentTransactions, calendar: CalendarMemo = CalendarMemo()
    ) {
        self.pool = pool
        self.observers = observers
        self.calendar = calendar
        gate = IngestGate(limit: concurrentTransactions)
    }

    /// Validates and stores `body` received at `now`. Nothing is stored unless every event is
    /// valid; the result is returned after COMMIT.
    ///
    /// - Throws: `IngestError` for the client's mistakes; anything else is the server's.
    public func ingest(_ body: Data, now: Date) async throws -> IngestResult {
        let (settings, endUserKey) = try await SettingsStore(pool: pool).load()
        let batch = try EventValidator(settings: settings, now: now).validate(body)
        guard !batch.events.isEmpty else { return IngestResult(accepted: 0, duplicates: batch.repeats) }
        func attempt(_ ids: StoredIDs) async throws -> Int {
            try await gate.withPermit {
                try await pool.withTransaction(scope: .service) { connection in
                    try await store(batch.events, settings: settings, endUserKey: endUserKey, receivedAt: now, ids: ids, on: connection)
                }
            }
        }
        let inserted: Int
        do {
            inserted = try await attempt(.refused)
        } catch let error as PostgresError where error.sqlState == "23505" && error.constraint == "usage_events_pkey" {
            // An id of the batch is stored already (a retried batch, or one a concurrent batch
            // just stored): nothing of the first attempt remains; store again, skipping them.
            // The second transaction costs the batch again from the catalog it reads itself, as
            // every ingest transaction does: it writes only account and price ids read there.
            inserted = try await attempt(.skipped)
        }
        return IngestResult(accepted: inserted, duplicates: batch.events.count - inserted + batch.repeats)
    }

    /// What the insert does with an id of the batch that is stored already.
    enum StoredIDs {
        /// A plain INSERT fails on it, and with it the transaction. The first attempt: most
        /// batches hold new ids only, and a plain insert costs the server less than one that
        /// checks every row for a conflict first (`ON CONFLICT` inserts speculatively).
        case refused
        /// `ON CONFLICT DO NOTHING` skips it; the batch's new events are stored.
        case skipped
    }

    /// Costs, credits and inserts `events` in the caller's transaction; returns how many were new.
    private func store(
        _ events: [UsageEvent], settings: MeteringSettings, endUserKey: [UInt8], receivedAt: Date, ids: StoredIDs,
        on connection: PostgresConnection
    ) async throws -> Int {
        let catalog = try await IngestCatalog.load(for: events, on: connection)
        let (rows, problems) = EventRows.build(
            events, catalog: catalog, settings: settings, endUserKey: endUserKey, calendar: calendar)
        guard problems.isEmpty else { throw IngestError.invalidEvents(problems.sorted { $0.index < $1.index }) }
        let stored = try await insert(rows, receivedAt: receivedAt, ids: ids, on: connection)
        try await checkDuplicates(rows, stored: stored, events: events, on: connection)
        guard stored.count > 0 else { return 0 }
        let rollups = try IngestRollups(rows, stored: stored)
        try await rollups.write(on: connection)
        // Work that must happen exactly once per stored event (threshold alerts): same
        // transaction, after the insert and the rollups.
        if !observers.isEmpty {
            let touched = rollups.accountPeriods
            for observer in observers { try await observer.ingested(touched, at: receivedAt, on: connection) }
        }
        // Last before COMMIT: every ingest adds to these few rows, so their locks are held for
        // as short a time as possible (see OperatorRollupDelta).
        try await rollups.operatorDelta.write(on: connection)
        return stored.count
    }

    /// Events already stored under an id of this batch must carry the same payload; otherwise
    /// the batch is refused (and rolled back) so the stored event never changes.
    private func checkDuplicates(
        _ rows: EventRows, stored: StoredRows, events: [UsageEvent], on connection: PostgresConnection
    ) async throws {
        guard stored.count < rows.count else { return }
        var skipped: [EventKey: Int] = [:]
        for index in 0..<rows.count where !stored.contains(index, of: rows) {
            skipped[EventKey(accountID: rows.accountIDs[index], eventID: rows.eventIDs[index])] = index
        }
        let keys = Array(skipped.keys)
        let found = try await connection.query(
            """
            SELECT u.account_id, u.event_id, u.fingerprint FROM usage_events u
            JOIN unnest(\(keys.map(\.accountID)), \(keys.map(\.eventID))) AS k(account_id, event_id)
              ON u.account_id = k.account_id AND u.event_id = k.event_id
            """)
        var conflictIDs: Set<String> = []
        for row in found {
            let (accountID, eventID, fingerprint) = try row.decode((Int64, String, Data).self)
            guard let index = skipped[EventKey(accountID: accountID, eventID: eventID)] else { continue }
            if rows.fingerprints[index] != fingerprint { conflictIDs.insert(eventID) }
        }
        guard !conflictIDs.isEmpty else { return }
        let problems = events.filter { conflictIDs.contains($0.id) }.map {
            EventProblem(index: $0.index, id: $0.id, field: "id", message: "an event with this id is already stored with a different payload")
        }
        throw IngestError.invalidEvents(problems)
    }

    /// Inserts the batch's events; with `.skipped`, only those whose ids are not stored yet.
    /// Returns which rows were new; when every row was (the usual case) their keys are not even
    /// read back.
    private func insert(
        _ rows: EventRows, receivedAt: Date, ids: StoredIDs, on connection: PostgresConnection
    ) async throws -> StoredRows {
        let onConflict = switch ids {
        case .refused: ""
        case .skipped: "ON CONFLICT (account_id, event_id) DO NOTHING RETURNING account_id, event_id"
        }
        let result = try await connection.query(
            """
            INSERT INTO usage_events (account_id, event_id, feature_key, model, input_tokens, cached_input_tokens,
                output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens, audio_input_tokens,
                audio_output_tokens, image_input_tokens, web_search_queries, service_tier, output_units, success,
                duration_ms, end_user_hash, occurred_at, received_at,
                local_day, period_start, cost, price_id, unpriced, credits, metadata, fingerprint)
            SELECT account_id, event_id, feature_key, model, input_tokens, cached_input_tokens, output_tokens,
                cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens, audio_input_tokens, audio_output_tokens,
                image_input_tokens, web_search_queries, service_tier,
                output_units, success, duration_ms, end_user_hash, occurred_at, \(receivedAt),
                local_day::date, period_start, cost, price_id, unpriced, credits, metadata::jsonb, fingerprint
            FROM unnest(\(rows.accountIDs), \(rows.eventIDs), \(rows.features), \(rows.models),
                \(rows.input), \(rows.cached), \(rows.output), \(rows.extraKinds[0]), \(rows.extraKinds[1]),
                \(rows.extraKinds[2]), \(rows.extraKinds[3]), \(rows.extraKinds[4]), \(rows.extraKinds[5]),
                \(rows.extraKinds[6]), \(rows.serviceTiers), \(rows.units), \(rows.success), \(rows.durations),
                \(rows.endUserHashes), \(rows.occurredAt), \(rows.localDays), \(rows.periodStarts), \(rows.costs),
                \(rows.priceIDs), \(rows.unpriced), \(rows.credits), \(rows.metadata), \(rows.fingerprints))
            AS e(account_id, event_id, feature_key, model, input_tokens, cached_input_tokens, output_tokens,
                 cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens, audio_input_tokens, audio_output_tokens,
                 image_input_tokens, web_search_queries, service_tier,
                 output_units, success, duration_ms, end_user_hash, occurred_at, local_day, period_start, cost,
                 price_id, unpriced, credits, metadata, fingerprint)
            ORDER BY account_id, event_id
            \(unsafeRaw: onConflict)
            """)
        if case .refused = ids { return StoredRows(all: rows.count) }
        if result.count == rows.count { return StoredRows(all: result.count) }
        var keys: Set<EventKey> = []
        for row in result {
            let (accountID, eventID) = try row.decode((Int64, String).self)
            keys.insert(EventKey(accountID: accountID, eventID: eventID))
        }
        return StoredRows(keys: keys)
    }
}

/// One account's billing period, by the account's database id and the period's first instant.
public struct AccountPeriod: Hashable, Sendable {
    /// The account's database id.
    public let accountID: Int64
    /// The period's first instant (`period_usage.period_start`).
    public let periodStart: Date

    /// A pair.
    public init(accountID: Int64, periodStart: Date) {
        self.accountID = accountID
        self.periodStart = periodStart
    }
}
