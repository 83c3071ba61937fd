/// Why an amount of money, credits or basis points was refused, or why arithmetic on one failed.
/// Every case carries the offending text or operation so the message can name it.
public enum AmountError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text was empty.
    case empty
    /// The text is not a plain decimal such as `12`, `0.5` or `-3.25` (no exponent, no `+`,
    /// no spaces, no thousands separators, no leading or trailing `.`).
    case malformed(String)
    /// The text has more decimals than the unit can hold exactly (9 for money, 3 for credits).
    case tooManyDecimals(String, allowed: Int)
    /// The value does not fit the unit's 64-bit range.
    case outOfRange(String)
    /// A negative value where only zero or more makes sense (a price, a token count, a rate).
    case negative(String)
    /// An arithmetic result does not fit 64 bits; the payload names the operation.
    case overflow(String)

    /// A sentence for an operator or an API client.
    public var description: String {
        switch self {
        case .empty: "the amount is empty"
        case .malformed(let text):
            "'\(text)' is not a plain decimal number (like 12, 0.5 or -3.25; no exponent, sign + or separators)"
        case .tooManyDecimals(let text, let allowed): "'\(text)' has more than \(allowed) decimals"
        case .outOfRange(let text): "'\(text)' is too large"
        case .negative(let what): "\(what) must not be negative"
        case .overflow(let operation): "the result of \(operation) is too large"
        }
    }
}
