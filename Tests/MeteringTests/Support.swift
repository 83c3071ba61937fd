import Foundation
@testable import Metering

/// An instant from RFC 3339 text, e.g. `2027-03-14T07:00:00Z` or `2027-03-14T03:00:00-04:00`.
func instant(_ text: String) throws -> Date {
    try Date(text, strategy: .iso8601)
}

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
