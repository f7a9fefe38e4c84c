import NIOConcurrencyHelpers

/// Counts the database connections a store has lent out, for the `samenspel_db_connections_in_use` metric,
/// and the time its appends waited for the log lock.
final class ConnectionUse: Sendable {
    /// Most connections the store opens.
    let capacity: Int
    private let inUse = NIOLockedValueBox(0)

    init(capacity: Int) {
        self.capacity = capacity
    }

    private let waits = NIOLockedValueBox(LockWaits())

    /// Connections in use right now.
    var current: Int { inUse.withLockedValue { $0 } }

    /// Waits for the log lock so far.
    var lockWaits: LockWaits { waits.withLockedValue { $0 } }

    /// Counts one wait for the log lock.
    func lockWaited(_ duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        waits.withLockedValue { waits in
            waits.count += 1
            waits.seconds += seconds
        }
    }

    /// Counts one push planned again under the log lock.
    func replanned() {
        waits.withLockedValue { $0.replans += 1 }
    }

    /// Runs `body` counted as one connection in use.
    func measure<T>(_ body: () async throws -> sending T) async rethrows -> sending T {
        inUse.withLockedValue { $0 += 1 }
        defer { inUse.withLockedValue { $0 -= 1 } }
        return try await body()
    }
}

/// How often and how long appends waited for the log lock, since the store opened.
public struct LockWaits: Hashable, Sendable {
    /// Appends that took the lock.
    public var count = 0
    /// Seconds they waited for it, together.
    public var seconds = 0.0
    /// Pushes whose facts, read before the lock, no longer held once they had it, so that they read and
    /// planned again under the lock (a concurrent append about the same changes, entities or clients).
    public var replans = 0

    /// No waits yet.
    public init() {}
}
