import Foundation

extension Replica {
    /// Syncs, retrying transient failures (no connection, a busy or failing server, rate limiting) with
    /// ``RetryPolicy`` until `seconds` have passed; other failures are thrown at once.
    ///
    /// - Parameters:
    ///   - progress: Called after every push batch and pull page of each attempt.
    ///   - sleep: Waits the given seconds (injected so tests need not wait).
    @discardableResult
    public func sync(
        using transport: (any SyncTransport)? = nil, retrying policy: RetryPolicy, for seconds: Double,
        progress: @escaping @Sendable (SyncProgress) -> Void = { _ in },
        sleep: @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) }
    ) async throws -> SyncReport {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var generator = SystemRandomNumberGenerator()
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await sync(using: transport, progress: progress)
            } catch let error as ReplicaError where error.isTransient {
                let delay = policy.delay(
                    afterAttempt: attempt, retryAfterSeconds: error.retryAfterSeconds, using: &generator)
                guard ContinuousClock.now + .seconds(delay) < deadline else { throw error }
                try await sleep(delay)
            }
        }
    }
}
