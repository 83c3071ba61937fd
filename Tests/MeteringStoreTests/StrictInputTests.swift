import Foundation
import HTTPTypes
import HummingbirdTesting
import Metering
import MeteringStore
import NIOCore
import Postgres
import TallyTestSupport
import TallyWebTestSupport
import Testing

/// Issue "No request can hurt anyone else", findings 3 to 6: dates outside what PostgreSQL can
/// hold, JSON that means two things, ids that are two spellings of one text, and the small ones.
@Suite("Strict input: dates, JSON, identity, methods and headers")
struct StrictInputTests {
    @Test("usage dates outside 2000-01-01…9999-12-31 are 400 naming the field, on any account, with no data needed")
    func datesOutsideTheWindow() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                for (query, field) in [
                    ("from=0000-01-01&to=0000-01-02", "from"), ("from=1999-12-31&to=2000-01-02", "from"),
                    ("from=9999-12-30&to=10000-01-01", "to"), ("to=0001-01-01", "to"),
                ] {
                    for account in ["acme", "no-such-account"] {
                        let response = try await client.get("/api/v1/accounts/\(account)/usage?\(query)", key: key)
                        #expect(response.status == .badRequest, "\(query) on \(account)")
                        #expect((try json(response)["error"] as? String)?.hasPrefix("\(field) must be a date") == true, "\(query)")
                    }
                }
                let edge = try await client.get("/api/v1/accounts/acme/usage?from=9999-12-01&to=9999-12-31", key: key)
                #expect(edge.status == .ok)
            }
        }
    }

    @Test("a key that repeats in any object is refused naming it and where; nothing is stored")
    func duplicateKeys() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                let cases: [(body: String, key: String, path: String)] = [
                    (#"{"events": [{"id": "d1", "account": "acme"}], "events": []}"#, "events", "$"),
                    (#"{"events": [{"id": "d2", "account": "acme", "account": "other"}]}"#, "account", "$.events[0]"),
                    (#"{"events": [{"id": "d3", "account": "acme"}, {"id": "d4", "account": "acme", "metadata": {"a": {"b": 1, "b": 2}}}]}"#,
                     "b", "$.events[1].metadata.a"),
                    // The same key composed and decomposed: one key, as it is one id.
                    ("{\"events\": [{\"id\": \"d5\", \"account\": \"acme\", \"metadata\": {\"caf\u{E9}\": 1, \"cafe\u{301}\": 2}}]}", "caf", "$.events[0].metadata"),
                ]
                for (body, name, path) in cases {
                    let response = try await client.postRaw(body, key: key)
                    #expect(response.status == .badRequest, "\(body)")
                    let message = try json(response)["error"] as? String ?? ""
                    #expect(message.contains("\"\(name)"), "\(message)")
                    #expect(message.contains("appears more than once in the object at \(path);"), "\(message)")
                }
            }
            #expect(try await harness.rows("SELECT count(*) FROM usage_events").first!.decode(Int.self, at: 0) == 0)
        }
    }

    @Test("one identity rule: NFC and NFD spellings of an id, an account, a feature and a model are one, in a batch, across batches and in paths")
    func oneIdentityRule() async throws {
        try await MeteringHarness.with { harness in
            let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
            #expect(composed == decomposed && Array(composed.utf8) != Array(decomposed.utf8))
            try await harness.catalog.createAccount(externalID: "acme-\(decomposed)", name: "Café", planCode: "pro")
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                func event(_ id: String, _ account: String, _ feature: String) -> String {
                    #"{"id": "\#(id)", "account": "\#(account)", "feature": "\#(feature)", "model": "m-\#(feature)", "occurred_at": "2027-02-20T10:00:00Z"}"#
                }
                let first = try await client.postEvents(
                    [event(composed, "acme-\(composed)", composed), event(decomposed, "acme-\(decomposed)", decomposed)], key: key)
                #expect(first.text == #"{"accepted":1,"duplicates":1}"#)
                let second = try await client.postEvents([event(decomposed, "acme-\(composed)", decomposed)], key: key)
                #expect(second.text == #"{"accepted":0,"duplicates":1}"#)
                let otherPayload = try await client.postEvents(
                    [#"{"id": "\#(decomposed)", "account": "acme-\#(composed)", "input_tokens": 5}"#], key: key)
                #expect(otherPayload.status == .unprocessableContent, "the same id with another payload")
                for spelling in [composed, decomposed] {
                    let encoded = "acme-" + spelling.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                    let usage = try await client.get("/api/v1/accounts/\(encoded)/usage?from=2027-02-01&to=2027-02-28&group_by=feature", key: key)
                    #expect(usage.status == .ok, "\(Array(spelling.unicodeScalars))")
                    let rows = try json(usage)["rows"] as? [[String: Any]] ?? []
                    #expect(rows.count == 1 && rows.first?["events"] as? Int == 1)
                }
            }
            let stored = try await harness.rows(
                "SELECT event_id, feature_key, model, (SELECT external_id FROM accounts WHERE id = account_id) FROM usage_events"
            ).map { try $0.decode((String, String, String, String).self) }
            #expect(stored.count == 1)
            let row = try #require(stored.first)
            for text in [row.0, row.1, row.2, row.3] {
                #expect(text.unicodeScalars.contains("\u{E9}") && !text.unicodeScalars.contains("\u{301}"), "stored in NFC: \(text)")
            }
            #expect(try await harness.rows("SELECT count(*) FROM daily_usage").first!.decode(Int.self, at: 0) == 1)
            try await expectRollupsMatchEvents(harness)
        }
    }

    @Test("the small ones: deep nesting is too deep, not invalid; 405 with Allow; bearer in any case; UTF-8 only; t and z in lower case")
    func theSmallOnes() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
                let nested = try await client.postRaw(#"{"events": \#(deep)}"#, key: key)
                #expect(nested.status == .badRequest)
                #expect((try json(nested)["error"] as? String)?.contains("deeper than 512 levels") == true)

                for (method, uri, allow) in [
                    (HTTPRequest.Method.put, "/api/v1/events", "POST"), (.get, "/api/v1/events", "POST"),
                    (.delete, "/api/v1/accounts/acme/usage", "GET, HEAD"), (.post, "/api/v1/accounts/acme/usage.csv", "GET, HEAD"),
                    (.patch, "/api/v1/accounts/acme/entitlements/chat", "GET, HEAD"), (.post, "/api/v1/openapi.json", "GET, HEAD"),
                ] {
                    let response = try await client.execute(uri: uri, method: method, headers: [.authorization: "Bearer \(key)"])
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(response.headers[.allow] == allow, "\(method) \(uri)")
                    #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                }
                let unknown = try await client.execute(uri: "/api/v1/nothing-here", method: .put, headers: [:])
                #expect(unknown.status == .notFound)
                let head = try await client.execute(uri: "/api/v1/openapi.json", method: .head, headers: [:])
                #expect(head.status == .ok)

                for scheme in ["bearer", "BEARER", "Bearer", "bEaReR"] {
                    let response = try await client.execute(
                        uri: "/api/v1/accounts/acme/entitlements/chat", method: .get, headers: [.authorization: "\(scheme) \(key)"])
                    #expect(response.status == .ok, "\(scheme)")
                }
                #expect(try await client.execute(
                    uri: "/api/v1/accounts/acme/usage", method: .get, headers: [.authorization: "bearer  \(key) "]).status == .ok)
                #expect(try await client.execute(
                    uri: "/api/v1/accounts/acme/usage", method: .get, headers: [.authorization: "Bearerx \(key)"]).status == .unauthorized)

                for type in ["application/json; charset=latin1", "application/json;charset=ISO-8859-1", "text/json", "application/jsonx"] {
                    #expect(try await client.postEvents([event("c1")], key: key, contentType: type).status == .unsupportedMediaType, "\(type)")
                }
                var accepted = 0
                for (index, type) in ["application/json", "Application/JSON; charset=UTF-8", #"application/json; charset="utf-8""#,
                                      "application/json; foo=bar; charset=utf-8"].enumerated() {
                    let response = try await client.postEvents([event("ok\(index)")], key: key, contentType: type)
                    #expect(response.status == .ok, "\(type)")
                    accepted += response.status == .ok ? 1 : 0
                }
                #expect(accepted == 4)

                let lower = try await client.postEvents([event("t1", #""occurred_at": "2027-02-20t10:00:00z""#)], key: key)
                #expect(lower.text == #"{"accepted":1,"duplicates":0}"#)
                let occurred = try await harness.rows("SELECT occurred_at FROM usage_events WHERE event_id = 't1'").first!.decode(Date.self, at: 0)
                #expect(occurred == instant("2027-02-20T10:00:00Z"))
            }
        }
    }
}
