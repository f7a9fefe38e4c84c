import Synchronization

/// A wall clock that tests move by hand (Unix milliseconds).
public final class ManualClock: Sendable {
    private let value: Mutex<Int64>

    /// Creates a clock showing `millis`.
    public init(_ millis: Int64) {
        value = Mutex(millis)
    }

    /// The current time.
    @Sendable public func now() -> Int64 {
        value.withLock { $0 }
    }

    /// Moves the clock by `millis` (negative goes back).
    public func advance(by millis: Int64) {
        value.withLock { $0 += millis }
    }
}
