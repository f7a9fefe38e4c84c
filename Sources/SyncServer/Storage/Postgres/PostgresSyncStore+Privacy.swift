public import ChangeLog
import Foundation
import Logging
import PostgresNIO
import SyncProtocol

extension PostgresSyncStore {
    public func eraseClient(
        _ clientId: String, tombstone: Change, at: Int64, audit: @escaping @Sendable (Int) -> AuditEntry
    ) async throws -> Int {
        let removed = try await transaction { connection -> Int in
            try await self.lockLog(connection)
            guard
                let (team, erasedAt) = try await connection.query(
                    "SELECT team_id, erased_at FROM clients WHERE id = \(clientId) FOR UPDATE", logger: self.logger
                ).decode((String, Int64?).self).first(where: { _ in true })
            else { throw StoreError(code: .notFound, message: "no client \(clientId) to erase") }
            guard erasedAt == nil else { throw StoreError.erased(clientId) }
            var ids: [String] = []
            for try await id in try await connection.query(
                "SELECT id FROM changes WHERE client_id = \(clientId)", logger: self.logger
            ).decode(String.self) {
                ids.append(id)
            }
            var holders: Set<String> = [team]
            for try await holder in try await connection.query(
                "SELECT DISTINCT team_id FROM client_teams WHERE client_id = \(clientId)", logger: self.logger
            ).decode(String.self) {
                holders.insert(holder)
            }
            // Deleted rows are left as dead tuples until VACUUM reclaims them; see Deploy/README for the
            // VACUUM that an erasure calls for on PostgreSQL.
            try await connection.query("DELETE FROM changes WHERE client_id = \(clientId)", logger: self.logger)
            try await connection.query("DELETE FROM client_digests WHERE client_id = \(clientId)", logger: self.logger)
            try await connection.query("DELETE FROM refused_changes WHERE id = ANY(\(ids))", logger: self.logger)
            try await connection.query("DELETE FROM client_teams WHERE client_id = \(clientId)", logger: self.logger)
            try await connection.query("UPDATE clients SET erased_at = \(at) WHERE id = \(clientId)", logger: self.logger)
            // Its key goes with it: whatever of the client a dump of the change log (or a dead tuple) still holds
            // can never be opened again. A row without key stays: it tells a change log restored from before
            // this erasure that the client was erased.
            try await Self.destroyKey(clientId, at: at, connection, logger: self.logger)
            let seq = try await self.insert([tombstone], receivedAt: at, visibleTo: { _ in nil }, connection)[0]
            try await connection.query(
                "INSERT INTO scope_events (seq, client_id, from_team, to_team) VALUES (\(seq), \(clientId), \(team), '')",
                logger: self.logger)
            try await connection.query(
                "INSERT INTO erasure_teams (seq, team_id) SELECT \(seq), unnest(\(Array(holders)))", logger: self.logger)
            try await Self.append(audit(ids.count), keys: self.auditKeys, connection, logger: self.logger)
            return ids.count
        }
        keyring.forget(clientId)
        await compactKeyTable()
        return removed
    }

    public func appendAudit(_ entry: AuditEntry) async throws {
        // Entries of concurrent requests share a transaction: the audit lock is taken once, and one commit
        // serves them all.
        guard let audits else { return try await appendAudit(batch: [entry]) }
        try await audits.submit(entry) { entries in try await self.appendAudit(batch: entries) }
    }

    /// Appends `entries` in one transaction.
    func appendAudit(batch entries: [AuditEntry]) async throws {
        try await transaction { connection in
            try await Self.append(entries, keys: self.auditKeys, connection, logger: self.logger)
        }
    }

    /// Appends an audit entry inside the caller's transaction, chained to the last one (serialised by a lock;
    /// with the record of a key rotation before it, when it is the first of a new generation:
    /// ``AuditChain/chain(_:previous:seq:key:)``).
    static func append(_ entry: AuditEntry, keys: AuditKeySource, _ connection: PostgresConnection, logger: Logger) async throws {
        try await append([entry], keys: keys, connection, logger: logger)
    }

    /// Appends audit entries in order, in one statement: the lock is taken and the chain's head read once.
    static func append(_ entries: [AuditEntry], keys: AuditKeySource, _ connection: PostgresConnection, logger: Logger)
        async throws
    {
        guard !entries.isEmpty else { return }
        try await PostgresSchema.takeLock("pg_advisory_xact_lock", PostgresSchema.auditLock, connection, logger: logger)
        let last = try await connection.query(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", logger: logger
        ).decode((Int64, String).self).first(where: { _ in true })
        var previous = last?.1 ?? AuditChain.genesis
        var seq = (last?.0 ?? 0) + 1
        let key = keys.current(atLeast: AuditChain.generation(of: previous) ?? 0)
        var recorded = false
        if let generation = AuditChain.generationToRecord(after: previous, key: key) {
            let pattern = AuditChain.rotationRecordedPattern(generation)
            recorded = try await connection.query(
                "SELECT EXISTS (SELECT 1 FROM audit_log WHERE action = \(AuditChain.rotationAction) AND details LIKE \(pattern))",
                logger: logger
            ).decode(Bool.self).first(where: { _ in true }) ?? false
        }
        var chained: [AuditEntry] = []
        for entry in entries {
            let links = try AuditChain.chain(entry, previous: previous, seq: seq, key: key, recorded: recorded)
            // A record of the rotation in this batch (the rotation's own entry, chained under the old
            // generation, or one written before the first entry of the new) counts for the entries after it.
            if let generation = key?.generation, links.contains(where: { AuditChain.isRecord($0, ofGeneration: generation) }) {
                recorded = true
            }
            chained += links
            previous = links.last!.hash!
            seq = links.last!.seq! + 1
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let details = try chained.map { String(decoding: try encoder.encode($0.details), as: UTF8.self) }
        // Optional columns travel as a value and whether there is one: absent stays NULL, '' stays ''.
        try await connection.query(
            """
            INSERT INTO audit_log (seq, at, actor, device_id, action, client_ids, details, result, origin, previous_hash, hash)
            SELECT seq, at, actor, CASE WHEN has_device THEN device_id END, action, client_ids, details, result,
                CASE WHEN has_origin THEN origin END, previous_hash, hash
            FROM unnest(\(chained.map { $0.seq! })::bigint[], \(chained.map(\.at))::bigint[], \(chained.map(\.actor))::text[],
                \(chained.map { $0.deviceId ?? "" })::text[], \(chained.map { $0.deviceId != nil })::bool[],
                \(chained.map(\.action))::text[], \(chained.map { $0.clientIds.joined(separator: ",") })::text[],
                \(details)::text[], \(chained.map(\.result))::text[], \(chained.map { $0.origin ?? "" })::text[],
                \(chained.map { $0.origin != nil })::bool[], \(chained.map { $0.previousHash! })::text[],
                \(chained.map { $0.hash! })::text[])
                AS entry(seq, at, actor, device_id, has_device, action, client_ids, details, result, origin, has_origin,
                    previous_hash, hash)
            """, logger: logger)
    }

    public func checkAuditKey() async throws {
        try AuditChain.checkKey(auditKeys, log: try await auditHead()?.hash)
    }

    public func auditHead() async throws -> AuditAnchor? {
        try await connected { connection in
            try await connection.query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", logger: self.logger)
                .decode((Int64, String).self).first(where: { _ in true }).map { AuditAnchor(seq: $0.0, hash: $0.1) }
        }
    }

    public func auditEntries(clientId: String?, actor: String?) async throws -> [AuditEntry] {
        try await connected { connection in
            let pattern = clientId.map { "%," + $0 + ",%" }
            let rows = try await connection.query(
                """
                SELECT seq, at, actor, device_id, action, client_ids, details, result, origin, previous_hash, hash
                FROM audit_log
                WHERE (\(pattern)::text IS NULL OR (',' || client_ids || ',') LIKE \(pattern))
                    AND (\(actor)::text IS NULL OR actor = \(actor))
                ORDER BY seq
                """, logger: self.logger)
            return try await Self.auditEntries(rows)
        }
    }

    public func verifyAudit(anchors: [AuditAnchor]) async throws -> AuditVerification {
        try await connected { connection in
            let entries = try await Self.auditEntries(try await connection.query(
                """
                SELECT seq, at, actor, device_id, action, client_ids, details, result, origin, previous_hash, hash
                FROM audit_log ORDER BY seq
                """, logger: self.logger))
            var check = AuditChainCheck(anchors: anchors, key: self.auditKey)
            for entry in entries where !check.add(entry) { break }
            return check.result
        }
    }

    private static func auditEntries(_ rows: PostgresRowSequence) async throws -> [AuditEntry] {
        var entries: [AuditEntry] = []
        for try await (seq, at, actor, device, action, clients, details, result, origin, previous, hash) in rows.decode(
            (Int64, Int64, String, String?, String, String, String, String, String?, String, String).self)
        {
            var entry = AuditEntry(
                at: at, actor: actor, deviceId: device, action: action,
                clientIds: clients.isEmpty ? [] : clients.split(separator: ",").map(String.init),
                details: try JSONDecoder().decode([String: String].self, from: Data(details.utf8)), result: result,
                origin: origin)
            entry.seq = seq
            entry.previousHash = previous
            entry.hash = hash
            entries.append(entry)
        }
        return entries
    }
}
