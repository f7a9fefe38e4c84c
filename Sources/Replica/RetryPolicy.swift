/// When to try a sync again after a transient failure: exponential backoff with full jitter, and never
/// sooner than the server's `Retry-After`.
///
/// The delay before attempt `n + 1` is uniform in `[0, min(maxDelay, initialDelay · multiplier^(n-1))]`,
/// raised to `Retry-After` when the server gave one. Jitter spreads the retries of many laptops that lost
/// the connection at the same moment (an office at 9:00).
public struct RetryPolicy: Hashable, Sendable {
    /// The cap of the first delay, in seconds.
    public var initialDelay: Double
    /// The largest delay, in seconds.
    public var maxDelay: Double
    /// Growth of the cap per attempt.
    public var multiplier: Double

    /// Creates a policy.
    public init(initialDelay: Double = 1, maxDelay: Double = 60, multiplier: Double = 2) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.multiplier = multiplier
    }

    /// The seconds to wait after failed attempt number `attempt` (1-based).
    public func delay(afterAttempt attempt: Int, retryAfterSeconds: Int?, using generator: inout some RandomNumberGenerator)
        -> Double
    {
        var cap = initialDelay
        for _ in 1..<max(attempt, 1) where cap < maxDelay { cap *= multiplier }
        cap = min(cap, maxDelay)
        let jittered = Double.random(in: 0...cap, using: &generator)
        return max(jittered, Double(retryAfterSeconds ?? 0))
    }
}
