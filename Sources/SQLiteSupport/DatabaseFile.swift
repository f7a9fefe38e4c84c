public import GRDB
import Foundation

/// Opens SQLite database files the way both the replica and the server want them.
public enum DatabaseFile {
    /// Opens (creating if needed) a WAL database pool at `path` with durable commits, foreign keys, and a
    /// busy timeout so that a second process (an admin command next to a running server) waits instead of
    /// failing.
    ///
    /// `prepare` runs on every connection after these settings (functions, attached databases).
    public static func openPool(
        at path: String, label: String, prepare: (@Sendable (Database) throws -> Void)? = nil
    ) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.label = label
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // FULL: an acknowledged commit survives power loss, not only a process crash.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Deleted content is overwritten, so removed clients do not linger in free pages of the file.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            try prepare?(db)
        }
        return try DatabasePool(path: path, configuration: configuration)
    }

    /// One `TRUNCATE` checkpoint on `db`, run in a barrier of its pool so that no reader of this process holds
    /// the log: whether every frame of the write-ahead log was copied into the database (which truncates the
    /// log); `false` when readers of another process kept it busy — try again a moment later.
    /// `schema` names an attached database to checkpoint instead of the main one.
    public static func checkpointTruncating(_ db: Database, schema: String = "main") throws -> Bool {
        do {
            let result = try db.checkpoint(.truncate, on: schema)
            return result.walFrameCount == 0 || result.walFrameCount == result.checkpointedFrameCount
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            return false
        }
    }

    /// Whether the write-ahead log file of the database at `path` is empty (or absent): nothing removed
    /// lingers in it.
    public static func writeAheadLogIsEmpty(_ path: String) -> Bool {
        let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber)?.intValue
        return (size ?? 0) == 0
    }

    /// SQLite's file suffixes of one database: the file itself and its write-ahead, shared-memory and
    /// rollback files.
    public static let suffixes = ["", "-wal", "-shm", "-journal"]

    /// Makes `directory` (created if needed) readable by its owner only (0700), creates the database file
    /// `fileName` in it with mode 0600 if it is not there — SQLite gives its write-ahead files the database
    /// file's mode — and sets any database files already there to 0600.
    public static func preparePrivate(directory: String, fileName: String) throws {
        let files = FileManager.default
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let database = directory + "/" + fileName
        if !files.fileExists(atPath: database) {
            _ = files.createFile(atPath: database, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        try restrict(directory: directory, fileName: fileName)
    }

    /// Sets `directory` to 0700 and the database files of `fileName` in it to 0600 — those this account
    /// owns: a folder someone else owns (a volume mounted for a container, a shared group folder) keeps the
    /// modes its owner gave it, which only its owner can change.
    public static func restrict(directory: String, fileName: String) throws {
        try restrict(directory, to: 0o700)
        for suffix in suffixes where FileManager.default.fileExists(atPath: directory + "/" + fileName + suffix) {
            try restrict(directory + "/" + fileName + suffix, to: 0o600)
        }
    }

    private static func restrict(_ path: String, to mode: Int) throws {
        let owner = try FileManager.default.attributesOfItem(atPath: path)[.ownerAccountID] as? NSNumber
        guard owner?.uint32Value == getuid() else { return }
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }
}
