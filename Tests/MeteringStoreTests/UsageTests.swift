import Foundation
import HTTPTypes
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyTestSupport
import TallyWebTestSupport
import Testing

@Suite("GET /api/v1/accounts/{account}/usage")
struct UsageTests {
    /// Events over four local days, three features (one unregistered, with a comma and a quote),
    /// the unattributed bucket, two models and a failure; plus an event of another account.
    static let events = [
        event("e1", #""feature": "summarize", "model": "gpt-4o", "input_tokens": 100, "output_tokens": 10, "occurred_at": "2027-02-18T10:00:00Z""#),
        event("e2", #""feature": "chat", "model": "gpt-4o", "input_tokens": 1500, "cached_input_tokens": 500, "output_tokens": 250, "occurred_at": "2027-02-18T23:59:59Z""#),
        event("e3", #""feature": "chat", "model": "other-model", "input_tokens": 700, "output_tokens": 30, "success": false, "occurred_at": "2027-02-19T08:00:00Z""#),
        event("e4", #""feature": "summarize", "occurred_at": "2027-02-20T09:00:00Z""#),
        event("e5", #""model": "gpt-4o", "input_tokens": 9, "occurred_at": "2027-02-20T11:00:00Z""#),
        event("e6", #""feature": "a,\"b", "model": "gpt-4o", "input_tokens": 3, "occurred_at": "2027-02-20T11:30:00Z""#),
        event("e7", #""feature": "chat", "model": "gpt-4o", "input_tokens": 250, "occurred_at": "2027-01-20T12:00:00Z""#),
        event("x1", account: "other", #""feature": "summarize", "occurred_at": "2027-02-19T12:00:00Z""#),
    ]

    static func seed(_ harness: MeteringHarness) async throws {
        try await harness.catalog.createAccount(externalID: "other", name: "Other", planCode: "pro")
        let key = harness.ingestKey
        try await harness.withClient { (client: any TestClientProtocol) async throws in
            let response = try await client.postEvents(events, key: key)
            #expect(response.status == .ok, "\(response.text)")
            #expect(try json(response)["accepted"] as? Int == events.count)
        }
    }

    /// The expected rows, summed independently over raw `usage_events` of acme.
    static func expectedRows(_ harness: MeteringHarness, key: String, from: String, to: String) async throws -> [[String: String]] {
        var rows: [[String: String]] = []
        for row in try await harness.rows(
            """
            SELECT \(unsafeRaw: key) COLLATE "C" AS k, count(*)::bigint, (count(*) FILTER (WHERE NOT success))::bigint,
                   sum(input_tokens)::bigint, sum(cached_input_tokens)::bigint, sum(output_tokens)::bigint, sum(credits)::bigint,
                   ARRAY[sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), sum(reasoning_tokens), sum(audio_input_tokens),
                         sum(audio_output_tokens), sum(image_input_tokens), sum(web_search_queries)]::bigint[]
            FROM usage_events
            WHERE account_id = (SELECT id FROM accounts WHERE external_id = 'acme')
              AND local_day BETWEEN \(from)::date AND \(to)::date
            GROUP BY 1 ORDER BY 1
            """) {
            let (k, events, failures, input, cached, output, credits) =
                try row.decode((String, Int64, Int64, Int64, Int64, Int64, Int64).self)
            var expected = [
                "key": k, "events": "\(events)", "failures": "\(failures)", "input_tokens": "\(input)",
                "cached_input_tokens": "\(cached)", "output_tokens": "\(output)", "credits": Credits(millis: credits).decimalString,
            ]
            for (name, value) in zip(Self.otherKinds, try row.decode([Int64].self, at: 7)) { expected[name] = "\(value)" }
            rows.append(expected)
        }
        return rows
    }

    /// The token kinds (and web searches) the report gained with migration 0017.
    static let otherKinds = [
        "cache_write_5m_tokens", "cache_write_1h_tokens", "reasoning_tokens", "audio_input_tokens", "audio_output_tokens",
        "image_input_tokens", "web_search_queries",
    ]

    static func normalised(_ value: Any?) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in value as? [String: Any] ?? [:] { result[key] = "\(value)" }
        return result
    }

    @Test func rowsAndTotalsEqualRawEventSumsForEachGrouping() async throws {
        try await MeteringHarness.with { harness in
            try await Self.seed(harness)
            let readKey = try await APIKeyStore(pool: harness.pool).create(name: "reader", scope: .read, now: harness.clock.now()).secret
            let groupings = [("day", "local_day::text"), ("feature", "coalesce(feature_key, '')"), ("model", "coalesce(model, '')")]
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                for (grouping, expression) in groupings {
                    for (from, to) in [("2027-02-18", "2027-02-20"), ("2027-01-01", "2027-02-19"), ("2027-02-20", "2027-02-20")] {
                        let response = try await client.get(
                            "/api/v1/accounts/acme/usage?from=\(from)&to=\(to)&group_by=\(grouping)", key: readKey)
                        #expect(response.status == .ok, "\(response.text)")
                        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                        let body = try json(response)
                        #expect(body["account"] as? String == "acme")
                        #expect(body["from"] as? String == from)
                        #expect(body["to"] as? String == to)
                        #expect(body["group_by"] as? String == grouping)
                        let rows = (body["rows"] as? [Any] ?? []).map(Self.normalised)
                        let expected = try await Self.expectedRows(harness, key: expression, from: from, to: to)
                        #expect(rows == expected, "\(grouping) \(from)…\(to)")
                        var totals: [String: String] = [:]
                        for field in ["events", "failures", "input_tokens", "cached_input_tokens", "output_tokens"] + Self.otherKinds {
                            totals[field] = "\(expected.reduce(Int64(0)) { $0 + Int64($1[field]!)! })"
                        }
                        totals["credits"] = Credits(millis: expected.reduce(Int128(0)) {
                            $0 + (try! Credits(parsing: $1["credits"]!)).millis
                        }).decimalString
                        #expect(Self.normalised(body["totals"]) == totals, "\(grouping) totals")
                        #expect(!response.text.contains("cost"))
                    }
                }
                // Defaults: group_by=day, the last 30 local days ending today (2027-02-20).
                let defaults = try json(try await client.get("/api/v1/accounts/acme/usage", key: readKey))
                #expect(defaults["from"] as? String == "2027-01-22")
                #expect(defaults["to"] as? String == "2027-02-20")
                #expect(defaults["group_by"] as? String == "day")
                #expect((defaults["rows"] as? [Any])?.count == 3)
                // Credits as a decimal string: e2 earns 2 credits per 1k tokens of 2,250.
                let chat = try json(try await client.get(
                    "/api/v1/accounts/acme/usage?from=2027-02-18&to=2027-02-18&group_by=feature", key: readKey))
                let chatRow = (chat["rows"] as? [[String: Any]])?.first { $0["key"] as? String == "chat" }
                #expect(chatRow?["credits"] as? String == "4.5")
            }
            try await expectRollupsMatchEvents(harness)
        }
    }

    @Test func csvByPathAndByAcceptWithEscaping() async throws {
        try await MeteringHarness.with { harness in
            try await Self.seed(harness)
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                let byPath = try await client.get(
                    "/api/v1/accounts/acme/usage.csv?from=2027-02-20&to=2027-02-20&group_by=feature", key: key)
                #expect(byPath.status == .ok)
                #expect(byPath.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(byPath.text == """
                    key,events,failures,input_tokens,cached_input_tokens,output_tokens,credits,cache_write_5m_tokens,cache_write_1h_tokens,reasoning_tokens,audio_input_tokens,audio_output_tokens,image_input_tokens,web_search_queries\r
                    ,1,0,9,0,0,0,0,0,0,0,0,0,0\r
                    "a,""b",1,0,3,0,0,0,0,0,0,0,0,0,0\r
                    summarize,1,0,0,0,0,1,0,0,0,0,0,0,0\r

                    """)
                let byAccept = try await client.execute(
                    uri: "/api/v1/accounts/acme/usage?from=2027-02-20&to=2027-02-20&group_by=feature", method: .get,
                    headers: [.authorization: "Bearer \(key)", .accept: "text/csv"])
                #expect(byAccept.status == .ok)
                #expect(byAccept.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(byAccept.text == byPath.text)
                let empty = try await client.get("/api/v1/accounts/acme/usage.csv?from=2026-01-01&to=2026-01-02", key: key)
                #expect(empty.text == "key,events,failures,input_tokens,cached_input_tokens,output_tokens,credits,cache_write_5m_tokens,cache_write_1h_tokens,reasoning_tokens,audio_input_tokens,audio_output_tokens,image_input_tokens,web_search_queries\r\n")
            }
        }
    }

    @Test func badRequestsUnknownAccountsAndMissingKeys() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                let bad = [
                    "from=2027-2-01": "from must be a date",
                    "to=2027-02-30": "to must be a date",
                    "from=yesterday": "from must be a date",
                    "from=2027-02-10&to=2027-02-01": "is after to",
                    "from=2026-01-01&to=2027-01-02": "longer than 366 days",
                    "group_by=week": "group_by must be day, feature or model",
                    "from=2027-03-01": "is after to",
                ]
                for (query, message) in bad {
                    for path in ["usage", "usage.csv"] {
                        let response = try await client.get("/api/v1/accounts/acme/\(path)?\(query)", key: key)
                        #expect(response.status == .badRequest, "\(query)")
                        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                        #expect((try json(response)["error"] as? String)?.contains(message) == true, "\(query): \(response.text)")
                    }
                }
                // 366 days inclusive is allowed.
                #expect(try await client.get("/api/v1/accounts/acme/usage?from=2026-01-01&to=2027-01-01", key: key).status == .ok)
                let unknown = try await client.get("/api/v1/accounts/nobody/usage", key: key)
                #expect(unknown.status == .notFound)
                #expect(try json(unknown)["error"] as? String == "No account has this external id.")
                for path in ["usage", "usage.csv"] {
                    let anonymous = try await client.get("/api/v1/accounts/acme/\(path)", key: nil)
                    #expect(anonymous.status == .unauthorized)
                    #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
                }
            }
        }
    }
}
