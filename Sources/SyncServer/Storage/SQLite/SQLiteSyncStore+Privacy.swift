public import ChangeLog
import Foundation
import GRDB
import SQLiteSupport

extension SQLiteSyncStore {
    public func eraseClient(_ clientId: String, tombstone: Change, at: Int64) async throws -> Int {
        let removed = try await write { db -> Int in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT team_id, erased_at FROM clients WHERE id = ?", arguments: [clientId]),
                (row["erased_at"] as Int64?) == nil
            else { throw StoreError(code: "notFound", message: "no client \(clientId) to erase") }
            let team: String = row["team_id"]
            let ids = try String.fetchAll(db, sql: "SELECT id FROM changes WHERE client_id = ?", arguments: [clientId])
            // secure_delete (on for every connection) overwrites the deleted content in the file.
            try db.execute(sql: "DELETE FROM changes WHERE client_id = ?", arguments: [clientId])
            try db.execute(sql: "DELETE FROM client_digests WHERE client_id = ?", arguments: [clientId])
            for id in ids {
                try db.execute(sql: "DELETE FROM refused_changes WHERE id = ?", arguments: [id])
            }
            try db.execute(sql: "DELETE FROM client_teams WHERE client_id = ?", arguments: [clientId])
            try db.execute(sql: "UPDATE clients SET erased_at = ? WHERE id = ?", arguments: [at, clientId])
            // The tombstone is the one change left, a content-free record that the id was erased. Its log
            // position is where the `erased` scope notice tells the replicas holding the client to remove it.
            let seq = try Self.insert(tombstone, receivedAt: at, db: db)
            try db.execute(
                sql: "INSERT INTO scope_events (seq, client_id, from_team, to_team) VALUES (?, ?, ?, '')",
                arguments: [seq, clientId, team])
            return ids.count
        }
        // The write-ahead log still holds the old pages until they are checkpointed into the file.
        try await pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        return removed
    }

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await write { db in try Self.append(entry, db: db) }
    }

    /// Appends an audit entry inside the caller's transaction, chained to the last one.
    static func append(_ entry: AuditEntry, db: Database) throws {
        let previous = try String.fetchOne(db, sql: "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            ?? AuditChain.genesis
        let next = (try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'") ?? 0) + 1
        var entry = entry
        entry.seq = next
        let hash = AuditChain.hash(entry, previous: previous)
        try db.execute(
            sql: """
                INSERT INTO audit_log (seq, at, actor, device_id, action, client_ids, details, result, origin,
                    previous_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                next, entry.at, entry.actor, entry.deviceId, entry.action, entry.clientIds.joined(separator: ","),
                try encodeDetails(entry.details), entry.result, entry.origin, previous, hash,
            ])
    }

    public func auditEntries(clientId: String?, actor: String?) async throws -> [AuditEntry] {
        try await read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let clientId {
                conditions.append("(',' || client_ids || ',') LIKE ?")
                arguments += ["%," + clientId + ",%"]
            }
            if let actor {
                conditions.append("actor = ?")
                arguments += [actor]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: "SELECT * FROM audit_log \(filter) ORDER BY seq", arguments: arguments)
                .map(Self.auditEntry)
        }
    }

    public func verifyAudit(anchor: AuditAnchor?) async throws -> AuditVerification {
        try await read { db in
            var check = AuditChainCheck(anchor: anchor)
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit_log ORDER BY seq")
            while let row = try cursor.next(), check.add(try Self.auditEntry(row)) {}
            return check.result
        }
    }

    private static func auditEntry(_ row: Row) throws -> AuditEntry {
        let clients: String = row["client_ids"]
        var entry = AuditEntry(
            at: row["at"], actor: row["actor"], deviceId: row["device_id"], action: row["action"],
            clientIds: clients.isEmpty ? [] : clients.split(separator: ",").map(String.init),
            details: try JSONDecoder().decode([String: String].self, from: Data((row["details"] as String).utf8)),
            result: row["result"], origin: row["origin"])
        entry.seq = row["seq"]
        entry.previousHash = row["previous_hash"]
        entry.hash = row["hash"]
        return entry
    }

    private static func encodeDetails(_ details: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(details), as: UTF8.self)
    }
}
