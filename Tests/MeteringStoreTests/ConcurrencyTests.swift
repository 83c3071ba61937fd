import Foundation
import MeteringStore
import Postgres
import TallyTestSupport
import TallyWebTestSupport
import Testing

@Suite("Ingest: concurrency")
struct ConcurrencyTests {
    /// 1,000 ids, each posted 4 times in 32 overlapping batches sent at once: each id is stored
    /// once and the rollups are exact.
    @Test func overlappingBatchesFromManyClientsStoreEachEventOnce() async throws {
        try await MeteringHarness.with { harness in
            var generator = SeededGenerator(seed: 42)
            var batches: [[String]] = []
            for _ in 0..<4 {
                let ids = (0..<1_000).shuffled(using: &generator)
                for start in stride(from: 0, to: 1_000, by: 125) {
                    batches.append(ids[start..<start + 125].map {
                        event("e\($0)", #""feature": "chat", "model": "gpt-4o", "input_tokens": \#($0), "duration_ms": \#($0)"#)
                    })
                }
            }
            let now = harness.clock.now()
            let results = try await harness.database.withPool(maxConnections: 16, acquireTimeout: .seconds(30)) { pool in
                let service = IngestService(pool: pool)
                return try await withThrowingTaskGroup(of: IngestResult.self) { group in
                    for batch in batches {
                        let body = Data(("{\"events\": [" + batch.joined(separator: ",") + "]}").utf8)
                        group.addTask { try await service.ingest(body, now: now) }
                    }
                    return try await group.reduce(into: [IngestResult]()) { $0.append($1) }
                }
            }
            #expect(batches.count == 32)
            #expect(results.map(\.accepted).reduce(0, +) == 1_000)
            #expect(results.map(\.duplicates).reduce(0, +) == 3_000)
            #expect(try await harness.rows("SELECT count(*) FROM usage_events").first!.decode(Int.self, at: 0) == 1_000)
            try await expectRollupsMatchEvents(harness)
        }
    }
}

@Suite("Ingest: a calendar change while a batch is in flight")
struct CalendarRaceTests {
    /// An admin edit holds the account locked and moves its anchor day from 1 to 15; a batch
    /// arrives meanwhile. The batch must wait and then count in the period of the calendar that
    /// committed (15 Feb), never in the old one (1 Feb) that the edit has just emptied.
    @Test func aBatchDuringACalendarChangeLandsInTheNewPeriod() async throws {
        try await MeteringHarness.with { harness in
            let admin = try await harness.database.connect(as: .superuser)
            defer { admin.close() }
            try await admin.execute("BEGIN")
            _ = try await admin.query("SELECT 1 FROM accounts WHERE external_id = 'acme' FOR UPDATE")
            try await admin.execute("UPDATE accounts SET anchor_day = 15 WHERE external_id = 'acme'")

            let service = IngestService(pool: harness.pool)
            let now = harness.clock.now()
            let body = Data(("{\"events\": [" + event("during-edit", #""feature": "summarize""#) + "]}").utf8)
            let ingest = Task { try await service.ingest(body, now: now) }
            // The batch must wait for the edit's lock (this fails if it never does); then commit
            // the edit.
            try await harness.database.waitForLockWaiters()
            try await admin.execute("COMMIT")

            #expect(try await ingest.value.accepted == 1)
            let stored = try await harness.rows(
                "SELECT period_start FROM usage_events WHERE event_id = 'during-edit'").first!.decode(Date.self, at: 0)
            #expect(stored == instant("2027-02-15T00:00:00Z"))
            let periods = try await harness.rows(
                "SELECT p.period_start FROM period_usage p JOIN accounts a ON a.id = p.account_id WHERE a.external_id = 'acme'")
            #expect(try periods.map { try $0.decode(Date.self, at: 0) } == [instant("2027-02-15T00:00:00Z")])
            try await expectRollupsMatchEvents(harness)
        }
    }
}

