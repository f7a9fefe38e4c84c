import Casework
import ChangeLog
import Foundation
import GRDB
import SQLiteSupport
import SyncProtocol

/// The replica's storage rules on one open transaction: inserting changes, maintaining projections and
/// reading facts. Every function runs inside the caller's transaction, so a change and its projections
/// commit together or not at all.
enum ChangeStore {
    /// Inserts changes not yet present; returns those inserted. Projections are refreshed for them.
    @discardableResult
    static func insert(_ changes: [Change], recordedAt: Int64, db: Database) throws -> [Change] {
        try ReplicaVault.ensureClientKeys(changes.lazy.map(\.clientId), db: db)
        let statement = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO changes (\(ChangeRow.columns), recorded_at) VALUES (\(StoredChange.placeholders), ?)")
        var inserted: [Change] = []
        for change in changes {
            try statement.execute(arguments: StoredChange.arguments(change) + [recordedAt])
            if db.changesCount > 0 { inserted.append(change) }
        }
        try noteInClients(inserted, db: db)
        try refreshEntities(Set(inserted.map(\.entityId)), known: inserted, db: db)
        return inserted
    }

    /// Removes changes (refused by the server) and recomputes the projections they touched.
    static func remove(_ changes: [Change], db: Database) throws {
        for change in changes {
            try db.execute(sql: "DELETE FROM changes WHERE id = ?", arguments: [change.id])
        }
        for clientId in Set(changes.map(\.clientId)) {
            try recountClient(clientId, db: db)
        }
        try refreshEntities(Set(changes.map(\.entityId)), db: db)
    }

    /// Every change about a client.
    static func changes(aboutClient clientId: String, db: Database) throws -> [Change] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT \(StoredChange.columns) FROM changes WHERE client_id = ?"),
            arguments: [clientId]
        ).map(ChangeRow.decode)
    }

    /// What the replica knows about an entity, for the domain rules; `nil` when it holds none of its changes.
    static func facts(forEntity entityId: String, db: Database) throws -> EntityFacts? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT client_id, entity_type, author_id, author_discipline FROM entities WHERE id = ?"),
                arguments: [entityId])
        else { return nil }
        let revisions = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT id, \(Self.addresseePayloadSQL) FROM changes WHERE entity_id = ?"),
            arguments: [entityId])
        let entityType: String = row["entity_type"]
        return EntityFacts(
            entityType: entityType, clientId: row["client_id"], authorId: row["author_id"],
            authorDiscipline: row["author_discipline"], revisionIds: Set(revisions.map { $0["id"] as String }),
            addressedTo: revisions.lazy.compactMap { revision in
                CaseworkRules.addressee(entityType: entityType, operation: "add", payloadText: revision["referral_payload"])
            }.first)
    }

    /// ``CaseworkRules/addresseePayloadSQL`` with the payload opened.
    private static let addresseePayloadSQL = CaseworkRules.addresseePayloadSQL.replacingOccurrences(
        of: "THEN payload", with: "THEN " + ReplicaVault.opened("payload", client: "client_id"))

    /// The change currently shown for an entity and the heads of its revision graph.
    static func current(entityId: String, db: Database) throws -> (current: Change, heads: [String])? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT current_change_id, head_ids FROM entities WHERE id = ?", arguments: [entityId]),
            let current = try Row.fetchOne(
                db, sql: "SELECT \(StoredChange.columns) FROM changes WHERE id = ?",
                arguments: [row["current_change_id"] as String])
        else { return nil }
        let heads = try JSONDecoder().decode([String].self, from: Data((row["head_ids"] as String).utf8))
        return (try ChangeRow.decode(current), heads)
    }

    /// The current revisions of one contact field of a client.
    static func contactHeads(clientId: String, field: ContactField, db: Database) throws -> [String] {
        let revisions = try Row.fetchAll(
            db,
            sql: """
                SELECT \(StoredChange.columns) FROM changes
                WHERE entity_id = ? AND entity_type = 'client' AND operation = 'setContact'
                """,
            arguments: [clientId]
        ).map(ChangeRow.decode).compactMap { change -> Revision? in
            guard case .contactSet(let update, let supersedes)? = try? CaseEvent.decode(change), update.field == field
            else { return nil }
            return Revision(id: change.id, hlc: change.hlc, supersedes: supersedes)
        }
        return RevisionMerge.heads(of: revisions).map(\.id)
    }

    // MARK: - Projections

    private static func noteInClients(_ changes: [Change], db: Database) throws {
        // The digest is the XOR of the ids' hashes, written without overflow as (a | b) - (a & b).
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO clients (id, last_activity_hlc, change_count, digest) VALUES (?, ?, 1, ?)
                ON CONFLICT(id) DO UPDATE SET
                    last_activity_hlc = max(last_activity_hlc, excluded.last_activity_hlc),
                    change_count = change_count + 1,
                    digest = (digest | excluded.digest) - (digest & excluded.digest)
                """)
        for change in changes {
            try upsert.execute(
                arguments: [change.clientId, change.hlc.description, ChangeSetDigest.storedHash(of: change.id)])
            if change.entityType == "client", change.operation != "setContact" {
                try refreshRegistration(change.clientId, db: db)
            }
        }
    }

    /// Recomputes a client's row from its changes (after changes were removed or re-stamped).
    static func recountClient(_ clientId: String, db: Database) throws {
        let ids = try String.fetchAll(db, sql: "SELECT id FROM changes WHERE client_id = ?", arguments: [clientId])
        guard !ids.isEmpty else {
            try db.execute(sql: "DELETE FROM clients WHERE id = ?", arguments: [clientId])
            return
        }
        let digest = ChangeSetDigest(ids: ids)
        let latest = try String.fetchOne(db, sql: "SELECT max(hlc) FROM changes WHERE client_id = ?", arguments: [clientId])
        try db.execute(
            sql: """
                INSERT INTO clients (id, last_activity_hlc, change_count, digest) VALUES (?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET last_activity_hlc = excluded.last_activity_hlc,
                    change_count = excluded.change_count, digest = excluded.digest
                """,
            arguments: [clientId, latest, digest.count, Int64(bitPattern: digest.value)])
        try refreshRegistration(clientId, db: db)
    }

    /// Sets a client's name from its registration and its team from the latest registration or move.
    private static func refreshRegistration(_ clientId: String, db: Database) throws {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT \(StoredChange.columns) FROM changes
                WHERE entity_id = ? AND entity_type = 'client' AND operation IN ('register', 'move')
                """,
            arguments: [clientId])
        var name: String?
        var team: String?
        for change in try rows.map(ChangeRow.decode).sorted(by: Change.displayOrder) {
            switch try? CaseEvent.decode(change) {
            case .clientRegistered(let registration)?:
                name = name ?? registration.name
                team = team ?? registration.teamId
            case .clientMoved(let teamId)?:
                team = teamId
            default:
                break
            }
        }
        try db.execute(
            sql: "UPDATE clients SET name = \(ReplicaVault.sealed("?", client: "id")), team_id = ? WHERE id = ?",
            arguments: [name, team, clientId])
    }

    /// Recomputes every projection from the changes held (after a rebuild).
    static func reprojectAll(db: Database) throws {
        try db.execute(sql: "DELETE FROM entities; DELETE FROM clients;")
        try SearchIndex.removeAll(db: db)
        for clientId in try String.fetchAll(db, sql: "SELECT DISTINCT client_id FROM changes") {
            try recountClient(clientId, db: db)
        }
        try refreshEntities(Set(try String.fetchAll(db, sql: "SELECT DISTINCT entity_id FROM changes")), db: db)
    }

    /// Keeps a refused change in the rejected list with the reason (the caller removes it from the changes) —
    /// without its content when the client was erased meanwhile (a sync running at the same time applied
    /// the erasure after this change was read).
    static func reject(_ change: Change, code: ErrorCode, message: String, now: Int64, db: Database) throws {
        // Without content (an erased client's) the payload is `{}` in plain text, with the replica's own
        // message; otherwise the payload and the server's message are sealed.
        if try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM erased_clients WHERE id = ?)", arguments: [change.clientId]) == true
        {
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO rejected (\(ChangeRow.columns), code, message, rejected_at)
                    VALUES (\(ChangeRow.placeholders), ?, ?, ?)
                    """,
                arguments: ChangeRow.arguments(change.withoutContent)
                    + [ScopeLoss.erasure.code.rawValue, ScopeLoss.erasure.message, now])
            return
        }
        try ReplicaVault.ensureClientKeys([change.clientId], db: db)
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO rejected (\(ChangeRow.columns), code, message, rejected_at)
                VALUES (\(StoredChange.placeholders), ?, \(ReplicaVault.sealed("?", client: "?")), ?)
                """,
            arguments: StoredChange.arguments(change) + [code.rawValue, change.clientId, message, now])
    }

    /// Removes everything the replica holds about a client: changes, projections and outbox entries.
    /// Pending writes about it are moved to the rejected list first, with `reason`, so they are not lost —
    /// without their content when the client was erased (`keepContent` false), which also strips the content
    /// of refused writes about the client already listed and gives them `reason`.
    static func purgeClient(
        _ clientId: String, reason: (code: ErrorCode, message: String), keepContent: Bool = true, now: Int64, db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO rejected (\(ChangeRow.columns), code, message, rejected_at)
                SELECT \(ChangeRow.columns), ?, ?, ? FROM changes
                WHERE client_id = ? AND id IN (SELECT change_id FROM outbox)
                """,
            arguments: [reason.code.rawValue, reason.message, now, clientId])
        // The content leaves the files at the next checkpoint, which is owed until it has run.
        try db.execute(sql: "UPDATE sync_state SET scrub_owed = 1")
        if !keepContent {
            try db.execute(sql: "INSERT OR IGNORE INTO erased_clients (id) VALUES (?)", arguments: [clientId])
            // The content goes, and the server's message with it (sealed under the key destroyed below).
            try db.execute(
                sql: "UPDATE rejected SET payload = '{}', message = ? WHERE client_id = ?",
                arguments: [reason.message, clientId])
            // Writes refused as out of scope by the push just before this pull were refused because the
            // client was erased: say so. Refusals for other reasons keep their code (their message, which
            // was the server's and sealed, is now the erasure's).
            try db.execute(
                sql: "UPDATE rejected SET code = ?, message = ? WHERE client_id = ? AND code = ?",
                arguments: [reason.code.rawValue, reason.message, clientId, ErrorCode.outOfScope.rawValue])
        }
        try db.execute(sql: "DELETE FROM changes WHERE client_id = ?", arguments: [clientId])
        try db.execute(sql: "DELETE FROM entities WHERE client_id = ?", arguments: [clientId])
        try db.execute(sql: "DELETE FROM clients WHERE id = ?", arguments: [clientId])
        try SearchIndex.removeClient(clientId, db: db)
        // Crypto-shredding: without its key, what is left of the client in free pages cannot be read. An
        // evicted client's refused writes keep their content, and the key, until they are acknowledged.
        if keepContent {
            try ReplicaVault.shredClientKeyIfUnused(clientId, db: db)
        } else {
            try db.execute(sql: "DELETE FROM client_keys WHERE owner = ?", arguments: [clientId])
        }
    }

    /// Recomputes the `entities` row of each entity from all of its changes (order-independent).
    /// `known` may hold changes just inserted: an entity whose every change is among them (a new note, the
    /// common case) is projected from memory instead of being read back.
    static func refreshEntities(_ entityIds: Set<String>, known: [Change] = [], db: Database) throws {
        let inMemory = Dictionary(grouping: known, by: \.entityId)
        var searchable: [(entityId: String, clientId: String)] = []
        for entityId in entityIds {
            let changes: [Change]
            if let group = inMemory[entityId],
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT count(*) FROM changes WHERE entity_id = ?"), arguments: [entityId]
                ) == group.count
            {
                changes = group.sorted(by: Change.displayOrder)
            } else {
                changes = try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT \(StoredChange.columns) FROM changes WHERE entity_id = ?"),
                    arguments: [entityId]
                ).map(ChangeRow.decode).sorted(by: Change.displayOrder)
            }
            let events = Dictionary(uniqueKeysWithValues: changes.map { ($0.id, (try? CaseEvent.decode($0)) ?? nil) })
            guard let creation = changes.first(where: { events[$0.id]??.createsEntity ?? false }) ?? changes.first
            else {
                try db.execute(sql: "DELETE FROM entities WHERE id = ?", arguments: [entityId])
                try SearchIndex.remove(entityId: entityId, db: db)
                continue
            }
            let revisions = changes.map { change in
                Revision(id: change.id, hlc: change.hlc, supersedes: events[change.id]??.supersedes ?? [])
            }
            let heads = RevisionMerge.heads(of: revisions).map(\.id)
            let current = RevisionMerge.current(of: revisions)!.id
            searchable.append((entityId, creation.clientId))
            let headText = JSONValue.array(heads.map(JSONValue.string)).canonicalText
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO entities
                        (id, client_id, entity_type, author_id, author_discipline, head_ids, current_change_id,
                         revision_count)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: [
                    entityId, creation.clientId, creation.entityType, creation.authorId, creation.authorDiscipline,
                    headText, current, changes.count,
                ])
        }
        try SearchIndex.markStale(searchable, db: db)
    }
}
