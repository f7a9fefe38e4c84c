public import ChangeLog
import Foundation
import GRDB
import SQLiteSupport
import SyncProtocol

extension SQLiteSyncStore {
    public func eraseClient(
        _ clientId: String, tombstone: Change, at: Int64, audit: @escaping @Sendable (Int) -> AuditEntry
    ) async throws -> Int {
        let removed: Int
        do {
            removed = try await erase(clientId, tombstone: tombstone, at: at, audit: audit)
        } catch let error as StoreError where error == .erased(clientId) {
            // Asked again, perhaps because the scrub below failed before: it is what is left to do.
            try await scrubWriteAheadLog()
            throw error
        }
        try await scrubWriteAheadLog()
        return removed
    }

    private func erase(
        _ clientId: String, tombstone: Change, at: Int64, audit: @escaping @Sendable (Int) -> AuditEntry
    ) async throws -> Int {
        try await write { db -> Int in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT team_id, erased_at FROM clients WHERE id = ?", arguments: [clientId])
            else { throw StoreError(code: .notFound, message: "no client \(clientId) to erase") }
            guard (row["erased_at"] as Int64?) == nil else { throw StoreError.erased(clientId) }
            let team: String = row["team_id"]
            let ids = try String.fetchAll(db, sql: "SELECT id FROM changes WHERE client_id = ?", arguments: [clientId])
            let holders = try String.fetchAll(
                db, sql: "SELECT DISTINCT team_id FROM client_teams WHERE client_id = ?", arguments: [clientId])
            // secure_delete (on for every connection) overwrites the deleted content in the file.
            try db.execute(sql: "DELETE FROM changes WHERE client_id = ?", arguments: [clientId])
            try db.execute(sql: "DELETE FROM client_digests WHERE client_id = ?", arguments: [clientId])
            for id in ids {
                try db.execute(sql: "DELETE FROM refused_changes WHERE id = ?", arguments: [id])
            }
            try db.execute(sql: "DELETE FROM client_teams WHERE client_id = ?", arguments: [clientId])
            try db.execute(sql: "UPDATE clients SET erased_at = ? WHERE id = ?", arguments: [at, clientId])
            // Its key goes with it: whatever of the client a backup of the change log (or a free page) still
            // holds can never be opened again. The key store keeps a row without key, which tells a change
            // log restored from before this erasure that the client was erased.
            try SQLiteKeyStore.destroy(clientId, at: at, db: db)
            db.afterNextTransaction(onCommit: { _ in self.keyring.forget(clientId) })
            // The tombstone is the one change left, a content-free record that the id was erased. Its log
            // position is where the `erased` scope notice tells the replicas of every team that ever held the
            // client to remove it.
            let seq = try self.insert(tombstone, receivedAt: at, db: db)
            try db.execute(
                sql: "INSERT INTO scope_events (seq, client_id, from_team, to_team) VALUES (?, ?, ?, '')",
                arguments: [seq, clientId, team])
            for holder in Set(holders + [team]) {
                try db.execute(sql: "INSERT INTO erasure_teams (seq, team_id) VALUES (?, ?)", arguments: [seq, holder])
            }
            try Self.append(audit(ids.count), keys: auditKeys, db: db)
            return ids.count
        }
    }

    /// Empties the write-ahead logs of the change log and the key store into their database files (where
    /// `secure_delete` has overwritten deleted content and destroyed keys) and truncates them, so erased text
    /// and keys are in no file. Waits for this process's readers; readers of
    /// another process (a running server, while an admin command erases) can keep it busy for a moment, so
    /// it tries again for up to half a minute before it gives up with an error that says what is left.
    func scrubWriteAheadLog() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        var pause = Duration.milliseconds(20)
        while true {
            let done = try await pool.barrierWriteWithoutTransaction { db in
                try DatabaseFile.checkpointTruncating(db) && DatabaseFile.checkpointTruncating(db, schema: "keystore")
            }
            if done && DatabaseFile.writeAheadLogIsEmpty(pool.path) && DatabaseFile.writeAheadLogIsEmpty(keyStorePath) { return }
            guard ContinuousClock.now < deadline else {
                throw StoreError(
                    code: .unavailable,
                    message: "the erasure is stored, but readers kept the database's write-ahead log busy, so erased "
                        + "content may remain in \(pool.path)-wal until the next checkpoint; run the command again to retry")
            }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(500))
        }
    }

    public func appendAudit(_ entry: AuditEntry) async throws {
        // Entries of concurrent requests share a transaction (one commit, one fsync).
        guard let audits else { return try await appendAudit(batch: [entry]) }
        try await audits.submit(entry) { entries in try await self.appendAudit(batch: entries) }
    }

    /// Appends `entries` in one transaction.
    func appendAudit(batch entries: [AuditEntry]) async throws {
        try await write { db in
            for entry in entries { try Self.append(entry, keys: self.auditKeys, db: db) }
        }
    }

    /// Appends an audit entry inside the caller's transaction, chained to the last one (with the record of
    /// a key rotation before it, when it is the first of a new generation: ``AuditChain/chain(_:previous:seq:key:)``).
    static func append(_ entry: AuditEntry, keys: AuditKeySource, db: Database) throws {
        // The next position after the last entry there is (not after the highest ever used): positions are
        // consecutive, and a verify sees entries cut off the end and written after again as a gap.
        let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        let previous: String = last?["hash"] ?? AuditChain.genesis
        let next = (last?["seq"] as Int64? ?? 0) + 1
        let key = keys.current(atLeast: AuditChain.generation(of: previous) ?? 0)
        let recorded = try AuditChain.generationToRecord(after: previous, key: key).map { generation in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM audit_log WHERE action = ? AND details LIKE ?)",
                arguments: [AuditChain.rotationAction, AuditChain.rotationRecordedPattern(generation)]) ?? false
        } ?? false
        for entry in try AuditChain.chain(entry, previous: previous, seq: next, key: key, recorded: recorded) {
            try db.execute(
                sql: """
                    INSERT INTO audit_log (seq, at, actor, device_id, action, client_ids, details, result, origin,
                        previous_hash, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.seq, entry.at, entry.actor, entry.deviceId, entry.action, entry.clientIds.joined(separator: ","),
                    try encodeDetails(entry.details), entry.result, entry.origin, entry.previousHash, entry.hash,
                ])
        }
    }

    public func checkAuditKey() async throws {
        try AuditChain.checkKey(auditKeys, log: try await auditHead()?.hash)
    }

    public func auditHead() async throws -> AuditAnchor? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .map { AuditAnchor(seq: $0["seq"], hash: $0["hash"]) }
        }
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

    public func verifyAudit(anchors: [AuditAnchor]) async throws -> AuditVerification {
        try await read { db in
            var check = AuditChainCheck(anchors: anchors, key: self.auditKey)
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
