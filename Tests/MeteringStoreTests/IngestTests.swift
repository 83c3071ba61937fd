import Foundation
import HTTPTypes
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyTestSupport
import TallyWebTestSupport
import Testing

@Suite("Ingest: POST /api/v1/events")
struct IngestTests {
    @Test func storesCostedCreditedEventsAndRollups() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                let response = try await client.postEvents([
                    event("e1", #""feature": "chat", "model": "gpt-4o", "input_tokens": 1000, "output_tokens": 500, "duration_ms": 300"#),
                    event("e2", #""feature": "summarize", "model": "gpt-4o", "usage": {"prompt_tokens": 1200, "completion_tokens": 10, "prompt_tokens_details": {"cached_tokens": 1000}}"#),
                    event("e3", #""feature": "summarize", "success": false, "usage": {"input_tokens": 5, "cache_read_input_tokens": 7, "output_tokens": 1}"#),
                ], key: key)
                #expect(response.status == .ok)
                #expect(response.text == #"{"accepted":3,"duplicates":0}"#)
            }
            let rows = try await harness.rows(
                "SELECT event_id, cost, credits, input_tokens, cached_input_tokens, unpriced FROM usage_events ORDER BY event_id")
            let stored = try rows.map { try $0.decode((String, Int64, Int64, Int64, Int64, Bool).self) }
            // chat: (1000 × 2.5 + 500 × 10) USD per 1M = 0.0075 USD; 1,500 tokens × 2 credits per 1k = 3 credits.
            #expect(stored[0] == ("e1", Int64(7_500_000), Int64(3_000), Int64(1_000), Int64(0), false))
            // OpenAI shape: 200 fresh + 1,000 cached input tokens.
            #expect(stored[1].3 == 200 && stored[1].4 == 1_000 && stored[1].2 == 1_000)
            // Failed call: costed (unpriced: no model) but no credits.
            #expect(stored[2] == ("e3", Int64(0), Int64(0), Int64(5), Int64(7), true))
            try await expectRollupsMatchEvents(harness)
        }
    }

    @Test func retriedBatchIsAllDuplicatesAndTotalsUnchanged() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            let batch = [event("a", #""feature": "chat", "input_tokens": 10"#), event("b", #""feature": "summarize""#)]
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                _ = try await client.postEvents(batch, key: key)
                let before = try await harness.rows("SELECT sum(credits)::bigint, sum(events)::bigint FROM period_usage")
                    .first!.decode((Int, Int).self)
                let retry = try await client.postEvents(batch + [batch[0]], key: key)
                #expect(retry.status == .ok)
                #expect(retry.text == #"{"accepted":0,"duplicates":3}"#)
                let after = try await harness.rows("SELECT sum(credits)::bigint, sum(events)::bigint FROM period_usage")
                    .first!.decode((Int, Int).self)
                #expect(before == after)
            }
            try await expectRollupsMatchEvents(harness)
        }
    }

    @Test func sameIDWithDifferentPayloadIsRefusedAndStoredRowUnchanged() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                _ = try await client.postEvents([event("x", #""feature": "chat", "input_tokens": 10"#)], key: key)
                let response = try await client.postEvents(
                    [event("new"), event("x", #""feature": "chat", "input_tokens": 99"#)], key: key)
                #expect(response.status == .unprocessableContent)
                let problems = try json(response)["events"] as? [[String: Any]] ?? []
                #expect(problems.count == 1)
                #expect(problems.first?["index"] as? Int == 1)
                #expect(problems.first?["field"] as? String == "id")
            }
            let stored = try await harness.rows("SELECT event_id, input_tokens FROM usage_events ORDER BY event_id")
                .map { try $0.decode((String, Int).self) }
            #expect(stored.count == 1)
            #expect(stored.first?.0 == "x" && stored.first?.1 == 10)
            try await expectRollupsMatchEvents(harness)
        }
    }

    @Test func sameIDInTwoAccountsIsStoredTwice() async throws {
        try await MeteringHarness.with { harness in
            try await harness.catalog.createAccount(externalID: "globex", name: "Globex", planCode: "payg")
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                let response = try await client.postEvents([event("same"), event("same", account: "globex")], key: key)
                #expect(response.text == #"{"accepted":2,"duplicates":0}"#)
            }
            #expect(try await harness.rows("SELECT count(*) FROM usage_events WHERE event_id = 'same'").first!.decode(Int.self, at: 0) == 2)
            try await expectRollupsMatchEvents(harness)
        }
    }

    @Test func batchWithOneBadEventStoresNothing() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                let response = try await client.postEvents(
                    [event("ok1"), event("bad", #""input_tokens": -1"#), event("ok2"), event("gone", account: "nobody")], key: key)
                #expect(response.status == .unprocessableContent)
                let body = try json(response)
                let problems = body["events"] as? [[String: Any]] ?? []
                // Field checks come first; the unknown account is found in the same pass only once
                // the fields are valid, so this batch reports the field problem.
                #expect(problems.map { $0["id"] as? String } == ["bad"])
                #expect(problems.first?["field"] as? String == "input_tokens")
                #expect(body["request_id"] is String)
            }
            #expect(try await harness.rows("SELECT count(*) FROM usage_events").first!.decode(Int.self, at: 0) == 0)
            try await expectRollupsMatchEvents(harness)
        }
    }

    @Test func unknownAccountIsReportedPerEvent() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                let response = try await client.postEvents([event("a"), event("b", account: "nobody")], key: key)
                #expect(response.status == .unprocessableContent)
                let problems = try json(response)["events"] as? [[String: Any]] ?? []
                #expect(problems.count == 1)
                #expect(problems.first?["index"] as? Int == 1)
                #expect(problems.first?["field"] as? String == "account")
            }
            #expect(try await harness.rows("SELECT count(*) FROM usage_events").first!.decode(Int.self, at: 0) == 0)
        }
    }

    @Test func priceWithLaterEffectiveFromCostsOnlyLaterEvents() async throws {
        try await MeteringHarness.with { harness in
            try await harness.catalog.addPrice(PriceDraft(
                model: "gpt-4o", input: PricePerMillionTokens(parsing: "5"), cachedInput: PricePerMillionTokens(parsing: "5"),
                output: PricePerMillionTokens(parsing: "20"), effectiveFrom: instant("2027-02-15T00:00:00Z")))
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                _ = try await client.postEvents([
                    event("before", #""model": "gpt-4o", "input_tokens": 1000000, "occurred_at": "2027-02-14T23:59:59Z""#),
                    event("after", #""model": "gpt-4o", "input_tokens": 1000000, "occurred_at": "2027-02-15T00:00:00Z""#),
                ], key: key)
            }
            let costs = try await harness.rows(
                "SELECT event_id, cost, price_id FROM usage_events ORDER BY event_id").map { try $0.decode((String, Int64, Int64).self) }
            #expect(costs[0].0 == "after" && costs[0].1 == 5_000_000_000)
            #expect(costs[1].0 == "before" && costs[1].1 == 2_500_000_000)
            #expect(costs[0].2 != costs[1].2)
            try await expectRollupsMatchEvents(harness)
        }
    }

    @Test func unpricedModelIsStoredAtZeroAndFlagged() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                let response = try await client.postEvents([event("u", #""model": "mystery-1", "input_tokens": 500"#)], key: key)
                #expect(response.status == .ok)
            }
            let row = try await harness.rows("SELECT cost, unpriced, price_id IS NULL FROM usage_events").first!
            #expect(try row.decode((Int64, Bool, Bool).self) == (Int64(0), true, true))
            try await expectRollupsMatchEvents(harness)
        }
    }

    @Test func lateEventLandsInItsOwnPeriodAndLocalDay() async throws {
        try await MeteringHarness.with { harness in
            try await harness.catalog.createAccount(
                externalID: "ny", name: "NY", planCode: "pro", timeZone: "America/New_York", anchorDay: 15)
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                // 2027-02-10T03:00Z is Feb 9 in New York: period Jan 15 – Feb 15 (local midnights).
                _ = try await client.postEvents(
                    [event("late", account: "ny", #""feature": "summarize", "occurred_at": "2027-02-10T03:00:00Z""#),
                     event("now", account: "ny", #""feature": "summarize""#)], key: key)
            }
            let rows = try await harness.rows(
                "SELECT event_id, local_day::text, period_start FROM usage_events ORDER BY event_id").map {
                try $0.decode((String, String, Date).self)
            }
            #expect(rows[0].0 == "late" && rows[0].1 == "2027-02-09")
            #expect(rows[0].2 == instant("2027-01-15T05:00:00Z"))
            #expect(rows[1].0 == "now" && rows[1].1 == "2027-02-20")
            #expect(rows[1].2 == instant("2027-02-15T05:00:00Z"))
            try await expectRollupsMatchEvents(harness)
        }
    }

    @Test func unattributedAndUnregisteredFeaturesAreKeptAndCounted() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                let response = try await client.postEvents(
                    [event("n", #""model": "gpt-4o", "input_tokens": 1000"#), event("r", #""feature": "brand-new", "input_tokens": 1"#)], key: key)
                #expect(response.text == #"{"accepted":2,"duplicates":0}"#)
            }
            let keys = try await harness.rows("SELECT feature_key, events FROM period_usage ORDER BY feature_key")
                .map { try $0.decode((String, Int).self) }
            #expect(keys.map(\.0) == ["", "brand-new"])
            try await expectRollupsMatchEvents(harness)
        }
    }
}

@Suite("Ingest: what stands in for usage_events' foreign keys (migration 0014)")
struct EventReferenceTests {
    @Test("the app role can neither delete nor renumber an account or a price that events name")
    func referencedRowsStay() async throws {
        try await MeteringHarness.with { harness in
            try await harness.withClient { client in
                let response = try await client.postEvents([event("r1", #""feature": "chat", "model": "gpt-4o", "input_tokens": 10"#)], key: harness.ingestKey)
                #expect(response.status == .ok)
            }
            let (accountID, priceID) = try #require(try await harness.rows("SELECT account_id, price_id FROM usage_events").first?
                .decode((Int64, Int64).self))
            let attempts: [(PostgresQuery, String)] = [
                ("DELETE FROM accounts WHERE id = \(accountID)", "42501"),
                ("DELETE FROM model_prices WHERE id = \(priceID)", "42501"),
                // The ids are identity columns: an explicit value is refused (428C9), DEFAULT would renumber.
                ("UPDATE accounts SET id = DEFAULT WHERE id = \(accountID)", "23001"),
                ("UPDATE model_prices SET id = DEFAULT WHERE id = \(priceID)", "23001"),
            ]
            for (statement, expected) in attempts {
                do {
                    _ = try await harness.rows(statement)
                    Issue.record("\(statement.sql) succeeded")
                } catch let error as PostgresError {
                    #expect(error.sqlState == expected, "\(statement.sql): \(error.sqlState ?? "-")")
                }
            }
            // Other changes to those rows still work.
            _ = try await harness.rows("UPDATE accounts SET name = 'Renamed' WHERE id = \(accountID)")
            let name = try await harness.rows("SELECT name FROM accounts WHERE id = \(accountID)").first?.decode(String.self, at: 0)
            #expect(name == "Renamed")
            try await expectRollupsMatchEvents(harness)
        }
    }
}
