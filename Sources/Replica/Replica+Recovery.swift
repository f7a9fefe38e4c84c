import GRDB
import SQLiteSupport

/// What a replica does when the server's history went back (a restore from a backup), and how it makes
/// removed content leave its files.
extension Replica {
    /// Remembers the server's restore epoch. When it differs from the one seen before, the server's history
    /// went back (it was restored from a backup): every change this device wrote is queued to be sent again
    /// — the server answers `duplicate` for those it still has — and the replica rebuilds from the start of
    /// the log, keeping its own writes. Returns whether that happened.
    static func noteEpoch(_ epoch: String?, deviceId: String, db: Database) throws -> Bool {
        guard let epoch, !epoch.isEmpty else { return false }
        let known = try String.fetchOne(db, sql: "SELECT server_epoch FROM sync_state")
        guard known != epoch else { return false }
        try db.execute(sql: "UPDATE sync_state SET server_epoch = ?", arguments: [epoch])
        guard known != nil else { return false }  // the first epoch this replica sees
        try db.execute(
            sql: "INSERT OR IGNORE INTO outbox (change_id) SELECT id FROM changes WHERE device_id = ?", arguments: [deviceId])
        // What waited for the server to learn something may now be placed: try it again.
        try db.execute(sql: "UPDATE outbox SET waiting_code = NULL, waiting_message = NULL")
        try rebuild(keeping: deviceId, db: db)
        return true
    }

    /// Drops every change not written by this device and restarts the pull at the beginning of the log.
    static func rebuild(keeping deviceId: String, db: Database) throws {
        try db.execute(sql: "DELETE FROM changes WHERE device_id <> ?", arguments: [deviceId])
        try ChangeStore.reprojectAll(db: db)
        try db.execute(sql: "UPDATE sync_state SET cursor = NULL")
    }

    /// Makes removed content gone from the files, not only from the tables: `secure_delete` zeroes its pages
    /// in the database, and this checkpoint copies the write-ahead log into the database and truncates it.
    /// It waits for this process's readers (an open app page), and tries again for a while when another
    /// process reads the file at that moment.
    /// The checkpoint is owed from the transaction that removed the content until it has run: a sync that
    /// cannot run it (another program reading the file at that moment) leaves it owed, and the next sync
    /// runs it first.
    func scrubFiles() async throws {
        for attempt in 0..<50 {
            let done = try await pool.barrierWriteWithoutTransaction { db -> Bool in
                // Cleared before the checkpoint (which then empties the log of this write too), set again if it
                // could not run.
                try db.execute(sql: "UPDATE sync_state SET scrub_owed = 0")
                if try DatabaseFile.checkpointTruncating(db) { return true }
                try db.execute(sql: "UPDATE sync_state SET scrub_owed = 1")
                return false
            }
            if done && DatabaseFile.writeAheadLogIsEmpty(pool.path) { return }
            try await Task.sleep(for: .milliseconds(min(20 * (attempt + 1), 500)))
        }
        throw ReplicaError(
            code: ReplicaError.busy,
            message: "removed data may remain in \(pool.path)-wal because another program kept the replica busy; close it and sync again")
    }

    /// Runs a checkpoint still owed from an earlier sync (see ``scrubFiles()``).
    func scrubFilesIfOwed() async throws {
        let owed = try await pool.read { db in try Bool.fetchOne(db, sql: "SELECT scrub_owed FROM sync_state") ?? false }
        if owed { try await scrubFiles() }
        try Self.rewriteFilesIfOwed(pool)
    }
}
