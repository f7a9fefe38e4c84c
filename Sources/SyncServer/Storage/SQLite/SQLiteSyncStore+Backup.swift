import Foundation
import GRDB
import SyncProtocol

/// What a backup holds.
public struct BackupSummary: Hashable, Sendable {
    /// The log position the backup ends at.
    public let position: Int64
    /// Changes in the backup.
    public let changes: Int
}

extension SQLiteSyncStore {
    /// Copies the database to a new file at `path`, consistently, while the server keeps serving (SQLite's
    /// online backup from one read snapshot). The file is written next to `path` and renamed into place
    /// when complete, readable by the owner only. Refuses to overwrite an existing file.
    public func backup(to path: String) async throws -> BackupSummary {
        try await NewDatabaseFile.write(at: path) { destination in
            try await connections.measure { try pool.backup(to: destination) }
            // The copy gets a restore epoch of its own: should it ever be restored — with `admin restore` or by
            // copying the file — the replicas see an epoch they never saw and send back what it lacks.
            _ = try await destination.write { db in try Self.renewEpoch(db) }
            return try await destination.read { db in
                guard try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok" else {
                    throw StoreError(code: .internal, message: "the backup failed its integrity check")
                }
                return BackupSummary(
                    position: try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM changes") ?? 0,
                    changes: try Int.fetchOne(db, sql: "SELECT count(*) FROM changes") ?? 0)
            }
        }
    }
}

/// A backup file written whole or not at all: a new SQLite database at `path`, written beside it
/// (`path.partial`, 0600 from its creation) and renamed into place when `body` has filled it; an existing
/// file is never overwritten, and a failed write leaves nothing behind.
enum NewDatabaseFile {
    static func write<T>(at path: String, _ body: (DatabaseQueue) async throws -> T) async throws -> T {
        let files = FileManager.default
        guard !files.fileExists(atPath: path) else {
            throw StoreError(code: .invalidInput, message: "\(path) exists; give a new file name")
        }
        let partial = path + ".partial"
        try? files.removeItem(atPath: partial)
        guard files.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw StoreError(code: .invalidInput, message: "cannot create \(partial)")
        }
        do {
            let destination = try DatabaseQueue(path: partial)
            let result = try await body(destination)
            try destination.close()
            try files.moveItem(atPath: partial, toPath: path)
            return result
        } catch {
            try? files.removeItem(atPath: partial)
            throw error
        }
    }
}
