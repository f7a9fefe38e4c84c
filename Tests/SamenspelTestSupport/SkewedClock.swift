import Synchronization
import SyncProtocol

/// A wall clock that runs with the real one, off by a skew that tests can change.
public final class SkewedClock: Sendable {
    private let offset: Mutex<Int64>

    /// Creates a clock `skew` milliseconds ahead (negative: behind) of the real one.
    public init(skew: Int64) {
        offset = Mutex(skew)
    }

    /// The skewed time now.
    @Sendable public func now() -> Int64 {
        WallClock.millis() + offset.withLock { $0 }
    }

    /// Moves the clock by `millis` relative to the real one.
    public func advance(by millis: Int64) {
        offset.withLock { $0 += millis }
    }
}
