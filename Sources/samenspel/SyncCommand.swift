import ArgumentParser
import ChangeLog
import Replica

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
            """)

    @OptionGroup var options: ReplicaOptions
    @Option(help: ArgumentHelp(
        "Keep retrying for up to this many seconds when the server is unreachable or busy (backoff with jitter).",
        valueName: "seconds"))
    var retryFor: Double = 0

    func run() async throws {
        let replica = try options.open()
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
}
