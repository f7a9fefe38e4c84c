import Foundation

extension Replica {
    /// Syncs, retrying transient failures (no connection, a busy or failing server, rate limiting) with
    /// ``RetryPolicy`` until `seconds` have passed; other failures are thrown at once.
    ///
    /// - Parameters:
    ///   - sleep: Waits the given seconds (injected so tests need not wait).
    @discardableResult
    public func sync(
        using transport: (any SyncTransport)? = nil, retrying policy: RetryPolicy, for seconds: Double,
        sleep: @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) }
    ) async throws -> SyncReport {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var generator = SystemRandomNumberGenerator()
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await sync(using: transport)
            } catch let error as ReplicaError where error.isTransient {
                let delay = policy.delay(
                    afterAttempt: attempt, retryAfterSeconds: error.retryAfterSeconds, using: &generator)
                guard ContinuousClock.now + .seconds(delay) < deadline else { throw error }
                try await sleep(delay)
            }
        }
    }

    /// Syncs in the background until the task is cancelled: every `interval` seconds after a success,
    /// sooner or later per ``RetryPolicy`` after a transient failure, and every `interval` after other
    /// failures (the server refused the device, say), reporting each outcome to `onResult`.
    public func runBackgroundSync(
        every interval: Double, policy: RetryPolicy = RetryPolicy(), using transport: (any SyncTransport)? = nil,
        onResult: @Sendable (Result<SyncReport, any Error>) async -> Void = { _ in }
    ) async {
        var generator = SystemRandomNumberGenerator()
        var failures = 0
        while !Task.isCancelled {
            var wait = interval
            do {
                await onResult(.success(try await sync(using: transport)))
                failures = 0
            } catch let error as ReplicaError where error.isTransient {
                failures += 1
                wait = policy.delay(afterAttempt: failures, retryAfterSeconds: error.retryAfterSeconds, using: &generator)
                await onResult(.failure(error))
            } catch {
                await onResult(.failure(error))
            }
            do {
                try await Task.sleep(for: .seconds(wait))
            } catch {
                return
            }
        }
    }
}
