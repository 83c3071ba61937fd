import Testing
@testable import Metering

@Suite("Money and credits")
struct MoneyTests {
    @Test("parses plain decimals exactly", arguments: [
        ("0.000123", Int64(123_000)), ("12", 12_000_000_000), ("-3.5", -3_500_000_000),
        ("0.000000001", 1), ("007.10", 7_100_000_000), ("0", 0), ("-0", 0),
        ("9223372036.854775807", Int64.max), ("-9223372036.854775808", Int64.min),
    ])
    func parses(text: String, nanos: Int64) throws {
        #expect(try Money(parsing: text).nanos == nanos)
    }

    @Test("refuses what is not a plain decimal", arguments: [
        "1e-3", "1E3", "+1", " 1", "1 ", "1,000", "$1", ".5", "5.", "1.2.3", "-", "--1", "0x10", "١٢",
    ])
    func refusesMalformed(text: String) {
        #expect(throws: AmountError.malformed(text)) { try Money(parsing: text) }
    }

    @Test func refusesEmptyAndOutOfRange() {
        #expect(throws: AmountError.empty) { try Money(parsing: "") }
        #expect(throws: AmountError.outOfRange("9223372036.854775808")) { try Money(parsing: "9223372036.854775808") }
        #expect(throws: AmountError.outOfRange("123456789012345678901234")) { try Money(parsing: "123456789012345678901234") }
    }

    @Test func moreThanNineDecimalsAreRefusedUnlessRounding() throws {
        #expect(throws: AmountError.tooManyDecimals("0.0000000015", allowed: 9)) { try Money(parsing: "0.0000000015") }
        let cases: [(String, Int64)] = [
            ("0.0000000015", 2), ("0.0000000025", 2), ("0.00000000250001", 3), ("0.0000000024999", 2),
            ("0.0000000026", 3), ("-0.0000000015", -2), ("1.0000000005", 1_000_000_000),
        ]
        for (text, nanos) in cases {
            #expect(try Money(parsing: text, excess: .roundHalfEven).nanos == nanos, "\(text)")
        }
    }

    @Test("formats for display", arguments: [
        (Int64(1_234_560_000_000), "$1,234.56"), (0, "$0.00"), (5_000_000, "$0.00"), (15_000_000, "$0.02"),
        (25_000_000, "$0.02"), (-12_000_000_000, "-$12.00"), (1_000_000_000_000_000, "$1,000,000.00"),
        (Int64.min, "-$9,223,372,036.85"),
    ])
    func formats(nanos: Int64, text: String) {
        #expect(Money(nanos: nanos).formatted() == text)
    }

    @Test func formatsWithMoreDigitsAndExactly() throws {
        #expect(Money(nanos: 123_000).formatted(fractionDigits: 6) == "$0.000123")
        #expect(Money(dollars: 1_000_000).formatted(fractionDigits: 0) == "$1,000,000")
        #expect(Money(nanos: 2_500_000_000).formatted(fractionDigits: 0) == "$2", "half to even")
        #expect(Money(nanos: Int128(Int64.max) * 1_000).formatted() == "$9,223,372,036,854.78", "past 64 bits")
        #expect(Money(nanos: 123_000).decimalString == "0.000123")
        #expect(Money(nanos: -12_000_000_000).decimalString == "-12")
        for text in ["0.000123", "12", "-3.5", "1234567.000000001"] {
            #expect(try Money(parsing: text).decimalString == text)
        }
    }

    @Test("compact form", arguments: [
        (Int64(1_234_560_000_000), "$1.2k"), (999_990_000_000, "$999.99"), (1_000_000_000_000, "$1k"),
        (12_345_000_000_000, "$12.3k"), (99_960_000_000_000, "$100k"), (123_456_000_000_000, "$123k"),
        (999_600_000_000_000, "$1M"), (1_250_000_000_000_000, "$1.2M"), (1_350_000_000_000_000, "$1.4M"),
        (-1_500_000_000_000, "-$1.5k"), (Int64.max, "$9.2B"),
    ])
    func compact(nanos: Int64, text: String) {
        #expect(Money(nanos: nanos).compactFormatted == text)
    }

    @Test func arithmeticIsCheckedForOverflow() throws {
        let big = Money(nanos: Int128.max)
        #expect(try Money(nanos: 1).adding(Money(nanos: 2)) == Money(nanos: 3))
        #expect(try Money(nanos: 1).subtracting(Money(nanos: 2)) == Money(nanos: -1))
        #expect(throws: AmountError.self) { try big.adding(Money(nanos: 1)) }
        #expect(throws: AmountError.self) { try Money(nanos: Int128.min).subtracting(Money(nanos: 1)) }
        #expect(throws: AmountError.self) { try big.multiplied(by: 2) }
        #expect(throws: AmountError.self) { try Money.sum([big, Money(nanos: 1)]) }
        // Amounts are 128-bit: ten billion dollars, past 64-bit nano-USD, is exact.
        #expect(Money(dollars: 10_000_000_000).nanos == Int128(10_000_000_000) * 1_000_000_000)
        #expect(throws: AmountError.overflow("the amount")) { try Money(dollars: 10_000_000_000).int64Nanos() }
        #expect(try Money(dollars: 9).int64Nanos() == 9_000_000_000)
        #expect(try Money(dollars: 3).multiplied(by: 4) == Money(dollars: 12))
    }

    @Test func errorsSayWhatIsWrong() {
        #expect(AmountError.tooManyDecimals("0.0000000015", allowed: 9).description == "'0.0000000015' has more than 9 decimals")
        #expect(AmountError.malformed("1e-3").description.contains("no exponent"))
    }

    @Test("credits parse to milli-credits", arguments: [
        ("100", Int64(100_000)), ("0.5", 500), ("2.125", 2_125), ("-1", -1_000), ("0.001", 1),
    ])
    func creditsParse(text: String, millis: Int64) throws {
        #expect(try Credits(parsing: text).millis == millis)
        #expect(try Credits(parsing: text).decimalString == text)
    }

    @Test func creditsRefuseAndRound() throws {
        #expect(throws: AmountError.tooManyDecimals("0.0005", allowed: 3)) { try Credits(parsing: "0.0005") }
        #expect(try Credits(parsing: "0.0005", excess: .roundHalfEven).millis == 0)
        #expect(try Credits(parsing: "0.0015", excess: .roundHalfEven).millis == 2)
        #expect(throws: AmountError.malformed("1e3")) { try Credits(parsing: "1e3") }
        #expect(throws: AmountError.self) { try Credits(millis: Int128.max).adding(Credits(millis: 1)) }
        #expect(Credits(credits: .max).millis == Int128(Int64.max) * 1_000)
        #expect(throws: AmountError.self) { try Credits(credits: .max).int64Millis() }
        #expect(try Credits.sum([Credits(millis: 1), Credits(millis: 2)]) == Credits(millis: 3))
    }

    @Test("credits display", arguments: [
        (Int64(1_234_500), "1,234.5", "1.2k"), (500, "0.5", "0.5"), (0, "0", "0"),
        (3_400_000_000, "3,400,000", "3.4M"), (-2_000_000, "-2,000", "-2k"), (999_999, "999.999", "999.999"),
    ])
    func creditsDisplay(millis: Int64, full: String, compact: String) {
        #expect(Credits(millis: millis).formatted == full)
        #expect(Credits(millis: millis).compactFormatted == compact)
    }

    @Test func basisPoints() throws {
        #expect(try BasisPoints(parsingPercent: "12.5").value == 1_250)
        #expect(try BasisPoints(parsingPercent: "12.5").description == "12.5%")
        #expect(throws: AmountError.self) { try BasisPoints(parsingPercent: "-1") }
        #expect(throws: AmountError.tooManyDecimals("0.125", allowed: 2)) { try BasisPoints(parsingPercent: "0.125") }
    }

    @Test("plain decimal text is the grouped format without commas, and parses back, for every scale used")
    func plainDecimalMatchesFormat() throws {
        var generator = SystemRandomNumberGenerator()
        let edges: [Int64] = [0, 1, -1, 9, 10, 999, 1_000, -1_000, 1_001, 100_000, Int64.max, Int64.min, Int64.min + 1]
        let values = edges + (0..<5_000).map { index in
            // Every magnitude, and round numbers with trailing zeros.
            let value = Int64.random(in: Int64.min...Int64.max, using: &generator) >> Int64(index % 63)
            return index.isMultiple(of: 4) ? value / 1_000 * 1_000 : value
        }
        for scale in [3, 9] {
            for value in values {
                let (sign, digits) = FixedPoint.format(Int128(value), scale: scale, fractionDigits: scale, minimumFractionDigits: 0)
                let expected = sign + digits.filter { $0 != "," }
                let plain = FixedPoint.plainDecimal(Int128(value), scale: scale)
                #expect(plain == expected, "\(value) at scale \(scale)")
                #expect(try FixedPoint.parse(plain, scale: scale, excess: .refuse) == value)
            }
        }
        #expect(Credits(millis: -1).decimalString == "-0.001")
        #expect(Credits(millis: 2_500).decimalString == "2.5")
        #expect(Money(nanos: Int64.min).decimalString == "-9223372036.854775808")
    }
}
