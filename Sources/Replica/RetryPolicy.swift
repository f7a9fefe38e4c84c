/// When to try a sync again after a transient failure: exponential backoff with full jitter, and never
/// sooner than the server's `Retry-After`.
///
/// The delay before attempt `n + 1` is uniform in `[0, min(maxDelay, initialDelay · multiplier^(n-1))]`.
/// When the server gave a `Retry-After` of `r` seconds the delay is at least `r` plus a jitter uniform in
/// `[0, max(1, r · retryAfterSpread)]`. Jitter spreads the retries of many laptops that lost the connection
/// at the same moment (an office at 9:00), and of laptops a busy server told to come back at the same time.
public struct RetryPolicy: Hashable, Sendable {
    /// The cap of the first delay, in seconds.
    public var initialDelay: Double
    /// The largest delay, in seconds.
    public var maxDelay: Double
    /// Growth of the cap per attempt.
    public var multiplier: Double
    /// The jitter added to a `Retry-After`, as a fraction of it (at least one second).
    public var retryAfterSpread: Double

    /// Creates a policy.
    public init(initialDelay: Double = 1, maxDelay: Double = 60, multiplier: Double = 2, retryAfterSpread: Double = 0.1) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.multiplier = multiplier
        self.retryAfterSpread = retryAfterSpread
    }

    /// The seconds to wait after failed attempt number `attempt` (1-based).
    public func delay(afterAttempt attempt: Int, retryAfterSeconds: Int?, using generator: inout some RandomNumberGenerator)
        -> Double
    {
        var cap = initialDelay
        for _ in 1..<max(attempt, 1) where cap < maxDelay { cap *= multiplier }
        cap = min(cap, maxDelay)
        let jittered = Double.random(in: 0...cap, using: &generator)
        guard let retryAfterSeconds else { return jittered }
        let floor = Double(retryAfterSeconds)
        let spread = Double.random(in: 0...max(1, floor * retryAfterSpread), using: &generator)
        return max(jittered, floor + spread)
    }
}
