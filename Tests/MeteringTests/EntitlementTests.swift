import Foundation
import Testing
@testable import Metering

@Suite("Entitlement decisions")
struct EntitlementTests {
    let enabled = Entitlement(enabled: true)
    let blockTenPercent: OveragePolicy

    init() throws {
        blockTenPercent = .block(grace: try BasisPoints(1_000))
    }

    func ledger(granted: Int64?, used: Int64) throws -> CreditLedger {
        try CreditLedger(included: granted.map { .limited(Credits(millis: $0)) } ?? .unlimited, grants: [], used: Credits(millis: used), at: .distantPast)
    }

    func decide(
        status: AccountStatus = .active, entitlement: Entitlement?, featureUsed: Int64 = 0,
        policy: OveragePolicy, granted: Int64?, used: Int64, requested: Int64 = 0
    ) throws -> EntitlementDecision.Reason {
        try EntitlementDecision.decide(
            status: status, entitlement: entitlement, featureUsed: Credits(millis: featureUsed), policy: policy,
            ledger: ledger(granted: granted, used: used), requested: Credits(millis: requested)
        ).reason
    }

    @Test("block with 10% grace on 100,000 milli-credits: the limit is 110,000", arguments: [
        (Int64(0), Int64(0), EntitlementDecision.Reason.ok),
        (100_000, 0, .ok),                 // at granted: grace lets it through
        (109_999, 0, .ok),
        (110_000, 0, .overLimit),          // used == limit: nothing left, denied
        (110_001, 0, .overLimit),
        (109_000, 1_000, .ok),             // used + requested == limit: allowed
        (109_000, 1_001, .overLimit),
        (0, 110_001, .overLimit),          // a single request larger than everything
    ])
    func blockWithGrace(used: Int64, requested: Int64, reason: EntitlementDecision.Reason) throws {
        #expect(try decide(entitlement: enabled, policy: blockTenPercent, granted: 100_000, used: used, requested: requested) == reason)
    }

    @Test func blockWithoutGraceDeniesAtTheLimit() throws {
        let noGrace = OveragePolicy.block(grace: .zero)
        #expect(try decide(entitlement: enabled, policy: noGrace, granted: 1_000, used: 999) == .ok)
        #expect(try decide(entitlement: enabled, policy: noGrace, granted: 1_000, used: 1_000) == .overLimit)
        #expect(try decide(entitlement: enabled, policy: noGrace, granted: 0, used: 0) == .overLimit)
    }

    @Test func graceRoundsDown() throws {
        let policy = OveragePolicy.block(grace: try BasisPoints(1_550))   // 15.5 % of 7 milli = 1.085 → 1
        #expect(policy.hardLimit(granted: .limited(Credits(millis: 7))) == .limited(Credits(millis: 8)))
        #expect(policy.hardLimit(granted: .unlimited) == .unlimited)
        #expect(OveragePolicy.charge(pricePerCredit: .zero).hardLimit(granted: .limited(.zero)) == .unlimited)
    }

    @Test func chargeAllowsOverage() throws {
        let charge = OveragePolicy.charge(pricePerCredit: try Money(parsing: "0.01"))
        #expect(try decide(entitlement: enabled, policy: charge, granted: 1_000, used: 5_000, requested: 1_000) == .ok)
    }

    @Test func pausedIsDeniedBeforeAnythingElse() throws {
        #expect(try decide(status: .paused, entitlement: enabled, policy: blockTenPercent, granted: nil, used: 0) == .paused)
        #expect(try decide(status: .paused, entitlement: nil, policy: blockTenPercent, granted: 0, used: 9) == .paused)
    }

    @Test func notInPlan() throws {
        #expect(try decide(entitlement: nil, policy: blockTenPercent, granted: nil, used: 0) == .notInPlan)
        #expect(try decide(entitlement: Entitlement(enabled: false), policy: blockTenPercent, granted: nil, used: 0) == .notInPlan)
    }

    @Test func featureLimitComesBeforeTheAccountLimit() throws {
        let capped = Entitlement(enabled: true, periodLimit: .limited(Credits(millis: 5_000)))
        let charge = OveragePolicy.charge(pricePerCredit: .zero)
        #expect(try decide(entitlement: capped, featureUsed: 4_999, policy: charge, granted: 0, used: 99_999) == .ok)
        #expect(try decide(entitlement: capped, featureUsed: 5_000, policy: charge, granted: nil, used: 0) == .featureLimit)
        #expect(try decide(entitlement: capped, featureUsed: 4_000, policy: charge, granted: nil, used: 0, requested: 1_001) == .featureLimit)
        #expect(try decide(entitlement: capped, featureUsed: 5_000, policy: blockTenPercent, granted: 0, used: 1) == .featureLimit)
    }

    @Test func unlimitedNeverRunsOut() throws {
        #expect(try decide(entitlement: enabled, policy: blockTenPercent, granted: nil, used: .max, requested: .max) == .ok)
    }

    @Test func decisionsCarryTheAPIWords() throws {
        let decision = try EntitlementDecision.decide(
            status: .active, entitlement: enabled, featureUsed: .zero, policy: blockTenPercent, ledger: ledger(granted: 1, used: 0)
        )
        #expect(decision.allowed && decision.reason.rawValue == "ok")
        #expect(EntitlementDecision.Reason.allCases.map(\.rawValue) == ["ok", "not_in_plan", "paused", "over_limit", "feature_limit"])
        #expect(throws: AmountError.self) {
            try EntitlementDecision.decide(status: .active, entitlement: enabled, featureUsed: .zero, policy: blockTenPercent,
                                           ledger: ledger(granted: 1, used: 0), requested: Credits(millis: -1))
        }
    }
}
