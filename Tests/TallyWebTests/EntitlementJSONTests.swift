import Foundation
import Metering
@testable import MeteringStore
import NIOCore
import Testing
@testable import TallyWeb

@Suite("The entitlement answer's JSON")
struct EntitlementJSONTests {
    /// The answer as the documented JSON, put together the plain way: Foundation's ISO 8601
    /// formatter for the instants and `decimalString` for the amounts.
    private func expected(_ answer: EntitlementAnswer) -> String {
        let iso = ISO8601DateFormatter()
        func amount(_ limit: CreditLimit) -> String {
            switch limit {
            case .unlimited: "\"unlimited\""
            case .limited(let credits): credits.decimalString
            }
        }
        let ledger = answer.ledger
        return "{\"allowed\":\(answer.decision.allowed),\"credits\":{\"granted\":\(amount(ledger.granted)),"
            + "\"included\":\(amount(ledger.included)),\"remaining\":\(amount(ledger.remaining)),"
            + "\"used\":\(amount(.limited(ledger.used)))},\"period\":{\"end\":\"\(iso.string(from: answer.period.end))\","
            + "\"resets_at\":\"\(iso.string(from: answer.period.resetsAt))\",\"start\":\"\(iso.string(from: answer.period.start))\"},"
            + "\"reason\":\"\(answer.decision.reason.rawValue)\"}"
    }

    @Test("written bytes equal the plain rendering for 2,000 random answers")
    func matchesPlainRendering() throws {
        var generator = SystemRandomNumberGenerator()
        let zones = ["UTC", "America/New_York", "Asia/Tokyo", "Australia/Lord_Howe", "Pacific/Apia", "Asia/Kolkata"]
            .map { TimeZone(identifier: $0)! }
        for index in 0..<2_000 {
            // Instants from 1970 to about 2400, anchors 1–31.
            let instant = Date(timeIntervalSince1970: Double.random(in: 0..<13_600_000_000, using: &generator).rounded(.down))
            let period = try BillingPeriod.containing(
                instant, anchorDay: Int.random(in: 1...31, using: &generator), timeZone: zones[index % zones.count])
            let included: CreditLimit = index.isMultiple(of: 7)
                ? .unlimited : .limited(Credits(millis: Int64.random(in: 0...10_000_000_000, using: &generator)))
            let grants = try (0..<(index % 3)).map { _ in
                try CreditGrant(
                    amount: Credits(millis: Int64.random(in: 1...5_000_000, using: &generator)), kind: .topUp,
                    grantedAt: period.start)
            }
            let ledger = try CreditLedger(
                included: included, grants: grants, used: Credits(millis: Int64.random(in: 0...20_000_000_000, using: &generator)),
                at: instant)
            let decision = try EntitlementDecision.decide(
                status: index.isMultiple(of: 11) ? .paused : .active,
                entitlement: index.isMultiple(of: 13) ? nil : Entitlement(enabled: true), featureUsed: .zero,
                policy: .block(grace: try BasisPoints(0)), ledger: ledger)
            let answer = EntitlementAnswer(decision: decision, ledger: ledger, period: period)
            let body = EntitlementJSON.body(answer)
            #expect(String(buffer: body) == expected(answer))
        }
    }

    @Test("the documented example, byte for byte")
    func documentedExample() throws {
        let utc = TimeZone(identifier: "UTC")!
        let instant = try Date("2027-02-10T12:00:00Z", strategy: .iso8601)
        let ledger = try CreditLedger(included: .limited(Credits(millis: 100_000)), grants: [], used: Credits(millis: 40_000), at: instant)
        let decision = try EntitlementDecision.decide(
            status: .active, entitlement: Entitlement(enabled: true), featureUsed: .zero,
            policy: .block(grace: try BasisPoints(0)), ledger: ledger)
        let answer = EntitlementAnswer(
            decision: decision, ledger: ledger, period: try BillingPeriod.containing(instant, anchorDay: 1, timeZone: utc))
        #expect(String(buffer: EntitlementJSON.body(answer)) == """
            {"allowed":true,"credits":{"granted":100,"included":100,"remaining":60,"used":40},\
            "period":{"end":"2027-03-01T00:00:00Z","resets_at":"2027-03-01T00:00:00Z","start":"2027-02-01T00:00:00Z"},\
            "reason":"ok"}
            """)
    }
}
