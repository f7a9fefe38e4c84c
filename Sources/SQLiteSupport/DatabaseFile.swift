public import GRDB

/// Opens SQLite database files the way both the replica and the server want them.
public enum DatabaseFile {
    /// Opens (creating if needed) a WAL database pool at `path` with durable commits, foreign keys, and a
    /// busy timeout so that a second process (an admin command next to a running server) waits instead of
    /// failing.
    public static func openPool(at path: String, label: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.label = label
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // FULL: an acknowledged commit survives power loss, not only a process crash.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Deleted content is overwritten, so removed clients do not linger in free pages of the file.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        return try DatabasePool(path: path, configuration: configuration)
    }
}
