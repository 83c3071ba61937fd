import Foundation
import TallyTestSupport
import Testing
@testable import Metering

@Suite("Credit ledger")
struct LedgerTests {
    func credits(_ text: String) throws -> Credits { try Credits(parsing: text) }

    @Test func grantedIsIncludedPlusActiveGrants() throws {
        let now = instant("2027-03-15T00:00:00Z")
        let grants = [
            try CreditGrant(amount: credits("500"), kind: .topUp, grantedAt: instant("2027-03-01T00:00:00Z"), price: Money(dollars: 50)),
            try CreditGrant(amount: credits("200"), kind: .topUp, grantedAt: instant("2027-01-01T00:00:00Z"), expiresAt: instant("2027-03-15T00:00:00Z")),
            try CreditGrant(amount: credits("300"), kind: .adjustment, grantedAt: instant("2027-03-16T00:00:00Z")),
            try CreditGrant(amount: credits("-50"), kind: .adjustment, grantedAt: instant("2027-03-02T00:00:00Z")),
        ]
        let ledger = try CreditLedger(included: .limited(credits("1000")), grants: grants, used: credits("1200.5"), at: now)
        // 1,000 + 500 − 50; the 200 expired at this very instant, the 300 is not granted yet.
        #expect(ledger.granted == .limited(try credits("1450")))
        #expect(ledger.available == (try credits("249.5")))
        #expect(ledger.remaining == .limited(try credits("249.5")))
        #expect(ledger.overage == .zero)
    }

    @Test func expiredGrantsStopCountingAndCauseOverage() throws {
        let topUp = try CreditGrant(amount: credits("500"), kind: .topUp, grantedAt: instant("2027-03-01T00:00:00Z"),
                                    expiresAt: instant("2027-03-20T00:00:00Z"))
        let before = try CreditLedger(included: .limited(credits("1000")), grants: [topUp], used: credits("1300"), at: instant("2027-03-19T23:59:59Z"))
        let after = try CreditLedger(included: .limited(credits("1000")), grants: [topUp], used: credits("1300"), at: instant("2027-03-20T00:00:00Z"))
        #expect(before.remaining == .limited(try credits("200")) && before.overage == .zero)
        #expect(after.available == (try credits("-300")))
        #expect(after.remaining == .limited(.zero))
        #expect(after.overage == (try credits("300")))
    }

    @Test func overageIsPricedExactly() throws {
        let ledger = try CreditLedger(included: .limited(credits("100")), grants: [], used: credits("112.345"), at: .distantPast)
        #expect(try ledger.overageCharge(pricePerCredit: Money(parsing: "0.02")) == Money(parsing: "0.2469"))
        // 0.001 credits × $0.0000000005 per credit = 0.0000000000005 USD → 0 nano (half to even)
        let tiny = try CreditLedger(included: .limited(.zero), grants: [], used: Credits(millis: 1), at: .distantPast)
        #expect(try tiny.overageCharge(pricePerCredit: Money(nanos: 500)) == Money(nanos: 0))
        #expect(try tiny.overageCharge(pricePerCredit: Money(nanos: 1_500)) == Money(nanos: 2))
    }

    @Test func unlimitedIsItsOwnCase() throws {
        let ledger = try CreditLedger(included: .unlimited, grants: [], used: credits("1000000"), at: .distantPast)
        #expect(ledger.granted == .unlimited)
        #expect(ledger.remaining == .unlimited)
        #expect(ledger.available == nil)
        #expect(ledger.overage == .zero)
        #expect(ledger.remaining.description == "unlimited")
    }

    @Test func onlyAdjustmentsMayBeNegative() throws {
        #expect(throws: AmountError.self) { try CreditGrant(amount: credits("-1"), kind: .topUp, grantedAt: .distantPast) }
        #expect(throws: AmountError.self) { try CreditGrant(amount: credits("-1"), kind: .included, grantedAt: .distantPast) }
        #expect(throws: AmountError.self) { try CreditGrant(amount: credits("1"), kind: .topUp, grantedAt: .distantPast, price: Money(nanos: -1)) }
        #expect(try CreditGrant(amount: credits("-1"), kind: .adjustment, grantedAt: .distantPast).amount == (try credits("-1")))
    }
}
