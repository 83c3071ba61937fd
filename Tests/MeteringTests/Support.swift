import Foundation
@testable import Metering
import TallyTestSupport

/// A time zone that must exist.
func zone(_ identifier: String) throws -> TimeZone {
    guard let zone = TimeZone(identifier: identifier) else { throw TestSetupError.unknownZone(identifier) }
    return zone
}

enum TestSetupError: Error {
    case unknownZone(String)
}

/// A price version with prices given as decimal dollars per 1M tokens.
func price(
    _ id: Int64, _ model: String, input: String, cached: String = "0", output: String,
    perRequest: String = "0", from: String = "2026-01-01T00:00:00Z"
) throws -> ModelPrice {
    try ModelPrice(
        id: ModelPriceID(id), model: ModelMatcher(model),
        input: PricePerMillionTokens(parsing: input), cachedInput: PricePerMillionTokens(parsing: cached),
        output: PricePerMillionTokens(parsing: output), perRequest: Money(parsing: perRequest),
        effectiveFrom: instant(from)
    )
}
