import GRDB

extension Replica {
    /// Finds notes, agreements, sub-goals, interventions, referrals, vacancies and assessment explanations by
    /// their words, offline, newest first. Every word typed must occur, matched by its start, regardless of
    /// case and diacritics (see ``SearchIndex``). Only what this replica holds is found: what was written or
    /// pulled since the last search is indexed first (``indexForSearch()``).
    ///
    /// - Parameters:
    ///   - text: What the professional typed.
    ///   - clientId: Search one client's file only.
    ///   - limit: At most this many hits (1…1000); ``SearchResults/total`` says how many there are.
    /// - Throws: ``ReplicaError`` `invalidQuery` when `text` has no word to search for; `unknownClient` when
    ///   `clientId` is not in this replica.
    public func search(_ text: String, clientId: String? = nil, limit: Int = 50) async throws -> SearchResults {
        guard let expression = SearchIndex.expression(for: text) else {
            throw ReplicaError(code: ReplicaError.invalidQuery, message: "type at least one word to search for")
        }
        try await indexForSearch()
        // The index is in memory on the writer connection (SearchIndex.attach).
        return try await pool.writeWithoutTransaction { db in
            if let clientId,
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM clients WHERE id = ?)", arguments: [clientId]) != true
            {
                throw ReplicaError.unknownClient(clientId)
            }
            return try SearchIndex.search(
                expression: expression, clientId: clientId, limit: min(max(limit, 1), 1000), db: db)
        }
    }

    /// Indexes for search whatever was written or pulled since the index last caught up; returns how many
    /// entities it indexed. A sync leaves this to the next search (or to the app, which calls it after each
    /// sync), so a large pull is not slowed by tokenising its words.
    @discardableResult
    public func indexForSearch() async throws -> Int {
        // On the writer connection, which holds the index; a transaction only when there is work.
        try await pool.writeWithoutTransaction { db in
            try SearchIndex.noteChangesSinceIndexed(db: db)
            guard try SearchIndex.isBehind(db: db) else { return 0 }
            var count = 0
            try db.inTransaction {
                count = try SearchIndex.catchUp(db: db)
                return .commit
            }
            return count
        }
    }
}
