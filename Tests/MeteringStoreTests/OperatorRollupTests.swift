import Foundation
import HummingbirdTesting
import MeteringStore
import Postgres
import TallyDatabase
import TallyTestSupport
import TallyWebTestSupport
import Testing

/// `daily_operator_usage` (migration 0012): per local day, feature and model over every account.
/// `expectRollupsMatchEvents` checks it after every ingest test; these tests aim at what is
/// particular to it.
@Suite("The operator's daily rollup")
struct OperatorRollupTests {
    /// Two accounts in different zones whose events share days, features and models.
    func batch(_ prefix: String) -> [String] {
        (0..<6).flatMap { n in
            [
                event("\(prefix)\(n)", #""feature": "summarize", "model": "gpt-4o", "input_tokens": \#(100 + n), "output_units": \#(n), "duration_ms": \#(1 << (n * 3)), "occurred_at": "2027-02-1\#(n)T10:00:00Z""#),
                event("\(prefix)\(n)", account: "globex", #""feature": "summarize", "model": "gpt-4o", "input_tokens": 50, "success": \#(n % 2 == 0), "occurred_at": "2027-02-1\#(n)T10:00:00Z""#),
                event("\(prefix)x\(n)", account: "globex", #""model": "gpt-4o", "duration_ms": 0, "occurred_at": "2027-02-1\#(n)T23:30:00Z""#),
            ]
        }
    }

    @Test("ingest adds every account's events to one row per day, feature and model; a retried batch adds nothing")
    func ingestAndRetry() async throws {
        try await MeteringHarness.with { harness in
            try await harness.catalog.createAccount(externalID: "globex", name: "Globex", planCode: "pro", timeZone: "Asia/Tokyo")
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                #expect(try await client.postEvents(batch("e"), key: key).text == #"{"accepted":18,"duplicates":0}"#)
                try await expectRollupsMatchEvents(harness)
                let shared = try await harness.rows(
                    "SELECT events, failures, output_units FROM daily_operator_usage WHERE local_day = '2027-02-11' AND feature_key = 'summarize'")
                    .first!.decode((Int, Int, Int128).self)
                #expect(shared == (2, 1, 1), "acme's and globex's events of 11 February in one row")
                let before = try await harness.rows("SELECT sum(events)::bigint, sum(cost)::bigint FROM daily_operator_usage")
                    .first!.decode((Int64, Int64).self)
                #expect(try await client.postEvents(batch("e") + [batch("e")[0]], key: key).text == #"{"accepted":0,"duplicates":19}"#)
                #expect(try await client.postEvents([batch("f")[0], batch("e")[1], batch("f")[0]], key: key).text == #"{"accepted":1,"duplicates":2}"#)
                let after = try await harness.rows("SELECT sum(events)::bigint, sum(cost)::bigint FROM daily_operator_usage")
                    .first!.decode((Int64, Int64).self)
                #expect(after.0 == before.0 + 1)
            }
            try await expectRollupsMatchEvents(harness)
        }
    }

    @Test("migration 0012 fills the rollup from the daily rollup of a database that already has events")
    func migrationBackfills() async throws {
        try await MeteringHarness.with { harness in
            try await harness.catalog.createAccount(externalID: "globex", name: "Globex", planCode: "pro", timeZone: "Asia/Tokyo")
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                _ = try await client.postEvents(batch("e"), key: harness.ingestKey)
            }
            let migration = try #require(harness.database.migrations.first { $0.name.hasSuffix("_daily_operator_usage") })
            let owner = try await harness.database.connect(as: .owner)
            defer { owner.close() }
            // Back to the schema before the migration, events and daily rollup kept.
            try await owner.withTransaction { connection in
                try await connection.execute("DROP TABLE daily_operator_usage")
                try await connection.execute("DROP FUNCTION app_can_see_operator_data()")
                try await connection.execute("DELETE FROM schema_migrations WHERE version = \(migration.version)")
            }
            let applied = try await Migrator(migrations: harness.database.migrations, logger: harness.database.logger).migrate(on: owner)
            #expect(applied.map(\.name) == [migration.name])
            try await expectRollupsMatchEvents(harness)
        }
    }
}
