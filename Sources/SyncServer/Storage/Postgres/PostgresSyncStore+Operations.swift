public import ChangeLog
import Logging
import PostgresNIO

/// The restore epoch, the server's clock and what the database knows of the operations journal.
extension PostgresSyncStore {
    public func epoch() async throws -> String {
        try await connected { connection in
            try await connection.query("SELECT epoch FROM server_state", logger: self.logger)
                .decode(String.self).first(where: { _ in true }) ?? ""
        }
    }

    public func renewEpoch() async throws -> String {
        let epoch = Secrets.makeEpoch()
        _ = try await connected { connection in
            try await connection.query("UPDATE server_state SET epoch = \(epoch)", logger: self.logger)
        }
        return epoch
    }

    public func serverStamp(wallMillis: Int64, maxAheadMillis: Int64) async throws -> HLCTimestamp {
        try await transaction { connection in
            let row = try await connection.query(
                "SELECT server_hlc, accepted_hlc FROM server_state FOR UPDATE", logger: self.logger
            ).decode((String, String).self).first(where: { _ in true })
            let stamp = ServerClock.stamp(
                after: row.flatMap { HLCTimestamp($0.0) }, accepted: row.flatMap { HLCTimestamp($0.1) },
                wallMillis: wallMillis, maxAheadMillis: maxAheadMillis)
            try await connection.query(
                "UPDATE server_state SET server_hlc = greatest(server_hlc, \(stamp.description))", logger: self.logger)
            return stamp
        }
    }

    public func journalMark() async throws -> JournalMark? {
        try await connected { connection in
            guard let (id, entries) = try await connection.query(
                "SELECT journal_id, journal_entries FROM server_state", logger: self.logger
            ).decode((String?, Int64).self).first(where: { _ in true }), let id
            else { return nil }
            return JournalMark(journalId: id, entries: Int(entries))
        }
    }

    public func noteJournal(_ mark: JournalMark) async throws {
        let entries = Int64(mark.entries)
        _ = try await connected { connection in
            try await connection.query(
                """
                UPDATE server_state SET
                    journal_entries = CASE WHEN journal_id = \(mark.journalId) THEN greatest(journal_entries, \(entries))
                        ELSE \(entries) END,
                    journal_id = \(mark.journalId)
                """, logger: self.logger)
        }
    }

    public func markTold(deviceId: String, clientId: String) async throws {
        _ = try await connected { connection in
            try await connection.query(
                """
                UPDATE devices SET pulled_to = greatest(pulled_to, coalesce(
                    (SELECT max(seq) FROM scope_events WHERE client_id = \(clientId)), 0))
                WHERE id = \(deviceId)
                """, logger: self.logger)
        }
    }

    public func holdsChange(_ id: String) async throws -> Bool {
        try await connected { connection in
            try await connection.query("SELECT 1 FROM changes WHERE id = \(id)", logger: self.logger)
                .decode(Int.self).first(where: { _ in true }) != nil
        }
    }
}
