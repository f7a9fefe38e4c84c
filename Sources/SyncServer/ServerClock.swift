public import ChangeLog

/// The server's hybrid logical clock: stamps changes the administrator makes and the `serverTime` of every
/// response, and moves past every change it accepts.
public actor ServerClock {
    private var clock: HybridLogicalClock
    /// The wall clock, in Unix milliseconds.
    public nonisolated let wallMillis: @Sendable () -> Int64

    /// Creates a clock that continues after `last` (the latest timestamp in the store).
    public init(after last: HLCTimestamp, wallMillis: @escaping @Sendable () -> Int64) {
        self.clock = HybridLogicalClock(last: last)
        self.wallMillis = wallMillis
    }

    /// A new timestamp for a server event.
    public func now() -> HLCTimestamp {
        clock.tick(wallMillis: wallMillis())
    }

    /// Moves past timestamps of accepted changes.
    public func observe(_ timestamps: [HLCTimestamp]) {
        guard let newest = timestamps.max() else { return }
        clock.observe(newest, wallMillis: wallMillis())
    }
}
