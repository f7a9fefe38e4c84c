import Casework
import ChangeLog
import Foundation
import GRDB

/// The replica's offline full-text index: SQLite FTS5 over the words of each entity (``CaseEvent/searchText``),
/// kept in the same transaction as the entity's projection, so search shows exactly what the replica holds —
/// nothing of a client it no longer holds, nothing the server never sent it (another discipline's own notes).
///
/// Words are matched without regard to case and diacritics (`unicode61 remove_diacritics 2`: "Zoë" and
/// "zoe", "CRÈCHE" and "creche"), and by their start, which is as near to Dutch word stems as FTS5 comes:
/// "schuld" finds "schuldhulpverlening" and "schulden". Every word typed must occur.
///
/// Removing a client (eviction, erasure) deletes its rows; FTS5 keeps deleted terms in its index segments
/// until they are merged, so ``optimize(db:)`` merges them before the replica scrubs its files.
enum SearchIndex {
    /// Sets the words of an entity; `nil` or empty removes it from the index.
    static func update(entityId: String, clientId: String, currentHLC: HLCTimestamp, text: String?, db: Database) throws {
        let existing = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT rowid FROM search_entries WHERE entity_id = ?"), arguments: [entityId])
        guard let text, !text.isEmpty else {
            if existing != nil { try remove(entityId: entityId, db: db) }
            return
        }
        if let existing {
            let unchanged = try String.fetchOne(
                db.cachedStatement(sql: "SELECT text FROM search_index WHERE rowid = ?"), arguments: [existing]) == text
            try db.cachedStatement(sql: "UPDATE search_entries SET current_hlc = ? WHERE rowid = ?")
                .execute(arguments: [currentHLC.description, existing])
            if unchanged { return }
            try db.cachedStatement(sql: "UPDATE search_index SET text = ? WHERE rowid = ?").execute(arguments: [text, existing])
        } else {
            try db.cachedStatement(
                sql: "INSERT INTO search_entries (entity_id, client_id, current_hlc) VALUES (?, ?, ?)"
            ).execute(arguments: [entityId, clientId, currentHLC.description])
            try db.cachedStatement(sql: "INSERT INTO search_index (rowid, text) VALUES (?, ?)")
                .execute(arguments: [db.lastInsertedRowID, text])
        }
    }

    /// Removes an entity from the index.
    static func remove(entityId: String, db: Database) throws {
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
                """,
            arguments: [clientId, clientId])
    }

    /// Empties the index (before every projection is computed again).
    static func removeAll(db: Database) throws {
        try db.execute(sql: "DELETE FROM search_index; DELETE FROM search_entries;")
    }

    /// Merges the index into one segment, which drops the terms of deleted rows from the file's live pages
    /// (`secure_delete` then zeroes the freed ones).
    static func optimize(db: Database) throws {
        try db.execute(sql: "INSERT INTO search_index (search_index) VALUES ('optimize')")
    }

    /// Indexes every entity the replica holds (a replica from before the index existed).
    static func reindexAll(db: Database) throws {
        try removeAll(db: db)
        try ChangeStore.refreshEntities(Set(try String.fetchAll(db, sql: "SELECT id FROM entities")), db: db)
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

    /// The hits for an FTS5 expression, newest first, with how many there are in all.
    static func search(expression: String, clientId: String?, limit: Int, db: Database) throws -> SearchResults {
        let scope = clientId == nil ? "" : "AND e.client_id = ?"
        var arguments: StatementArguments = [expression]
        if let clientId { arguments += [clientId] }
        let total = try Int.fetchOne(
            db,
            sql: """
                SELECT count(*) FROM search_index JOIN search_entries e ON e.rowid = search_index.rowid
                WHERE search_index MATCH ? \(scope)
                """,
            arguments: arguments) ?? 0
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT e.entity_id, e.client_id, e.current_hlc, n.entity_type, n.author_id, n.author_discipline,
                       n.current_change_id, c.name AS client_name, p.name AS author_name,
                       snippet(search_index, 0, '\(matchStart)', '\(matchEnd)', '…', 16) AS snippet
                FROM search_index
                JOIN search_entries e ON e.rowid = search_index.rowid
                JOIN entities n ON n.id = e.entity_id
                LEFT JOIN clients c ON c.id = e.client_id
                LEFT JOIN professionals p ON p.id = n.author_id
                WHERE search_index MATCH ? \(scope)
                ORDER BY e.current_hlc DESC, e.entity_id
                LIMIT ?
                """,
            arguments: arguments + [limit])
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
