import ArgumentParser
import Foundation
import SyncProtocol
import SyncServer

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the SQLite database to --to FILE, consistently, while the server runs.",
        discussion: """
            Restore it with `samenspel admin restore --from FILE` (stop the server first). The copy has a \
            restore epoch of its own, so laptops notice a restore of it, however it is done, and send back \
            what it lacks. For PostgreSQL, use pg_dump and pg_restore, then `admin restore` (Deploy/README.md).

            The copy holds the change log with every payload sealed, and no key: the clients' keys are backed \
            up apart with `admin keys backup`, kept for a shorter time, so that an erasure reaches every backup \
            once the key-store backups made before it have expired.
            """)

    @ParentCommand var admin: AdminCommand
    @Option(help: ArgumentHelp("The backup file to create (must not exist).", valueName: "file")) var to: String

    func run() async throws {
        guard case .sqlite(let directory) = try StorageChoice(data: admin.options.data, postgres: admin.options.postgres)
        else {
            throw CLIError("backup copies the SQLite store; back up PostgreSQL with pg_dump (see Deploy/README.md)")
        }
        let store = try admin.options.sqliteStore(directory)
        try await store.checkAuditKey()  // a copy of every case note is not made unaudited
        let summary = try await store.backup(to: to)
        let user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"]
        try await store.appendAudit(AuditEntry(
            at: WallClock.millis(), actor: user.map { "administrator:\($0)" } ?? "administrator", action: "admin.backup",
            details: ["position": String(summary.position), "changes": String(summary.changes)]))
        printError("backed up \(summary.changes) changes (log position \(summary.position)) to \(to)")
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore the server's database from a backup, and redo what was done since.",
        discussion: """
            SQLite: stop the server, then `samenspel admin --data DIR restore --from BACKUP`. The backup \
            replaces the database (which is kept beside it, renamed samenspel-server.sqlite.replaced-TIME). \
            PostgreSQL: restore with pg_restore first, then run `samenspel admin --postgres URL restore` on the \
            restored database before any instance serves it.

            Then the operations journal (--journal) is replayed: devices revoked since the backup stay \
            revoked, clients erased since the backup are erased again, and teams, professionals, clients, \
            moves and enrollments since the backup are redone with their original ids. Every operation redone \
            is printed and audited. The database gets a new restore epoch: on their next sync the laptops \
            notice that the server went back, send again every write of theirs, and pull what they lack, so \
            nothing written on a laptop since the backup is lost.
            """)

    @ParentCommand var admin: AdminCommand
    @Option(help: ArgumentHelp("The backup file (SQLite).", valueName: "file")) var from: String?
    @Flag(help: "Restore even though the journal is missing or does not reach back to the backup; redo by hand what it lacks.")
    var incompleteJournal = false

    func run() async throws {
        let choice = try StorageChoice(data: admin.options.data, postgres: admin.options.postgres)
        let journal = try admin.options.files.operationsJournal(for: choice)
        var lock: DataFolderLock?
        switch choice {
        case .sqlite(let directory):
            guard let from else { throw CLIError("give the backup to restore: --from FILE (see --help)") }
            lock = try DataFolderLock.exclusive(directory: directory)
            let summary = try SQLiteSyncStore.restore(from: from, into: directory, at: WallClock.millis())
            printError("restored \(summary.changes) changes (log position \(summary.position)) from \(from)")
            if let replaced = summary.replacedDatabase {
                printError("the database it replaced is kept as \(replaced) (delete it once the restore is checked)")
            }
        case .postgres:
            guard from == nil else {
                throw CLIError("restore PostgreSQL with pg_restore first, then run `admin restore` without --from")
            }
        }
        let incompleteJournal = self.incompleteJournal
        let replay = try await admin.options.withAdministration { administration in
            if journal == nil, !incompleteJournal, let mark = try await administration.store.journalMark() {
                throw CLIError(
                    "this database recorded its operations to journal \(mark.journalId), but no journal was given "
                        + "(--journal FILE): without it, erasures and revocations since the backup would not be redone; "
                        + "give it, or --incomplete-journal to redo them by hand")
            }
            var replay = JournalReplay()
            if let journal {
                do {
                    replay = try await administration.reapply(journal, requireCoverage: !incompleteJournal)
                } catch let error as StoreError where error.code == .journalIncomplete {
                    throw CLIError(error.message + "; then run restore again with --incomplete-journal")
                }
            }
            let reconciliation = try await administration.reconcileKeys()
            for clientId in reconciliation.erasedAgain {
                printError("erased again: client \(clientId) (its key had been destroyed by an erasure after the backup)")
            }
            let epoch = try await administration.store.renewEpoch()
            try await administration.store.appendAudit(AuditEntry(
                at: WallClock.millis(), actor: "administrator", action: "admin.restore",
                details: [
                    "from": from ?? "pg_restore", "epoch": epoch, "reapplied": String(replay.reapplied.count),
                    "failed": String(replay.failed.count),
                ]))
            // Anchors from before describe the history the restore replaced: mark where they end, and anchor
            // the restored log at once.
            if let anchors = try admin.options.files.auditAnchorLog(for: choice), let head = try await administration.store.auditHead() {
                try anchors.appendRestore(head: head, at: WallClock.millis(), key: administration.store.auditKey)
            }
            return replay
        }
        withExtendedLifetime(lock) {}
        for line in replay.reapplied { printError("redone: \(line)") }
        for line in replay.failed { printError("could not redo: \(line)") }
        if let journal {
            printError("redid \(replay.reapplied.count) operation(s) from the journal \(journal.path) made since the backup")
        } else {
            printError(
                "no operations journal (--journal): erasures, revocations, enrollments and other admin actions since the "
                    + "backup are NOT redone; redo them by hand before the server serves")
        }
        printError("laptops send back what they wrote since the backup on their next sync; start the server")
        if !replay.failed.isEmpty { throw ExitCode(1) }
    }
}
