import NIOConcurrencyHelpers

/// Counts the database connections a store has lent out, for the `samenspel_db_connections_in_use` metric.
final class ConnectionUse: Sendable {
    /// Most connections the store opens.
    let capacity: Int
    private let inUse = NIOLockedValueBox(0)

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Connections in use right now.
    var current: Int { inUse.withLockedValue { $0 } }

    /// Runs `body` counted as one connection in use.
    func measure<T>(_ body: () async throws -> sending T) async rethrows -> sending T {
        inUse.withLockedValue { $0 += 1 }
        defer { inUse.withLockedValue { $0 -= 1 } }
        return try await body()
    }
}
