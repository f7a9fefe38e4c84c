import ChangeLog
import GRDB
import SQLiteSupport
import SyncProtocol

extension Replica {
    /// Most changes per push request.
    public static let pushBatchSize = 500
    /// Most payload bytes per push request, well under the protocol's body limit.
    public static let pushBatchBytes = 4 * 1024 * 1024
    /// Changes per pull page.
    public static let pullPageSize = 500

    /// Pushes every pending write, then pulls pages until caught up.
    ///
    /// Each push response and each pull page (with the cursor after it) is applied in one transaction, so an
    /// interruption at any point loses nothing and doubles nothing: the next sync resumes. When the server
    /// cannot be reached the replica is left exactly as it was and ``ReplicaError`` `serverUnreachable` is
    /// thrown. Writes the server refuses move to the rejected list (``ReplicaStatus/rejected``) and are
    /// reported in ``SyncReport/rejected``.
    ///
    /// - Parameter transport: How to reach the server; by default HTTP to the enrolled server URL.
    @discardableResult
    public func sync(using transport: (any SyncTransport)? = nil) async throws -> SyncReport {
        let (identity, token) = try await pool.read { db in
            (try Self.identity(db), try String.fetchOne(db, sql: "SELECT token FROM enrollment") ?? "")
        }
        let transport = try transport ?? HTTPSyncTransport(baseURL: identity.serverURL)
        var report = SyncReport()
        try await pushPending(transport: transport, token: token, report: &report)
        try await pullUntilCaughtUp(transport: transport, token: token, report: &report)
        let now = wallMillis()
        try await pool.write { db in try db.execute(sql: "UPDATE sync_state SET last_sync_at = ?", arguments: [now]) }
        return report
    }

    private func pushPending(transport: any SyncTransport, token: String, report: inout SyncReport) async throws {
        while true {
            let pending = try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(ChangeRow.columns) FROM outbox JOIN changes ON changes.id = outbox.change_id
                        ORDER BY changes.local_seq LIMIT ?
                        """,
                    arguments: [Self.pushBatchSize]
                ).map(ChangeRow.decode)
            }
            guard !pending.isEmpty else { return }
            let batch = Self.prefix(of: pending, maxBytes: Self.pushBatchBytes)
            let response = try await transport.push(PushRequest(changes: batch), token: token)
            let now = wallMillis()
            let outcome = try await pool.write { db in
                try Self.applyPushResults(response, for: batch, now: now, db: db)
            }
            report.pushed += outcome.pushed
            report.duplicates += outcome.duplicates
            report.rejected += outcome.rejected
            guard outcome.pushed + outcome.duplicates + outcome.rejected.count > 0 else {
                throw ReplicaError(
                    code: ReplicaError.badResponse, message: "the server answered the push without any result")
            }
        }
    }

    /// The longest prefix whose estimated encoded size stays under `maxBytes` (at least one change).
    static func prefix(of changes: [Change], maxBytes: Int) -> [Change] {
        var total = 0
        var count = 0
        for change in changes {
            total += change.payload.canonicalText.utf8.count + 512
            if count > 0 && total > maxBytes { break }
            count += 1
        }
        return Array(changes.prefix(count))
    }

    private static func applyPushResults(_ response: PushResponse, for batch: [Change], now: Int64, db: Database)
        throws -> SyncReport
    {
        var outcome = SyncReport()
        let results = Dictionary(response.results.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var refused: [Change] = []
        for change in batch {
            guard let result = results[change.id] else { continue }
            switch result.status {
            case .accepted, .duplicate:
                try db.execute(sql: "DELETE FROM outbox WHERE change_id = ?", arguments: [change.id])
                if result.status == .accepted { outcome.pushed += 1 } else { outcome.duplicates += 1 }
            case .rejected:
                let error = result.error ?? ErrorDetail(code: "rejected", message: "refused without a reason")
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO rejected (\(ChangeRow.columns), code, message, rejected_at)
                        VALUES (\(ChangeRow.placeholders), ?, ?, ?)
                        """,
                    arguments: ChangeRow.arguments(change) + [error.code, error.message, now])
                refused.append(change)
                outcome.rejected.append(RejectedChange(change: change, code: error.code, message: error.message, rejectedAt: now))
            }
        }
        try ChangeStore.remove(refused, db: db)
        try withClock(db) { $0.observe(response.serverTime, wallMillis: now) }
        return outcome
    }

    private func pullUntilCaughtUp(transport: any SyncTransport, token: String, report: inout SyncReport) async throws {
        var cursor = try await pool.read { db in try String.fetchOne(db, sql: "SELECT cursor FROM sync_state") }
        while true {
            let page = try await transport.pull(after: cursor, limit: Self.pullPageSize, token: token)
            let now = wallMillis()
            let expected = cursor
            let inserted = try await pool.write { db -> Int in
                // Another sync of this replica may have applied the page already; the cursor only moves forward.
                guard try String.fetchOne(db, sql: "SELECT cursor FROM sync_state") == expected else { return 0 }
                let inserted = try ChangeStore.insert(page.changes, recordedAt: now, db: db)
                try Self.saveDirectory(page.professionals, db: db)
                let newest = ([page.serverTime] + page.changes.map(\.hlc)).max()!
                try Self.withClock(db) { $0.observe(newest, wallMillis: now) }
                try db.execute(sql: "UPDATE sync_state SET cursor = ?", arguments: [page.cursor])
                return inserted.count
            }
            report.pulled += inserted
            report.pages += 1
            cursor = page.cursor
            guard page.hasMore else { return }
        }
    }
}
