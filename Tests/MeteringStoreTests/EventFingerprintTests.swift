import Foundation
import Metering
import MeteringStore
import TallyCrypto
import TallyTestSupport
import Testing

/// Stored events keep their fingerprints and a retried event is recognised by them for as long as
/// it is stored, so the fingerprint of a payload must never change.
@Suite("Event fingerprints")
struct EventFingerprintTests {
    static let now = instant("2026-11-23T00:00:00Z")

    @Test("fingerprints equal the digests stored for these payloads before the byte writer")
    func fixedDigests() throws {
        let cases: [(String, String)] = [
            (#"{"id":"xae12205-5050","account":"demo-001","feature":"extract","model":"claude-haiku","input_tokens":650,"output_tokens":300}"#,
             "14f0778afb5ce7c6e26fe2888071dca59dd4478cee384f9a82127e54ff1c3dce"),
            (#"{"id":"xae12205-5100","account":"demo-001","feature":"chat","model":"gpt-4o-mini","input_tokens":700,"output_tokens":50}"#,
             "a3b95ef412ecf4f6bd34989437028dd16bf9fe304a8a1654b7abe34f59c3e6ec"),
            (#"{"id":"golden-1 \"q\"","account":"demo-001","feature":"chat","model":"gpt-4o","input_tokens":1200,"cached_input_tokens":5,"output_tokens":77,"output_units":3,"success":false,"duration_ms":1234,"end_user":"user\u0001é\\","occurred_at":"2026-11-22T10:30:00.250Z","cost_usd":"0.0123","metadata":{"b":[1,2.5,"x\"y"],"a":{"z":null,"k":"tab\there"}}}"#,
             "55768f0e8fa82b2b9c7fd6e9b8187266c294583df03f85824a83990568d51681"),
            (#"{"id":"golden-2","account":"demo-002","usage":{"prompt_tokens":1000,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":400}}}"#,
             "3206cc32c949b0bccaccb4fb91d17cfcc1fba68580040655dece0b6163604c12"),
        ]
        for (event, digest) in cases {
            let batch = try EventValidator(settings: MeteringSettings(), now: Self.now).validate(Data((#"{"events":["# + event + "]}").utf8))
            #expect(Hex.encode(try #require(batch.events.first).fingerprint) == digest, "\(event)")
        }
    }

    @Test("fingerprints equal SHA-256 of the normalised payload as JSONValue's canonical text, for 2,000 generated events")
    func matchesCanonicalJSON() throws {
        var random = SeededGenerator(seed: 20261123)  // ConcurrencyTests.swift
        let texts = ["a", "plain-id", "quote\"d", "back\\slash", "tab\tand\nnewline", "\u{01}\u{1F}", "é ü 日本", "emoji 🧾", "x/y"]
        func text() -> String { (0..<Int(random.next() % 3 + 1)).map { _ in texts[Int(random.next() % UInt64(texts.count))] }.joined() }
        func maybe<T>(_ make: () -> T) -> T? { random.next() % 3 == 0 ? nil : make() }
        for index in 0..<2_000 {
            let id = "e\(index)-" + text()
            let feature = maybe(text)
            let model = maybe(text)
            let input = Int64(random.next() % 5_000_000)
            let cached = min(input, Int64(random.next() % 1_000))
            let output = Int64(random.next() % 100_000)
            let units = maybe { Int64(random.next() % 1_000) }
            let success = maybe { random.next() % 2 == 0 }
            let duration = maybe { Int64(random.next() % 600_000) }
            let endUser = maybe(text)
            let cost = maybe { "0.\(random.next() % 1_000_000)" }
            let seconds = maybe { Int(random.next() % 86_400) }
            let metadata: JSONValue? = maybe {
                .object(["k": .string(text()), "n": .integer(Int64(random.next() % 100)), "list": .array([.bool(true), .null, .number(0.5)])])
            }
            var fields: [String: JSONValue] = [
                "id": .string(id), "account": .string("acme"), "input_tokens": .integer(input),
                "cached_input_tokens": .integer(cached), "output_tokens": .integer(output),
            ]
            fields["feature"] = feature.map(JSONValue.string)
            fields["model"] = model.map(JSONValue.string)
            fields["output_units"] = units.map(JSONValue.integer)
            fields["success"] = success.map(JSONValue.bool)
            fields["duration_ms"] = duration.map(JSONValue.integer)
            fields["end_user"] = endUser.map(JSONValue.string)
            fields["cost_usd"] = cost.map(JSONValue.string)
            let occurredAt = seconds.map { Self.now.addingTimeInterval(-Double($0) - 0.125) }
            fields["occurred_at"] = occurredAt.map { .string(Date.ISO8601FormatStyle(includingFractionalSeconds: true).format($0)) }
            fields["metadata"] = metadata
            let body = JSONValue.object(["events": .array([.object(fields)])]).canonical
            let batch = try EventValidator(settings: MeteringSettings(), now: Self.now).validate(Data(body.utf8))
            let event = try #require(batch.events.first)

            var normalised: [String: JSONValue] = [
                "id": .string(id), "account": .string("acme"), "feature": feature.map(JSONValue.string) ?? .null,
                "model": model.map(JSONValue.string) ?? .null, "input": .integer(input), "cached": .integer(cached),
                "output": .integer(output), "units": .integer(units ?? 0), "success": .bool(success ?? true),
                "duration": duration.map(JSONValue.integer) ?? .null, "end_user": endUser.map(JSONValue.string) ?? .null,
                "cost": try cost.map { .integer(try Money(parsing: $0).int64Nanos()) } ?? .null,
                "metadata": metadata.map { .string($0.canonical) } ?? .null,
            ]
            if occurredAt != nil { normalised["occurred_at"] = .number(event.occurredAt.timeIntervalSince1970) }
            #expect(event.fingerprint == SHA256.hash(JSONValue.object(normalised).canonical), "\(body)")
        }
    }
}
