import Casework
import ChangeLog
import Foundation
import GRDB
import SQLiteSupport

/// The replica's offline full-text index: SQLite FTS5 over the words of each entity (``CaseEvent/searchText``).
/// The transaction that changes an entity marks it stale; a search (and the app, after each sync) first
/// indexes what is stale, so search shows exactly what the replica holds — nothing of a client it no longer
/// holds, nothing the server never sent it (another discipline's own notes).
///
/// Words are matched without regard to case and diacritics (`unicode61 remove_diacritics 2`: "Zoë" and
/// "zoe", "CRÈCHE" and "creche"), and by their start, which is as near to Dutch word stems as FTS5 comes:
/// "schuld" finds "schuldhulpverlening" and "schulden". Every word typed must occur.
///
/// The index is never on disk: its words would be the notes in plaintext. It lives in an in-memory database
/// attached to the pool's writer connection (``attach(_:)``), built again after the replica is opened or
/// unlocked, and searched on that connection. Entities changed by another program on the same replica are
/// found by their changes' local positions (``catchUp(db:)``).
enum SearchIndex {
    /// Attaches the in-memory index to the writer connection `db` (readers have none).
    static func attach(_ db: Database) throws {
        try db.execute(
            sql: """
                ATTACH DATABASE ':memory:' AS search;
                CREATE TABLE search.search_entries (
                    rowid INTEGER PRIMARY KEY,
                    entity_id TEXT NOT NULL UNIQUE,
                    client_id TEXT NOT NULL,
                    current_hlc TEXT NOT NULL
                );
                CREATE INDEX search.search_entries_by_client ON search_entries(client_id);
                CREATE TABLE search.search_stale (
                    entity_id TEXT PRIMARY KEY NOT NULL,
                    client_id TEXT NOT NULL
                ) WITHOUT ROWID;
                -- The highest local position of `changes` whose entities are indexed or marked stale, and how
                -- many changes there were then (fewer now: another program removed a client).
                -- `data_version`: the file's as the writer connection last saw it after another program's commit.
                CREATE TABLE search.search_state (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    indexed_up_to INTEGER NOT NULL,
                    change_count INTEGER NOT NULL,
                    data_version INTEGER NOT NULL);
                INSERT INTO search.search_state VALUES (1, 0, 0, -1);
                CREATE VIRTUAL TABLE search.search_index USING fts5(
                    text, client, tokenize = 'unicode61 remove_diacritics 2');
                """)
    }

    /// Notes that an entity's words may have changed: they are indexed at the next ``catchUp(db:)``, so a
    /// pull stores changes at its own pace and the words are tokenised afterwards, in one sorted pass. A
    /// removed entity leaves the index at once (``remove(entityId:db:)``).
    static func markStale(_ entities: [(entityId: String, clientId: String)], db: Database) throws {
        let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO search_stale (entity_id, client_id) VALUES (?, ?)")
        for entity in entities { try statement.execute(arguments: [entity.entityId, entity.clientId]) }
    }

    /// Whether some entity waits to be indexed.
    static func isBehind(db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM search_stale)") ?? false
    }

    /// Indexes the words of every entity marked stale, from its changes as they are now; returns how many.
    /// Rows are written in the order of their row ids: FTS5 writes its pending terms out each time a row id
    /// is lower than the one before, so an unsorted pass made hundreds of tiny segments to merge.
    @discardableResult
    static func catchUp(db: Database) throws -> Int {
        let stale = try String.fetchAll(db, sql: "SELECT entity_id FROM search_stale")
        guard !stale.isEmpty else { return 0 }
        var entries: [(entityId: String, clientId: String, currentHLC: HLCTimestamp, text: String?)] = []
        for entityId in stale {
            guard
                let entity = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT client_id, head_ids, current_change_id FROM entities WHERE id = ?"),
                    arguments: [entityId])
            else {
                try remove(entityId: entityId, db: db)
                continue
            }
            let changes = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT \(StoredChange.columns) FROM changes WHERE entity_id = ?"), arguments: [entityId]
            ).map(ChangeRow.decode).sorted(by: Change.displayOrder)
            let events = Dictionary(uniqueKeysWithValues: changes.map { ($0.id, (try? CaseEvent.decode($0)) ?? nil) })
            let heads = try JSONDecoder().decode([String].self, from: Data((entity["head_ids"] as String).utf8))
            let creation = changes.lazy.compactMap { events[$0.id] ?? nil }.first(where: \.createsEntity)
            let text = creation.flatMap { CaseEvent.searchText(creation: $0, heads: heads.compactMap { events[$0] ?? nil }) }
            guard let current = changes.first(where: { $0.id == entity["current_change_id"] as String }) else { continue }
            entries.append((entityId, entity["client_id"], current.hlc, text))
        }
        for entry in entries.sorted(by: { $0.currentHLC < $1.currentHLC }) {
            try update(entityId: entry.entityId, clientId: entry.clientId, currentHLC: entry.currentHLC, text: entry.text, db: db)
        }
        try db.execute(sql: "DELETE FROM search_stale")
        return stale.count
    }

    /// Marks stale the entities of changes another program stored on the same replica since the index last
    /// looked, and drops the entries of clients it removed. This program's own writes mark what they change
    /// as they go; another program's commit is told by SQLite's `data_version`, so a search after none costs
    /// one pragma. Runs on the writer connection, outside a transaction or inside one.
    static func noteChangesSinceIndexed(db: Database) throws {
        let version = try Int64.fetchOne(db, sql: "PRAGMA main.data_version") ?? 0
        guard let state = try Row.fetchOne(db, sql: "SELECT indexed_up_to, change_count, data_version FROM search_state"),
            state["data_version"] as Int64 != version
        else { return }
        let (indexed, counted): (Int64, Int64) = (state["indexed_up_to"], state["change_count"])
        let now = try Row.fetchOne(db, sql: "SELECT coalesce(max(local_seq), 0) AS newest, count(*) AS count FROM changes")
        let (newest, count): (Int64, Int64) = (now?["newest"] ?? 0, now?["count"] ?? 0)
        if newest != indexed || count != counted {
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO search_stale (entity_id, client_id)
                    SELECT DISTINCT entity_id, client_id FROM changes WHERE local_seq > ?;
                    DELETE FROM search_index WHERE rowid IN
                        (SELECT rowid FROM search_entries WHERE client_id NOT IN (SELECT id FROM clients));
                    DELETE FROM search_entries WHERE client_id NOT IN (SELECT id FROM clients);
                    """,
                arguments: [indexed])
        }
        try db.execute(
            sql: "UPDATE search_state SET indexed_up_to = ?, change_count = ?, data_version = ?",
            arguments: [newest, count, version])
    }

    /// Sets the words of an entity; `nil` or empty removes it from the index.
    ///
    /// An entity's row id orders it by when it was last written (``rowid(for:db:)``), so the newest hits are
    /// read first and a search stops after the limit instead of sorting every match: a row moves when the
    /// entity's current revision changes.
    private static func update(entityId: String, clientId: String, currentHLC: HLCTimestamp, text: String?, db: Database) throws {
        let existing = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT rowid, current_hlc FROM search_entries WHERE entity_id = ?"), arguments: [entityId])
        guard let text, !text.isEmpty else {
            if existing != nil { try remove(entityId: entityId, db: db) }
            return
        }
        if let existing, existing["current_hlc"] == currentHLC.description {
            let rowid: Int64 = existing["rowid"]
            if try String.fetchOne(
                db.cachedStatement(sql: "SELECT text FROM search_index WHERE rowid = ?"), arguments: [rowid]) != text
            {
                try db.cachedStatement(sql: "UPDATE search_index SET text = ? WHERE rowid = ?").execute(arguments: [text, rowid])
            }
            return
        }
        if existing != nil { try remove(entityId: entityId, db: db) }
        let rowid = try self.rowid(for: currentHLC, db: db)
        try db.cachedStatement(
            sql: "INSERT INTO search_entries (rowid, entity_id, client_id, current_hlc) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [rowid, entityId, clientId, currentHLC.description])
        try db.cachedStatement(sql: "INSERT INTO search_index (rowid, text, client) VALUES (?, ?, ?)")
            .execute(arguments: [rowid, text, clientToken(clientId)])
    }

    /// A free row id in the order of `hlc`: its wall-clock milliseconds × 1,000,000 plus ten times its
    /// logical counter, or the next free one after that (two entities last written in the same millisecond
    /// with the same counter, on two laptops). Milliseconds up to the year 2261 fit in the 63 bits.
    static func rowid(for hlc: HLCTimestamp, db: Database) throws -> Int64 {
        var rowid = min(max(hlc.wallMillis, 0), Int64.max / 1_000_000 - 1) * 1_000_000 + Int64(hlc.logical) * 10
        let taken = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM search_entries WHERE rowid = ?)")
        while try Bool.fetchOne(taken, arguments: [rowid]) == true { rowid += 1 }
        return rowid
    }

    /// Removes an entity from the index.
    static func remove(entityId: String, db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM search_stale WHERE entity_id = ?").execute(arguments: [entityId])
        guard
            let rowid = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT rowid FROM search_entries WHERE entity_id = ?"), arguments: [entityId])
        else { return }
        try db.cachedStatement(sql: "DELETE FROM search_index WHERE rowid = ?").execute(arguments: [rowid])
        try db.cachedStatement(sql: "DELETE FROM search_entries WHERE rowid = ?").execute(arguments: [rowid])
    }

    /// Removes every entity of a client from the index.
    static func removeClient(_ clientId: String, db: Database) throws {
        try db.execute(
            sql: """
                DELETE FROM search_index WHERE rowid IN (SELECT rowid FROM search_entries WHERE client_id = ?);
                DELETE FROM search_entries WHERE client_id = ?;
                DELETE FROM search_stale WHERE client_id = ?;
                """,
            arguments: [clientId, clientId, clientId])
    }

    /// Empties the index (before every projection is computed again, and when the replica locks).
    static func removeAll(db: Database) throws {
        try db.execute(sql: "DELETE FROM search_index; DELETE FROM search_entries; DELETE FROM search_stale;")
    }

    /// Marks every entity the replica holds to be indexed (a replica just opened or unlocked).
    static func reindexAll(db: Database) throws {
        try removeAll(db: db)
        try db.execute(sql: "INSERT INTO search_stale (entity_id, client_id) SELECT id, client_id FROM entities")
        try db.execute(
            sql: """
                UPDATE search_state SET indexed_up_to = coalesce((SELECT max(local_seq) FROM changes), 0),
                    change_count = (SELECT count(*) FROM changes)
                """)
    }

    // MARK: - Searching

    /// The FTS5 query for what a professional typed: every word must occur, each matched by its start.
    /// Words are quoted, so nothing typed is read as FTS5 syntax (`AND`, `-`, `"`, `*`, `:`). `nil` when
    /// nothing searchable was typed.
    static func expression(for typed: String) -> String? {
        let words = typed.split(whereSeparator: { $0.isWhitespace })
            .map { $0.filter { $0 != "\"" } }
            .filter { word in word.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil } }
        guard !words.isEmpty else { return nil }
        return words.map { "\"\($0)\"*" }.joined(separator: " ")
    }

    /// Marks the start and end of a matched word in a snippet; control characters no note text keeps.
    static let matchStart = "\u{2}"
    static let matchEnd = "\u{3}"

    /// The client's id as one token of the index's `client` column: `c` and its letters and digits.
    static func clientToken(_ clientId: String) -> String {
        "c" + String(clientId.unicodeScalars.filter { ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) }).lowercased()
    }

    /// The hits for an FTS5 expression of words (``expression(for:)``), newest first (row id order, see
    /// ``update(entityId:clientId:currentHLC:text:db:)``), with how many there are in all. One client's file
    /// is searched by matching its token in the `client` column too, so FTS5 intersects the two lists
    /// instead of SQLite testing every match against the client. Snippets are made for the hits shown only.
    static func search(expression: String, clientId: String?, limit: Int, db: Database) throws -> SearchResults {
        let match = (clientId.map { "client : \"\(clientToken($0))\" AND " } ?? "") + "text : (\(expression))"
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM search_index WHERE search_index MATCH ?", arguments: [match]) ?? 0
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT e.entity_id, e.client_id, e.current_hlc, n.entity_type, n.author_id, n.author_discipline,
                       n.current_change_id, \(ReplicaVault.opened("c.name", client: "c.id")) AS client_name,
                       samenspel_open_device(p.name) AS author_name,
                       snippet(search_index, 0, '\(matchStart)', '\(matchEnd)', '…', 16) AS snippet
                FROM search_index
                JOIN search_entries e ON e.rowid = search_index.rowid
                JOIN entities n ON n.id = e.entity_id
                LEFT JOIN clients c ON c.id = e.client_id
                LEFT JOIN professionals p ON p.id = n.author_id
                WHERE search_index MATCH ?
                ORDER BY search_index.rowid DESC
                LIMIT ?
                """,
            arguments: [match, limit])
        let hits = rows.map { row in
            SearchHit(
                clientId: row["client_id"], clientName: row["client_name"], entityId: row["entity_id"],
                entityType: row["entity_type"], currentChangeId: row["current_change_id"],
                at: HLCTimestamp(row["current_hlc"] as String) ?? .zero,
                authorId: row["author_id"], authorName: row["author_name"],
                authorDiscipline: (row["author_discipline"] as String?).flatMap(Discipline.init(rawValue:)),
                snippet: fragments(of: row["snippet"]))
        }
        return SearchResults(hits: hits, total: total)
    }

    /// A snippet with match markers as fragments.
    static func fragments(of snippet: String) -> [SearchHit.Fragment] {
        var fragments: [SearchHit.Fragment] = []
        var rest = Substring(snippet)
        while !rest.isEmpty {
            guard let start = rest.range(of: matchStart) else {
                fragments.append(.init(text: String(rest), matched: false))
                break
            }
            if start.lowerBound > rest.startIndex {
                fragments.append(.init(text: String(rest[..<start.lowerBound]), matched: false))
            }
            rest = rest[start.upperBound...]
            let end = rest.range(of: matchEnd)
            fragments.append(.init(text: String(rest[..<(end?.lowerBound ?? rest.endIndex)]), matched: true))
            rest = end.map { rest[$0.upperBound...] } ?? ""
        }
        return fragments
    }
}
