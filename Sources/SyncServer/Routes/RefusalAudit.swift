import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Audits refusals of callers the server cannot trust — no token, an unknown or a revoked one, a wrong
/// enrollment code — without letting a flood grow the log: per source (an address, or a revoked device) and
/// kind, the first refusal of a minute is written at once, and the ones after it in that minute are counted
/// and written as one entry (`repeated`: how many more, `from`, `to`: when) once the minute has passed —
/// at the next refusal or authenticated request, whichever comes first — or when the server stops
/// (``Flush``), so that no counted refusal goes unaudited.
///
/// In memory, per server process; at most ``maxSources`` sources are tracked, beyond which the counts are
/// written out and tracking starts afresh.
final class RefusalAudit: Sendable {
    private struct Window {
        var first: Int64
        var last: Int64
        var more: Int
        let entry: AuditEntry
    }

    static let windowMillis: Int64 = 60_000
    static let maxSources = 10_000

    private let store: any SyncStore
    private let windows = Mutex<[String: Window]>([:])

    init(store: any SyncStore) {
        self.store = store
    }

    /// Audits `entry`, a refusal from `source` at `now`: written now if it is the first of its minute,
    /// else counted.
    func record(_ entry: AuditEntry, source: String, now: Int64) async throws {
        let (first, summaries) = windows.withLock { windows -> (Bool, [AuditEntry]) in
            var summaries = Self.expire(&windows, now: now)
            if windows[source] != nil {
                windows[source]!.more += 1
                windows[source]!.last = now
                return (false, summaries)
            }
            if windows.count >= Self.maxSources {
                summaries += windows.values.compactMap(Self.summary)
                windows.removeAll()
            }
            windows[source] = Window(first: now, last: now, more: 0, entry: entry)
            return (true, summaries)
        }
        for summary in summaries { try await store.appendAudit(summary) }
        if first { try await store.appendAudit(entry) }
    }

    /// Writes out the counts of minutes that have passed (cheap when there are none).
    func sweep(now: Int64) async throws {
        let summaries = windows.withLock { windows in windows.isEmpty ? [] : Self.expire(&windows, now: now) }
        for summary in summaries { try await store.appendAudit(summary) }
    }

    /// Writes out every count, also of minutes still running (when the server stops).
    func flush() async throws {
        let summaries = windows.withLock { windows in
            defer { windows.removeAll() }
            return windows.values.sorted { $0.first < $1.first }.compactMap(Self.summary)
        }
        for summary in summaries { try await store.appendAudit(summary) }
    }

    /// Flushes the counts when the server stops: a service of the application, which stops after the
    /// HTTP server (so after the last request).
    struct Flush: Service {
        let refusals: RefusalAudit
        let logger: Logger

        func run() async throws {
            try? await gracefulShutdown()
            do {
                try await refusals.flush()
            } catch {
                logger.error("could not audit the refusals counted before shutdown", metadata: ["error": "\(error)"])
            }
        }
    }

    private static func expire(_ windows: inout [String: Window], now: Int64) -> [AuditEntry] {
        let passed = windows.filter { now - $0.value.first >= windowMillis }
        for key in passed.keys { windows[key] = nil }
        return passed.values.sorted { $0.first < $1.first }.compactMap(summary)
    }

    /// The entry that says how many more refusals followed the first one of a window, if any did.
    private static func summary(_ window: Window) -> AuditEntry? {
        guard window.more > 0 else { return nil }
        var details = window.entry.details
        details["repeated"] = String(window.more)
        details["from"] = String(window.first)
        details["to"] = String(window.last)
        return AuditEntry(
            at: window.last, actor: window.entry.actor, deviceId: window.entry.deviceId, action: window.entry.action,
            clientIds: window.entry.clientIds, details: details, result: window.entry.result, origin: window.entry.origin)
    }
}
