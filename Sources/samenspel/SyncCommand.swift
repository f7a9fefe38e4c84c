import ArgumentParser
import ChangeLog
import Foundation
import JourneyViews
import Replica
import UnixSignals

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Push your pending writes and pull what colleagues wrote.",
        discussion: """
            Exits 0 when everything was pushed and the replica is caught up. When the server cannot be \
            reached it exits 1, says on stderr how many writes wait safely on the laptop and why the server \
            could not be reached, and changes nothing. When the server refused writes \
            it exits 3; they are kept in the rejected list (see `status`). On a terminal a long sync shows its \
            progress (pages, changes, rate) on one line; in a script it prints only the summary.

            With --watch it keeps the replica in sync until Ctrl+C (or SIGTERM): it follows the server's \
            event stream and pulls as soon as a colleague's change in your caseload is committed, pushes as \
            soon as a write is made on this laptop (by `note add` in another terminal, say), syncs every \
            --interval seconds besides, and backs off while the server is away. It prints one line per sync \
            that moved something, and a line when the connection changes.
            """)

    @OptionGroup var options: ReplicaOptions
    @Option(help: ArgumentHelp(
        "Keep retrying for up to this many seconds when the server is unreachable or busy (backoff with jitter).",
        valueName: "seconds"))
    var retryFor: Double = 0
    @Flag(help: "Keep syncing until Ctrl+C: pull when the server pokes, push when this laptop writes.")
    var watch = false
    @Option(help: ArgumentHelp("With --watch: seconds between syncs besides the server's pokes (60).", valueName: "seconds"))
    var interval: Double?

    /// Seconds between the watch's interval syncs.
    private var every: Double { interval ?? 60 }

    func validate() throws {
        if watch && retryFor > 0 { throw ValidationError("--watch retries by itself; leave out --retry-for") }
        if !watch && interval != nil { throw ValidationError("--interval is for --watch; a single sync has none") }
        guard every >= 1 else { throw ValidationError("--interval must be at least 1 second") }
    }

    func run() async throws {
        let replica = try options.open()
        if watch { return try await watching(replica) }
        let line = SyncProgressLine()
        let report: SyncReport
        do {
            report = retryFor > 0
                ? try await replica.sync(retrying: RetryPolicy(), for: retryFor, progress: line.update)
                : try await replica.sync(progress: line.update)
            line.finish()
        } catch {
            line.finish()
            // Reassure before the error: nothing written on this laptop is lost by a failed sync.
            if let pending = try? await replica.status().pendingChanges, pending > 0 {
                printError("\(pending) write(s) wait safely on this laptop; they are sent at the next sync")
            }
            throw error
        }
        var summary = "synced: pushed \(report.pushed)"
        if report.duplicates > 0 { summary += " (+\(report.duplicates) already on the server)" }
        summary += ", pulled \(report.pulled) in \(report.pages) page\(report.pages == 1 ? "" : "s")"
        if report.restamped > 0 {
            summary += "; re-stamped \(report.restamped) write(s): this laptop's clock runs ahead of the server's"
        }
        if report.serverRestored {
            summary += "; the server was restored from a backup: sent back every write of this laptop it lacked"
        } else if report.rebuilt {
            summary += "; rebuilt the replica from the server (it had been offline too long)"
        }
        if report.waiting > 0 {
            summary += "; \(report.waiting) write(s) wait until the server has what they build on (sent again next sync)"
        }
        if !report.repairedClients.isEmpty { summary += "; repaired \(report.repairedClients.count) client(s)" }
        if !report.removedClients.isEmpty {
            summary += "; removed \(report.removedClients.count) client(s) no longer in your caseload"
        }
        printError(summary)
        guard report.rejected.isEmpty else {
            for rejected in report.rejected {
                // The change id first: it is what `rejected ack` takes.
                printError(
                    "refused: \(rejected.change.id)  \(rejected.change.entityType).\(rejected.change.operation) "
                        + "\(rejected.change.entityId) — \(rejected.code): \(rejected.message)")
            }
            printError(
                "\(report.rejected.count) write(s) refused by the server; kept in the rejected list (see status) "
                    + "until acknowledged with `samenspel rejected ack CHANGE_ID`")
            throw ExitCode(3)
        }
    }

    /// `--watch`: a background sync that follows the server's event stream, until SIGINT or SIGTERM.
    private func watching(_ replica: Replica) async throws {
        let background = BackgroundSync(replica: replica, interval: every, live: true)
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        printError("watching: syncing when the server pokes or this laptop writes, and every \(Int(every)) s (Ctrl+C stops)")
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await background.run() }
            group.addTask {
                var shown: (BackgroundSync.State.Connection, Bool)?
                var reported: Int64?
                for await state in await background.states() {
                    if shown.map({ $0 != (state.connection, state.live) }) ?? (state.connection != .unknown) {
                        shown = (state.connection, state.live)
                        switch state.connection {
                        case .online: printError(state.live ? "online, following the server's events" : "online (no event stream; syncing every \(Int(every)) s)")
                        case .offline: printError("the server cannot be reached; writes wait safely on this laptop")
                        case .failing: printError("the server refused the sync: \(state.lastError?.message ?? "unknown reason")")
                        case .unknown: break
                        }
                    }
                    if let at = state.lastSuccessAt, at != reported, let report = state.lastReport {
                        reported = at
                        if report.pushed + report.pulled > 0 || !report.removedClients.isEmpty {
                            printError("\(TimeZone.current.dutchDateTime(millis: at)) synced: pushed \(report.pushed), pulled \(report.pulled)")
                        }
                    }
                    if state.wiped { return }
                }
            }
            group.addTask {
                // Writes made by other commands on this replica: sent at once, not at the next interval.
                var newest = (try? await replica.newestPendingWrite()) ?? nil
                while (try? await Task.sleep(for: .seconds(1))) != nil {
                    guard let now = (try? await replica.newestPendingWrite()) ?? nil else { continue }
                    if now > (newest ?? 0) {
                        newest = now
                        await background.syncNow()
                    }
                }
            }
            group.addTask {
                for await _ in signals { return }
            }
            await group.next()
            group.cancelAll()
        }
        if await background.state.wiped {
            printError("this laptop was revoked and its replica wiped; enroll again with a new code")
            throw ExitCode(1)
        }
        printError("stopped watching")
    }
}
