import Foundation
public import SyncProtocol

/// Keeps a replica in sync while an app runs: syncs every `interval` seconds, at once when asked
/// (``syncNow()``, e.g. after a write or from a "sync now" button), and with backoff and jitter while the
/// server cannot be reached. Anyone interested follows its ``State`` through ``states()``.
///
/// ```swift
/// let background = BackgroundSync(replica: replica, interval: 30)
/// let task = Task { await background.run() }
/// for await state in await background.states() { show(state) }
/// task.cancel()
/// ```
public actor BackgroundSync {
    /// What the background sync knows about the connection and its last attempt.
    public struct State: Hashable, Sendable {
        /// Whether the server was reachable at the last attempt.
        public enum Connection: String, Hashable, Sendable {
            /// No attempt finished yet.
            case unknown
            /// The last sync succeeded.
            case online
            /// The server could not be reached (no network, server down).
            case offline
            /// The server answered with an error (busy, failing, or it refused this device).
            case failing
        }

        /// Whether the server was reachable at the last attempt.
        public var connection: Connection = .unknown
        /// The sync in progress, if one runs now.
        public var progress: SyncProgress?
        /// When the last sync finished successfully (milliseconds since 1970).
        public var lastSuccessAt: Int64?
        /// What the last successful sync did.
        public var lastReport: SyncReport?
        /// Why the last attempt failed, when it did.
        public var lastError: ReplicaError?
        /// When the next attempt is due (milliseconds since 1970), between attempts.
        public var nextAttemptAt: Int64?
        /// Whether the server revoked this device and the replica wiped itself: nothing more will sync.
        public var wiped = false
        /// Whether the server's event stream is open: a colleague's change arrives within a second.
        public var live = false
    }

    /// The replica kept in sync.
    public let replica: Replica
    /// Seconds between syncs while everything goes well.
    public let interval: Double
    /// Backoff while the server cannot be reached or fails.
    public let policy: RetryPolicy
    private let transport: (any SyncTransport)?
    private let wallMillis: @Sendable () -> Int64
    /// Whether to follow the server's event stream and sync when poked.
    private let followsEvents: Bool

    /// The current state.
    public private(set) var state = State()
    /// Until when the server asked this laptop to wait (`Retry-After`); pokes until then are not followed.
    private var heldUntil: ContinuousClock.Instant?
    private var subscribers: [UUID: AsyncStream<State>.Continuation] = [:]
    private var wakeRequested = false
    private var waiter: CheckedContinuation<Void, Never>?
    private var pauseNumber = 0
    private var attemptNumber = 0
    private var running = false

    /// Creates a background sync; nothing happens until ``run()``.
    ///
    /// - Parameters:
    ///   - interval: Seconds between syncs while the server answers.
    ///   - policy: Backoff after failures; its delays never exceed `interval` (the regular rhythm resumes).
    ///   - transport: How to reach the server; by default HTTP to the enrolled server URL.
    ///   - live: Whether to keep the server's event stream open (`GET /v1/events`) and sync whenever it pokes:
    ///     a colleague's change arrives within a second instead of at the next interval. While the stream
    ///     cannot be opened it is tried again with the same backoff, and the interval keeps syncing.
    public init(
        replica: Replica, interval: Double = 30, policy: RetryPolicy? = nil, transport: (any SyncTransport)? = nil,
        live: Bool = false, wallMillis: @escaping @Sendable () -> Int64 = WallClock.millis
    ) {
        self.replica = replica
        self.followsEvents = live
        self.interval = interval
        self.policy = Self.backoff(policy ?? RetryPolicy(), interval: interval)
        self.transport = transport
        self.wallMillis = wallMillis
    }

    /// `policy` with its delays capped at `interval`: after a failure the regular rhythm is the slowest.
    static func backoff(_ policy: RetryPolicy, interval: Double) -> RetryPolicy {
        var policy = policy
        policy.maxDelay = min(policy.maxDelay, max(interval, policy.initialDelay))
        return policy
    }

    /// The current state, then every change of it, until the iterating task stops.
    public func states() -> AsyncStream<State> {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: State.self, bufferingPolicy: .bufferingNewest(1))
        continuation.yield(state)
        subscribers[id] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        return stream
    }

    /// Asks for a sync as soon as possible (at once when none runs, else right after the one running).
    public func syncNow() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            wakeRequested = true
        }
    }

    /// Syncs until the calling task is cancelled, or until the server wiped the replica. A second call while
    /// one runs returns at once.
    public func run() async {
        guard !running else { return }
        running = true
        let events = followsEvents ? Task { await self.followEvents() } : nil
        defer {
            running = false
            events?.cancel()
        }
        var generator = SystemRandomNumberGenerator()
        var failures = 0
        while !Task.isCancelled && !state.wiped {
            // Locked (the app's idle lock): the token is sealed; sync again once unlocked.
            guard replica.isUnlocked else {
                await pause(seconds: min(interval, 5))
                continue
            }
            attemptNumber += 1
            let attempt = attemptNumber
            state.progress = SyncProgress(phase: .pushing, report: SyncReport())
            state.nextAttemptAt = nil
            publish()
            var wait = interval
            do {
                let report = try await replica.sync(using: transport) { progress in
                    Task { await self.record(progress, attempt: attempt) }
                }
                failures = 0
                heldUntil = nil
                state.connection = .online
                state.lastSuccessAt = wallMillis()
                state.lastReport = report
                state.lastError = nil
                // What arrived is made searchable now, not at the professional's first search.
                try await replica.indexForSearch()
            } catch let error as ReplicaError {
                if error.code == ReplicaError.wiped { state.wiped = true }
                state.connection = error.code == ReplicaError.serverUnreachable ? .offline : .failing
                state.lastError = error
                if error.isTransient {
                    failures += 1
                    wait = policy.delay(
                        afterAttempt: failures, retryAfterSeconds: error.retryAfterSeconds, using: &generator)
                    // The server asked for the pause: a poke does not cut it short.
                    if error.retryAfterSeconds != nil { heldUntil = .now + .seconds(wait) }
                }
            } catch is CancellationError {
                state.progress = nil
                break
            } catch {
                state.connection = .failing
                state.lastError = ReplicaError(code: ReplicaError.syncFailed, message: "the sync failed: \(type(of: error))")
            }
            state.progress = nil
            if state.wiped {
                state.nextAttemptAt = nil
                publish()
                break
            }
            state.nextAttemptAt = wallMillis() + Int64(wait * 1000)
            publish()
            await pause(seconds: wait)
        }
        for continuation in subscribers.values { continuation.finish() }
        subscribers = [:]
    }

    // MARK: Private

    /// Keeps the server's event stream open and asks for a sync at every poke, until cancelled or wiped.
    private func followEvents() async {
        var generator = SystemRandomNumberGenerator()
        var failures = 0
        while !Task.isCancelled && !state.wiped {
            guard replica.isUnlocked else {
                try? await Task.sleep(for: .seconds(5))
                continue
            }
            let opened = ContinuousClock.now
            var delay: Double
            do {
                try await replica.followEvents(using: transport) { await self.poked() }
                // The server ended the stream: after its time (connect again, at a moment of this laptop's
                // own so that a fleet does not reconnect at once), or much sooner, which is a failure.
                if ContinuousClock.now - opened < Self.shortStream {
                    failures += 1
                    delay = policy.delay(afterAttempt: failures, retryAfterSeconds: nil, using: &generator)
                } else {
                    failures = 0
                    delay = Double.random(in: 0.2...3, using: &generator)
                }
            } catch is CancellationError {
                break
            } catch let error as ReplicaError where error.code == ReplicaError.streamSuperseded {
                // Another app or watch on this replica holds the streams; interval syncs go on meanwhile.
                delay = Self.supersededPause * Double.random(in: 0.8...1.2, using: &generator)
            } catch {
                failures += 1
                delay = policy.delay(afterAttempt: failures, retryAfterSeconds: nil, using: &generator)
                // The stream failed while it was live: a sync now tells whether the server is away (shown
                // at once, not at the next interval) or this device was revoked (wiped at once).
                if state.live { syncNow() }
            }
            if state.live {
                state.live = false
                publish()
            }
            guard (try? await Task.sleep(for: .seconds(delay))) != nil else { break }
        }
        if state.live {
            state.live = false
            publish()
        }
    }

    /// A stream that the server ends sooner than this after it opened counts as a failure (backoff).
    static let shortStream: Duration = .seconds(30)
    /// How long a replica whose stream was closed for a newer one waits before connecting again (seconds).
    static let supersededPause: Double = 300

    private func poked() {
        if !state.live {
            state.live = true
            publish()
        }
        if let heldUntil, ContinuousClock.now < heldUntil { return }
        syncNow()
    }

    private func record(_ progress: SyncProgress, attempt: Int) {
        // Progress reported after the attempt ended, or overtaken by later progress (each report hops here
        // in a task of its own), is stale.
        guard attempt == attemptNumber, let current = state.progress else { return }
        let done = { (progress: SyncProgress) in
            progress.report.pushed + progress.report.duplicates + progress.report.pulled + progress.report.pages
        }
        guard done(progress) >= done(current) else { return }
        state.progress = progress
        publish()
    }

    private func publish() {
        for continuation in subscribers.values { continuation.yield(state) }
    }

    private func unsubscribe(_ id: UUID) {
        subscribers[id] = nil
    }

    /// Waits `seconds`, or less when ``syncNow()`` is called or the task is cancelled.
    private func pause(seconds: Double) async {
        if wakeRequested {
            wakeRequested = false
            return
        }
        pauseNumber += 1
        let number = pauseNumber
        let timer = Task {
            try await Task.sleep(for: .seconds(seconds))
            self.endPause(number)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled { continuation.resume() } else { waiter = continuation }
            }
        } onCancel: {
            Task { await self.endPause(nil) }
        }
        timer.cancel()
    }

    /// Ends the pause numbered `number` (`nil`: whichever runs), unless it already ended.
    private func endPause(_ number: Int?) {
        guard number == nil || number == pauseNumber, let waiter else { return }
        self.waiter = nil
        waiter.resume()
    }
}
