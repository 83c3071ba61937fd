/// Session lifetimes and login throttling limits.
///
/// The defaults are the issue's: idle 30 minutes, absolute 12 hours; 10 failures in 15 minutes
/// per email or per client address; at most 100 hash verifications per hour per email.
public struct AccessSettings: Sendable, Equatable {
    /// A session unused this long ends (`TALLY_SESSION_IDLE_MINUTES`).
    public var idleTimeout: Duration
    /// A session ends this long after login, however active (`TALLY_SESSION_ABSOLUTE_HOURS`).
    public var absoluteTimeout: Duration
    /// Failed logins per key inside ``failureWindow`` before the next one is throttled.
    public var maxFailures: Int
    /// The window failures are counted in.
    public var failureWindow: Duration
    /// Password verifications per email inside ``verificationWindow``, successes included.
    public var maxVerifications: Int
    /// The window verifications are counted in.
    public var verificationWindow: Duration

    /// Creates settings; every argument defaults to the numbers.
    public init(
        idleTimeout: Duration = .seconds(30 * 60), absoluteTimeout: Duration = .seconds(12 * 3600),
        maxFailures: Int = 10, failureWindow: Duration = .seconds(15 * 60),
        maxVerifications: Int = 100, verificationWindow: Duration = .seconds(3600)
    ) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.maxFailures = maxFailures
        self.failureWindow = failureWindow
        self.maxVerifications = maxVerifications
        self.verificationWindow = verificationWindow
    }
}

extension Duration {
    /// The duration in (fractional) seconds, for date arithmetic.
    var timeInterval: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
