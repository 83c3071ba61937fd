import Foundation
import HTTPTypes
import HummingbirdTesting
import Metering
import MeteringStore
import NIOCore
import Postgres
import Synchronization
import TallyTestSupport
import TallyWebTestSupport
import Testing

/// Random batches drawn from the documented bounds (docs/api.md, docs/openapi.json), sent by
/// several clients at once for several accounts: nothing answers 5xx, the usage API equals the sums
/// over exactly what was accepted, and no account's answers move because of another's events.
@Suite("Ingest property: random batches within the bounds")
struct IngestPropertyTests {
    /// What one stored event contributes to its account's usage report.
    struct Contribution: Hashable {
        var events = 0, failures = 0
        var input: Int128 = 0, cached: Int128 = 0, output: Int128 = 0, cacheWrite: Int128 = 0
    }

    /// The events a client may still repeat (stored, with the exact text that stored them).
    final class Model: Sendable {
        let state = Mutex<(stored: [String: String], byAccountDay: [String: [String: Contribution]])>(([:], [:]))
    }

    static let accounts = ["acme", "globex", "initech"]
    static let zones = ["acme": "UTC", "globex": "Asia/Tokyo", "initech": "America/Los_Angeles"]

    /// One event: JSON text, and what it adds when stored (nil for an event the server must refuse).
    struct Draw {
        let json: String
        let account: String
        let key: String
        let day: String?
        let contribution: Contribution?
    }

    static func draw(_ index: Int, client: Int, now: Date, broken: Bool, using random: inout SeededGenerator) -> Draw {
        let account = accounts.randomElement(using: &random)!
        let id = "p\(client)-\(index)-" + String(UInt32.random(in: 0...UInt32.max, using: &random), radix: 36)
        func count() -> Int64 {
            switch Int.random(in: 0..<6, using: &random) {
            case 0: 0
            case 1: MeteringBounds.maxTokens
            case 2: Int64.random(in: 0...MeteringBounds.maxTokens, using: &random)
            default: Int64.random(in: 0...5_000, using: &random)
            }
        }
        var fields = [#""id": "\#(id)""#, #""account": "\#(account)""#]
        var contribution = Contribution(events: 1)
        if Bool.random(using: &random) {
            fields.append(#""feature": "\#(["chat", "summarize", "brand-new", "caf\u{E9}"].randomElement(using: &random)!)""#)
        }
        if Bool.random(using: &random) {
            let model = ["gpt-4o", "gpt-4o-mini", "m-\(index % 7)"].randomElement(using: &random)!
            fields.append(#""model": "\#(model)""#)
        }
        switch Int.random(in: 0..<3, using: &random) {
        case 0:
            let (input, cached, output) = (count(), count(), count())
            fields += [#""input_tokens": \#(input)"#, #""cached_input_tokens": \#(cached)"#, #""output_tokens": \#(output)"#]
            (contribution.input, contribution.cached, contribution.output) = (Int128(input), Int128(cached), Int128(output))
        case 1:
            let prompt = count(), cached = Int64.random(in: 0...prompt, using: &random), completion = count()
            fields.append(#""usage": {"prompt_tokens": \#(prompt), "completion_tokens": \#(completion), "prompt_tokens_details": {"cached_tokens": \#(cached)}, "total_tokens": 1}"#)
            (contribution.input, contribution.cached, contribution.output) = (Int128(prompt - cached), Int128(cached), Int128(completion))
        default:
            let input = count(), write = count(), read = count(), output = count()
            fields.append(#""usage": {"input_tokens": \#(input), "cache_creation_input_tokens": \#(write), "cache_read_input_tokens": \#(read), "output_tokens": \#(output)}"#)
            // Anthropic's cache writes are a kind of their own (5-minute writes without the breakdown).
            (contribution.input, contribution.cached, contribution.output) = (Int128(input), Int128(read), Int128(output))
            contribution.cacheWrite = Int128(write)
        }
        if Int.random(in: 0..<4, using: &random) == 0 {
            fields.append(#""success": false"#)
            contribution.failures = 1
        }
        if Bool.random(using: &random) { fields.append(#""duration_ms": \#(count())"#) }
        if Bool.random(using: &random) { fields.append(#""output_units": \#(count())"#) }
        if Int.random(in: 0..<4, using: &random) == 0 {
            fields.append(#""cost_usd": "\#(["1000000", "0.000000001", "12.3456789012345", "0"].randomElement(using: &random)!)""#)
        }
        if Int.random(in: 0..<5, using: &random) == 0 { fields.append(#""metadata": {"k": [1, "two", null], "n": {"deep": true}}"#) }
        let occurred = now.addingTimeInterval(-Double(Int.random(in: 0...(30 * 86_400), using: &random)))
        fields.append(#""occurred_at": "\#(occurred.formatted(.iso8601))""#)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zones[account]!)!
        let parts = calendar.dateComponents([.year, .month, .day], from: occurred)
        let day = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        // An event that breaks a bound: its whole batch must be refused.
        if broken {
            let broken = [("output_units", "1000000001"), ("cost_usd", #""1000000.5""#), ("duration_ms", "-1"),
                          ("occurred_at", #""1999-12-31T23:59:59Z""#)].randomElement(using: &random)!
            fields.removeAll { $0.hasPrefix(#""\#(broken.0)""#) }
            fields.append(#""\#(broken.0)": \#(broken.1)"#)
            return Draw(json: "{" + fields.joined(separator: ", ") + "}", account: account, key: id, day: nil, contribution: nil)
        }
        return Draw(json: "{" + fields.joined(separator: ", ") + "}", account: account, key: id, day: day, contribution: contribution)
    }

    @Test("three clients, three accounts, random batches within the bounds: no 5xx, the usage API equals the model, accounts apart")
    func randomBatches() async throws {
        try await MeteringHarness.with { harness in
            try await harness.catalog.createAccount(externalID: "globex", name: "Globex", planCode: "payg", timeZone: "Asia/Tokyo")
            try await harness.catalog.createAccount(
                externalID: "initech", name: "Initech", planCode: "pro", timeZone: "America/Los_Angeles", anchorDay: 31)
            let model = Model()
            let key = harness.ingestKey
            let now = harness.clock.now()
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for sender in 0..<3 {
                        group.addTask {
                            var random = SeededGenerator(seed: 20_261_207 + UInt64(sender))
                            for round in 0..<12 {
                                // One batch in six carries one event past a bound.
                                let size = Int.random(in: 1...60, using: &random)
                                let broken = Int.random(in: 0..<6, using: &random) == 0 ? Int.random(in: 0..<size, using: &random) : -1
                                let draws = (0..<size).map {
                                    Self.draw(round * 100 + $0, client: sender, now: now, broken: $0 == broken, using: &random)
                                }
                                // Repeat some stored events exactly: duplicates, never double counts.
                                let repeats = model.state.withLock { Array($0.stored.values.prefix(3)) }
                                let batch = draws.map(\.json) + (Bool.random(using: &random) ? repeats : [])
                                let response = try await client.postEvents(batch, key: key)
                                #expect(response.status.code < 500, "\(response.status) \(response.text)")
                                let refusable = draws.contains { $0.contribution == nil }
                                if response.status == .ok {
                                    #expect(!refusable, "a batch with an event past a bound was accepted")
                                    let answer = try json(response)
                                    #expect(answer["accepted"] as? Int == draws.count, "\(response.text)")
                                    #expect(answer["duplicates"] as? Int == batch.count - draws.count)
                                    model.state.withLock { state in
                                        for draw in draws {
                                            state.stored[draw.key] = draw.json
                                            var days = state.byAccountDay[draw.account, default: [:]]
                                            var sums = days[draw.day!, default: Contribution()]
                                            sums.events += 1
                                            sums.failures += draw.contribution!.failures
                                            sums.input += draw.contribution!.input
                                            sums.cached += draw.contribution!.cached
                                            sums.output += draw.contribution!.output
                                            sums.cacheWrite += draw.contribution!.cacheWrite
                                            days[draw.day!] = sums
                                            state.byAccountDay[draw.account] = days
                                        }
                                    }
                                } else {
                                    #expect(response.status == .unprocessableContent, "\(response.text.prefix(300))")
                                    #expect(refusable, "a batch within the bounds was refused: \(response.text)")
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                // Every account's report equals the model of its own accepted events, day by day.
                let expected = model.state.withLock { $0.byAccountDay }
                #expect(expected.values.map(\.count).reduce(0, +) > 20, "the batches stored events on many days")
                for account in Self.accounts {
                    let response = try await client.get(
                        "/api/v1/accounts/\(account)/usage?from=2027-01-15&to=2027-02-21&group_by=day", key: key)
                    #expect(response.status == .ok)
                    var actual: [String: Contribution] = [:]
                    for row in try json(response)["rows"] as? [[String: Any]] ?? [] {
                        func wide(_ name: String) -> Int128 { Int128((row[name] as? NSNumber)?.stringValue ?? "x") ?? -1 }
                        actual[row["key"] as! String] = Contribution(
                            events: row["events"] as! Int, failures: row["failures"] as! Int,
                            input: wide("input_tokens"), cached: wide("cached_input_tokens"), output: wide("output_tokens"),
                            cacheWrite: wide("cache_write_5m_tokens"))
                    }
                    #expect(actual == expected[account] ?? [:], "\(account)")
                    let check = try await client.get("/api/v1/accounts/\(account)/entitlements/chat", key: key)
                    #expect(check.status == .ok)
                }
            }
            try await expectRollupsMatchEvents(harness)
        }
    }
}
