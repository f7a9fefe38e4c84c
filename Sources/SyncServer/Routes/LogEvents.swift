import Casework
import Foundation
import Hummingbird
public import Logging
import NIOConcurrencyHelpers
public import ServiceLifecycle

/// `GET /v1/events`: a server-sent event stream per device that pokes it when a change in its scope was
/// committed, so that an online laptop pulls at once instead of at its next poll.
///
/// A poke (`event: poke`, `data: {}`) carries nothing about the change: the device pulls, and the pull
/// decides what it may see. A device is poked when a change from another device is about a client of one of
/// its teams (and, for a discipline-only note, when it is of that discipline), and every device is poked
/// when a client moves or is erased (the teams losing the client must pull too). Pokes may be more than
/// needed (an empty pull), never fewer than needed while the stream is open; a stream also starts with a
/// poke, so nothing committed while a device was not listening is waited for.
///
/// Appends are noticed at once when this instance stored them (``appended()``, from the push route), at
/// once from other instances on PostgreSQL (``SyncStore/watchOtherInstances(_:)``), and otherwise by
/// polling the end of the log (the administration commands write the database directly). A comment every
/// ``Settings/heartbeatSeconds`` keeps proxies from closing a quiet stream and lets the server notice a
/// device that went away. A device may hold ``Settings/maxStreamsPerDevice`` streams on an instance; a newer
/// one closes its oldest with `event: superseded`. A stream ends after about ``Settings/maxStreamSeconds``
/// (the device connects again, with the teams it has then), and within
/// ``Settings/revocationCheckSeconds`` of its device being revoked.
public final class LogEvents: Service, Sendable {
    /// Intervals and limits of the event streams.
    public struct Settings: Sendable {
        /// How often the end of the log is polled for appends nobody announced (seconds).
        public var pollSeconds: Double
        /// How often a quiet stream gets a keep-alive comment (seconds).
        public var heartbeatSeconds: Double
        /// Open streams per device; a newer one closes its oldest.
        public var maxStreamsPerDevice: Int
        /// How long a stream stays open before the device is asked to connect again (seconds); each stream
        /// ends somewhere in the last fifth of it, so that laptops do not all reconnect at once.
        public var maxStreamSeconds: Double
        /// How often the streams' devices are checked for revocation (seconds): a revoked device's stream
        /// ends within this time.
        public var revocationCheckSeconds: Double

        /// Creates settings: by default a poll a second, a comment every 20 seconds, two streams per device
        /// (the app and a `sync --watch`), streams of at most ten minutes, revocation checked every 5 seconds.
        public init(pollSeconds: Double = 1, heartbeatSeconds: Double = 20, maxStreamsPerDevice: Int = 2,
                    maxStreamSeconds: Double = 600, revocationCheckSeconds: Double = 5) {
            self.pollSeconds = pollSeconds
            self.heartbeatSeconds = heartbeatSeconds
            self.maxStreamsPerDevice = maxStreamsPerDevice
            self.maxStreamSeconds = maxStreamSeconds
            self.revocationCheckSeconds = revocationCheckSeconds
        }
    }

    /// An open stream: whose, and what it may be poked for.
    private struct Subscriber {
        let principal: Principal
        let opened: Int
        let continuation: AsyncStream<String>.Continuation
    }

    private struct State {
        var subscribers: [Int: Subscriber] = [:]
        var nextId = 0
        /// The log position up to which devices were poked; `nil` until ``run()`` read the end of the log.
        var position: Int64?
    }

    private let store: any SyncStore
    private let settings: Settings
    private let logger: Logger
    private let metrics: ServerMetrics
    private let state = NIOLockedValueBox(State())
    private let wakes: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// Creates the event streams of a store.
    public init(store: any SyncStore, settings: Settings = Settings(), metrics: ServerMetrics, logger: Logger) {
        self.store = store
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Tells the streams that this instance appended to the log: devices in scope are poked at once.
    public func appended() {
        wake.yield()
    }

    /// Follows the log until graceful shutdown, then ends every stream.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.store.watchOtherInstances { self.appended() } }
                group.addTask {
                    while (try? await Task.sleep(for: .seconds(self.settings.pollSeconds))) != nil { self.appended() }
                }
                group.addTask {
                    while (try? await Task.sleep(for: .seconds(self.settings.heartbeatSeconds))) != nil {
                        self.send(": keep-alive\n\n") { _ in true }
                    }
                }
                group.addTask {
                    while (try? await Task.sleep(for: .seconds(self.settings.revocationCheckSeconds))) != nil {
                        await self.endStreamsOfRevokedDevices()
                    }
                }
                group.addTask {
                    self.appended()
                    for await _ in self.wakes { await self.pokeForNewChanges() }
                }
                await group.next()
                group.cancelAll()
            }
        }
        let open = state.withLockedValue { state in
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for subscriber in open { subscriber.continuation.finish() }
    }

    /// The stream of one device: a poke at once, then one whenever a change in its scope is committed.
    func response(for principal: Principal) -> Response {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(4))
        let (id, closed) = state.withLockedValue { state -> (Int, [Subscriber]) in
            let id = state.nextId
            state.nextId += 1
            state.subscribers[id] = Subscriber(principal: principal, opened: id, continuation: continuation)
            let mine = state.subscribers.values.filter { $0.principal.deviceId == principal.deviceId }
                .sorted { $0.opened < $1.opened }
            let excess = Array(mine.prefix(max(0, mine.count - settings.maxStreamsPerDevice)))
            for old in excess { state.subscribers[old.opened] = nil }
            return (id, excess)
        }
        for old in closed {
            // Told, so that the replica holding it waits before connecting again rather than closing this one.
            old.continuation.yield(Self.superseded)
            old.continuation.finish()
        }
        continuation.onTermination = { _ in
            _ = self.state.withLockedValue { $0.subscribers.removeValue(forKey: id) }
            self.recordOpenStreams()
        }
        recordOpenStreams()
        continuation.yield(Self.poke)
        let lifetime = settings.maxStreamSeconds * Double.random(in: 0.8...1)
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store", .init("X-Accel-Buffering")!: "no"],
            body: ResponseBody { writer in
                let expiry = Task {
                    try await Task.sleep(for: .seconds(lifetime))
                    continuation.finish()
                }
                defer {
                    expiry.cancel()
                    continuation.finish()
                }
                try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
                try await withGracefulShutdownHandler {
                    for await event in stream { try await writer.write(ByteBuffer(string: event)) }
                } onGracefulShutdown: {
                    continuation.finish()
                }
                try await writer.finish(nil)
            })
    }

    /// A poke: no data about the change.
    static let poke = "event: poke\ndata: {}\n\n"
    /// The last event of a stream closed for a newer one of the same device.
    static let superseded = "event: superseded\ndata: {}\n\n"

    /// Ends the streams of devices that were revoked (or are gone, after a restore) since they opened.
    private func endStreamsOfRevokedDevices() async {
        guard state.withLockedValue({ !$0.subscribers.isEmpty }) else { return }
        let valid: Set<String>
        do {
            valid = Set(try await store.devices().filter { $0.revokedAt == nil }.map(\.id))
        } catch {
            if Task.isCancelled || error is CancellationError { return }
            logger.warning("the event streams could not check for revoked devices", metadata: ["error": "\(type(of: error))"])
            return
        }
        let ended = state.withLockedValue { state -> [Subscriber] in
            let ended = state.subscribers.values.filter { !valid.contains($0.principal.deviceId) }
            for subscriber in ended { state.subscribers[subscriber.opened] = nil }
            return ended
        }
        for subscriber in ended { subscriber.continuation.finish() }
        if !ended.isEmpty { recordOpenStreams() }
    }

    /// Reads what was appended since the last round and pokes the devices whose scope it touches.
    private func pokeForNewChanges() async {
        do {
            guard var position = state.withLockedValue({ $0.position }) else {
                let end = try await store.logEnd()
                state.withLockedValue { $0.position = end }
                // A stream opened before this first read may have missed a change committed after its
                // opening poke's pull: poke every stream once.
                send(Self.poke) { _ in true }
                return
            }
            var activity: [LogActivity] = []
            while true {
                let page = try await store.logActivity(after: position, limit: 1_000)
                activity += page
                position = page.last?.position ?? position
                if page.count < 1_000 { break }
            }
            state.withLockedValue { $0.position = position }
            guard !activity.isEmpty else { return }
            // A client erased (or moved) by another process: a key this one still holds in memory is forgotten
            // (read again from the key store, if it still exists, when next needed).
            for change in activity where change.changesScope { store.keyring.forget(change.clientId) }
            let everyone = activity.contains(where: \.changesScope)
            send(Self.poke) { principal in
                everyone || activity.contains { change in
                    change.deviceId != principal.deviceId && change.teamId.map(principal.teamIds.contains) == true
                        && (change.visibleTo == nil || change.visibleTo == principal.professional.discipline.rawValue)
                }
            }
        } catch {
            // Shutting down: the server is closing the store under the stream; nothing to report.
            if Task.isCancelled || error is CancellationError { return }
            // The next wake or poll reads from the same position.
            logger.warning("the event stream could not read the log", metadata: ["error": "\(type(of: error))"])
        }
    }

    /// Sends `event` to the streams of devices `matching`.
    private func send(_ event: String, to matching: (Principal) -> Bool) {
        let targets = state.withLockedValue { state in state.subscribers.values.filter { matching($0.principal) } }
        for target in targets { target.continuation.yield(event) }
        if event == Self.poke { metrics.poked(targets.count) }
    }

    private func recordOpenStreams() {
        metrics.eventStreams(state.withLockedValue { $0.subscribers.count })
    }
}
