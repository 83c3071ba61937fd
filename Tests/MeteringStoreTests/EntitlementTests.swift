import Foundation
import HTTPTypes
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyTestSupport
import TallyWebTestSupport
import Testing

@Suite("GET /api/v1/accounts/{account}/entitlements/{feature}")
struct EntitlementTests {
    @Test func answersFromThePeriodCounter() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                _ = try await client.postEvents((0..<40).map { event("s\($0)", #""feature": "summarize""#) }, key: key)
                let response = try await client.get("/api/v1/accounts/acme/entitlements/summarize", key: key)
                #expect(response.status == .ok)
                #expect(response.text == """
                    {"allowed":true,"credits":{"granted":100,"included":100,"remaining":60,"used":40},\
                    "period":{"end":"2027-03-01T00:00:00Z","resets_at":"2027-03-01T00:00:00Z","start":"2027-02-01T00:00:00Z"},\
                    "reason":"ok"}
                    """)
                let tooMuch = try json(try await client.get("/api/v1/accounts/acme/entitlements/summarize?credits=60.001", key: key))
                #expect(tooMuch["reason"] as? String == "over_limit")
                let justFits = try json(try await client.get("/api/v1/accounts/acme/entitlements/summarize?credits=60", key: key))
                #expect(justFits["allowed"] as? Bool == true)
            }
            try await expectRollupsMatchEvents(harness)
        }
    }

    @Test func usedEqualToGrantedIsOverLimitUntilATopUp() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                _ = try await client.postEvents((0..<100).map { event("s\($0)", #""feature": "summarize""#) }, key: key)
                let over = try json(try await client.get("/api/v1/accounts/acme/entitlements/chat", key: key))
                #expect(over["allowed"] as? Bool == false)
                #expect(over["reason"] as? String == "over_limit")
                try await harness.catalog.grant(
                    accountExternalID: "acme",
                    CreditGrant(amount: Credits(credits: 10), kind: .topUp, grantedAt: harness.clock.now().addingTimeInterval(-60), price: Money(dollars: 5)))
                let topped = try json(try await client.get("/api/v1/accounts/acme/entitlements/chat", key: key))
                #expect(topped["reason"] as? String == "ok")
                #expect((topped["credits"] as? [String: Any])?["remaining"] as? Int == 10)
            }
        }
    }

    @Test func featureLimitNotInPlanAndPaused() async throws {
        try await MeteringHarness.with { harness in
            try await harness.catalog.setEntitlement(
                planCode: "pro", featureKey: "chat", entitlement: Entitlement(enabled: true, periodLimit: .limited(Credits(credits: 2))))
            try await harness.catalog.createAccount(externalID: "noplan", name: "No plan", planCode: nil)
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                _ = try await client.postEvents([event("c", #""feature": "chat", "input_tokens": 1000"#)], key: key)
                let reason = { (uri: String) async throws -> String? in
                    try json(try await client.get(uri, key: key))["reason"] as? String
                }
                #expect(try await reason("/api/v1/accounts/acme/entitlements/chat") == "feature_limit")
                #expect(try await reason("/api/v1/accounts/acme/entitlements/summarize") == "ok")
                #expect(try await reason("/api/v1/accounts/acme/entitlements/unknown-feature") == "not_in_plan")
                #expect(try await reason("/api/v1/accounts/noplan/entitlements/chat") == "not_in_plan")
                _ = try await harness.rows("UPDATE accounts SET status = 'paused' WHERE external_id = 'acme' RETURNING id")
                #expect(try await reason("/api/v1/accounts/acme/entitlements/summarize") == "paused")
            }
            try await expectRollupsMatchEvents(harness)
        }
    }

    @Test func chargePlansAllowOverageAndUnlimitedIsExplicit() async throws {
        try await MeteringHarness.with { harness in
            try await harness.catalog.createPlan(PlanDraft(
                code: "max", name: "Max", includedCredits: .unlimited, overage: .block(grace: .zero)))
            try await harness.catalog.setEntitlement(planCode: "max", featureKey: "chat", entitlement: Entitlement(enabled: true))
            try await harness.catalog.createAccount(externalID: "big", name: "Big", planCode: "max")
            try await harness.catalog.createAccount(externalID: "meter", name: "Meter", planCode: "payg")
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                _ = try await client.postEvents([event("m", account: "meter", #""feature": "summarize""#)], key: key)
                let payg = try json(try await client.get("/api/v1/accounts/meter/entitlements/summarize", key: key))
                #expect(payg["reason"] as? String == "ok")
                #expect((payg["credits"] as? [String: Any])?["remaining"] as? Int == 0)
                let unlimited = try json(try await client.get("/api/v1/accounts/big/entitlements/chat", key: key))
                #expect((unlimited["credits"] as? [String: Any])?["remaining"] as? String == "unlimited")
            }
        }
    }

    @Test func unknownAccountIs404AndBadCreditsIs400() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                #expect(try await client.get("/api/v1/accounts/nobody/entitlements/chat", key: key).status == .notFound)
                for bad in ["-1", "abc", "0.0001"] {
                    #expect(try await client.get("/api/v1/accounts/acme/entitlements/chat?credits=\(bad)", key: key).status == .badRequest)
                }
            }
        }
    }

    @Test func theCheckSetsItsDataScopeForItsOwnStatementOnly() async throws {
        try await MeteringHarness.with { harness in
            // One connection, so the statements after the check run on the check's connection.
            try await harness.database.withPool(maxConnections: 1) { pool in
                let service = EntitlementService(pool: pool)
                let check = try await service.check(
                    presenting: harness.ingestKey, account: "acme", feature: "chat", requested: .zero, now: harness.clock.now())
                guard case .answered(let key, let answer) = check else {
                    Issue.record("expected an answer, got \(check)")
                    return
                }
                #expect(key.name == "backend")
                #expect(answer.decision.reason == .ok)
                let scope = try await pool.query("SELECT coalesce(current_setting('app.scope', true), '')").first!
                #expect(try scope.decode(String.self, at: 0) == "")
                await #expect(throws: PostgresError.self) { try await pool.query("SELECT count(*) FROM accounts") }
                let unknown = try await service.check(
                    presenting: "tly_" + String(repeating: "x", count: 43), account: "acme", feature: "chat",
                    requested: .zero, now: harness.clock.now())
                #expect(unknown == .unauthenticated)
            }
        }
    }
}
