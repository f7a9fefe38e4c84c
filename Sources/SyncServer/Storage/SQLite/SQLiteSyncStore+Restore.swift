import Casework
import Foundation
import GRDB
import SQLiteSupport
#if canImport(Glibc)
import Glibc
import SyncProtocol
#endif

/// What `restore(from:into:)` did.
public struct RestoreSummary: Hashable, Sendable {
    /// The log position the backup ends at.
    public let position: Int64
    /// Changes in the backup.
    public let changes: Int
    /// Where the database that was replaced was kept (its files with this prefix), if there was one.
    public let replacedDatabase: String?
}

extension SQLiteSyncStore {
    /// Puts a backup in place of the database in `directory`, while no server runs on it (hold a
    /// ``DataFolderLock/exclusive(directory:)`` meanwhile). The backup is checked (`integrity_check`, a
    /// Samenspel database) and copied; the database it replaces is kept beside it, renamed with its
    /// write-ahead files to `samenspel-server.sqlite.replaced-<time>`. Open the store afterwards, give it a
    /// new restore epoch and replay the operations journal (`samenspel admin restore` does all of it).
    public static func restore(from backup: String, into directory: String, at millis: Int64) throws -> RestoreSummary {
        let files = FileManager.default
        guard files.fileExists(atPath: backup) else {
            throw StoreError(code: .notFound, message: "no backup file \(backup)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        let source: DatabaseQueue
        let summary: (Int64, Int)
        do {
            source = try DatabaseQueue(path: backup, configuration: configuration)
            summary = try source.read { db in
                guard try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok" else {
                    throw StoreError(code: .invalidInput, message: "\(backup) failed SQLite's integrity check")
                }
                guard try db.tableExists("changes"), try db.tableExists("server_state") else {
                    throw StoreError(code: .invalidInput, message: "\(backup) is not a Samenspel server backup")
                }
                return (try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM changes") ?? 0,
                        try Int.fetchOne(db, sql: "SELECT count(*) FROM changes") ?? 0)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(code: .invalidInput, message: "\(backup) is not a readable SQLite database: \(error)")
        }
        let staging = directory + "/" + fileName + ".restoring"
        // What a restore that was killed left (a whole database, erased content included) goes first.
        for suffix in DatabaseFile.suffixes { try? files.removeItem(atPath: staging + suffix) }
        try DatabaseFile.preparePrivate(directory: directory, fileName: fileName + ".restoring")
        do {
            let destination = try DatabaseQueue(path: staging)
            try source.backup(to: destination)
            try destination.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try destination.close()
        } catch {
            for suffix in DatabaseFile.suffixes { try? files.removeItem(atPath: staging + suffix) }
            throw error
        }
        let live = directory + "/" + fileName
        var replaced: String?
        if files.fileExists(atPath: live) {
            let stamp = CalendarTime.iso8601(millis: millis).replacingOccurrences(of: ":", with: "")
            var aside = live + ".replaced-" + stamp
            var number = 1
            while files.fileExists(atPath: aside) {
                number += 1
                aside = live + ".replaced-" + stamp + "-\(number)"
            }
            // The database and its write-ahead files move together, so the old one stays whole (and the new
            // one never meets a write-ahead log that is not its own).
            for suffix in DatabaseFile.suffixes where files.fileExists(atPath: live + suffix) {
                try files.moveItem(atPath: live + suffix, toPath: aside + suffix)
            }
            replaced = aside
        }
        guard rename(staging, live) == 0 else {
            throw StoreError(code: .internal, message: "cannot move the restored database into \(live)")
        }
        let folder = open(directory, O_RDONLY | O_CLOEXEC)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
        try DatabaseFile.restrict(directory: directory, fileName: fileName)
        return RestoreSummary(position: summary.0, changes: summary.1, replacedDatabase: replaced)
    }
}

/// A lock on a SQLite data folder that tells servers and restores apart: every `samenspel serve` holds it
/// shared while it runs; `samenspel admin restore` needs it exclusive, so it refuses while a server runs,
/// and a server refuses to start in the middle of a restore.
public final class DataFolderLock: Sendable {
    private let descriptor: Int32

    private init(directory: String, exclusive: Bool) throws {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = directory + "/samenspel-server.lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError(code: .internal, message: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            close(descriptor)
            throw StoreError(
                code: .busy,
                message: exclusive
                    ? "a server is running on \(directory); stop it first (systemctl stop samenspel)"
                    : "a restore is running on \(directory); start the server when it has finished")
        }
    }

    /// Held by a running server (shared with other servers on the same folder).
    public static func serving(directory: String) throws -> DataFolderLock {
        try DataFolderLock(directory: directory, exclusive: false)
    }

    /// Held by a restore: no server runs meanwhile.
    public static func exclusive(directory: String) throws -> DataFolderLock {
        try DataFolderLock(directory: directory, exclusive: true)
    }

    deinit {
        close(descriptor)
    }
}
