public import ChangeLog
import GRDB

/// The restore epoch, the server's clock and what the database knows of the operations journal.
extension SQLiteSyncStore {
    public func epoch() async throws -> String {
        try await read { db in try String.fetchOne(db, sql: "SELECT epoch FROM server_state") ?? "" }
    }

    public func renewEpoch() async throws -> String {
        try await write { db in try Self.renewEpoch(db) }
    }

    /// Gives the database a new random restore epoch and returns it.
    static func renewEpoch(_ db: Database) throws -> String {
        let epoch = Secrets.makeEpoch()
        try db.execute(sql: "UPDATE server_state SET epoch = ?", arguments: [epoch])
        return epoch
    }

    public func serverStamp(wallMillis: Int64, maxAheadMillis: Int64) async throws -> HLCTimestamp {
        try await write { db in
            let row = try Row.fetchOne(db, sql: "SELECT server_hlc, accepted_hlc FROM server_state")
            let stamp = ServerClock.stamp(
                after: (row?["server_hlc"] as String?).flatMap { HLCTimestamp($0) },
                accepted: (row?["accepted_hlc"] as String?).flatMap { HLCTimestamp($0) }, wallMillis: wallMillis,
                maxAheadMillis: maxAheadMillis)
            try db.execute(sql: "UPDATE server_state SET server_hlc = max(server_hlc, ?)", arguments: [stamp.description])
            return stamp
        }
    }

    public func journalMark() async throws -> JournalMark? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT journal_id, journal_entries FROM server_state"),
                let id = row["journal_id"] as String?
            else { return nil }
            return JournalMark(journalId: id, entries: row["journal_entries"])
        }
    }

    public func noteJournal(_ mark: JournalMark) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE server_state SET
                        journal_entries = CASE WHEN journal_id = ? THEN max(journal_entries, ?) ELSE ? END,
                        journal_id = ?
                    """,
                arguments: [mark.journalId, mark.entries, mark.entries, mark.journalId])
        }
    }

    public func markTold(deviceId: String, clientId: String) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE devices SET pulled_to = max(pulled_to, coalesce(
                        (SELECT max(seq) FROM scope_events WHERE client_id = ?), 0))
                    WHERE id = ?
                    """,
                arguments: [clientId, deviceId])
        }
    }

    public func holdsChange(_ id: String) async throws -> Bool {
        try await read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM changes WHERE id = ?)", arguments: [id]) ?? false
        }
    }
}
