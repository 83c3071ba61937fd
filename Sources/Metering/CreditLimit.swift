/// An amount of credits that may be unlimited. "Unlimited" is its own case, never a magic number.
public enum CreditLimit: Hashable, Sendable, CustomStringConvertible {
    /// No limit.
    case unlimited
    /// At most this many credits.
    case limited(Credits)

    /// `"unlimited"` or the exact amount.
    public var description: String {
        switch self {
        case .unlimited: "unlimited"
        case .limited(let credits): credits.description
        }
    }

    /// Whether `requested` more credits fit on top of `used`. With nothing requested the question
    /// is "is anything left?", so `used == limit` is refused; otherwise `used + requested ≤ limit`
    /// is allowed (a request may use the very last milli-credit). Negative `requested` counts as 0.
    public func admits(used: Credits, requested: Credits) -> Bool {
        guard case .limited(let limit) = self else { return true }
        // limit − used cannot overflow for amounts within the bounds; compared that way round.
        let (room, overflow) = limit.millis.subtractingReportingOverflow(used.millis)
        return overflow ? used.millis < 0 : max(requested.millis, 1) <= room
    }
}
