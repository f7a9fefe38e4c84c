import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import Replica
import ServiceLifecycle

/// Server-sent events for open pages: `replica` whenever the replica's data changes (its database
/// observation: a sync brought changes, a write was stored or acknowledged), `sync` whenever the
/// background sync's state changes, and a comment every 15 seconds so a closed page is noticed.
final class LiveEvents: Service, Sendable {
    private let replica: Replica
    private let background: BackgroundSync
    private let subscribers = NIOLockedValueBox<[UUID: AsyncStream<String>.Continuation]>([:])

    init(replica: Replica, background: BackgroundSync) {
        self.replica = replica
        self.background = background
    }

    /// Follows the replica and the background sync until graceful shutdown, then ends every stream.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await _ in self.replica.revisions().dropFirst() { self.broadcast("replica") }
                    } catch {}
                }
                group.addTask {
                    // Only what a page shows: not every page and batch of a long sync.
                    var shown: Shown?
                    for await state in await self.background.states() {
                        let now = Shown(state)
                        if let shown, shown != now { self.broadcast("sync") }
                        shown = now
                    }
                }
                group.addTask {
                    while (try? await Task.sleep(for: .seconds(15))) != nil { self.broadcast(nil) }
                }
                await group.next()
                group.cancelAll()
            }
        }
        // Observation ends only with the app (or if the database fails): open pages keep what they show.
        try? await gracefulShutdown()
        for continuation in subscribers.withLockedValue({ $0.values }) { continuation.finish() }
    }

    /// The event stream for one page.
    func response(for request: Request) async throws -> Response {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(8))
        subscribers.withLockedValue { $0[id] = continuation }
        continuation.onTermination = { _ in
            _ = self.subscribers.withLockedValue { $0.removeValue(forKey: id) }
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
            body: ResponseBody { writer in
                defer { continuation.finish() }
                try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
                // On Ctrl+C the server waits for open responses: an open page must not keep the app running.
                try await withGracefulShutdownHandler {
                    for await line in stream {
                        try await writer.write(ByteBuffer(string: line))
                    }
                } onGracefulShutdown: {
                    continuation.finish()
                }
                try await writer.finish(nil)
            })
    }

    /// What pages show of the background sync's state; a change of it is worth an event.
    private struct Shown: Equatable {
        let connection: BackgroundSync.State.Connection
        let syncing: Bool
        let wiped: Bool
        let lastSuccessAt: Int64?
        let live: Bool

        init(_ state: BackgroundSync.State) {
            live = state.live
            connection = state.connection
            syncing = state.progress != nil
            wiped = state.wiped
            lastSuccessAt = state.lastSuccessAt
        }
    }

    /// Sends an event (or, for `nil`, a keep-alive comment) to every open page.
    func broadcast(_ event: String?) {
        let line = event.map { "event: \($0)\ndata: \(Date().timeIntervalSince1970)\n\n" } ?? ": keep-alive\n\n"
        for continuation in subscribers.withLockedValue({ Array($0.values) }) { continuation.yield(line) }
    }
}
