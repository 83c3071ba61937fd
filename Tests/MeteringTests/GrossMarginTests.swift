import Metering
import Testing

@Suite("Gross margin")
struct GrossMarginTests {
    private func money(_ text: String) throws -> Money { try Money(parsing: text) }

    @Test("basis points round half-even; levels at 30% and 10%; no revenue has no margin")
    func levels() throws {
        let healthy = GrossMargin(revenue: try money("100"), cost: try money("60"))
        #expect(healthy.basisPoints == 4_000 && healthy.level == .healthy && healthy.percentText == "40.0%")
        let warning = GrossMargin(revenue: try money("100"), cost: try money("70.01"))
        #expect(warning.basisPoints == 2_999 && warning.level == .warning)
        let edge = GrossMargin(revenue: try money("100"), cost: try money("70"))
        #expect(edge.basisPoints == 3_000 && edge.level == .healthy)
        let critical = GrossMargin(revenue: try money("10"), cost: try money("15"))
        #expect(critical.basisPoints == -5_000 && critical.level == .critical && critical.percentText == "-50.0%")
        #expect(try critical.amount() == money("-5"))
        let none = GrossMargin(revenue: .zero, cost: try money("3"))
        #expect(none.basisPoints == nil && none.level == nil && none.percentText == "—")
        // 1/3 of revenue kept: 3333.33… bp → 3333.
        #expect(GrossMargin(revenue: try money("3"), cost: try money("2")).basisPoints == 3_333)
    }

    @Test("period revenue adds fee, overage and top-ups")
    func revenue() throws {
        let revenue = PeriodRevenue(fee: try money("49"), overage: try money("1.5"), topUps: try money("20"))
        #expect(try revenue.total() == money("70.5"))
    }
}
