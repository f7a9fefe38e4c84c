import GRDB

/// A cheap fingerprint of what a replica holds: it changes whenever a change arrives or is written, a write
/// is pushed or refused, or a sync finishes. Pages watching a replica redraw when it changes.
public struct ReplicaRevision: Hashable, Sendable {
    /// Changes held (own and colleagues').
    public let changeCount: Int
    /// The newest local sequence number: moves on every insert, also when a removal keeps the count equal.
    public let lastSequence: Int64
    /// Writes not yet acknowledged by the server.
    public let pendingChanges: Int
    /// Writes the server refused, not yet acknowledged by the professional.
    public let rejectedChanges: Int
    /// When the last sync finished (milliseconds since 1970), if ever.
    public let lastSyncAt: Int64?
}

extension Replica {
    /// The replica's revision now.
    public func revision() async throws -> ReplicaRevision {
        try await pool.read(Self.revision)
    }

    /// The replica's revision now and after every transaction of this process that changes it, until the
    /// task iterating it is cancelled. Writes by another process on the same files are seen at that
    /// process's next write here or at the next sync.
    ///
    /// ```swift
    /// for try await revision in replica.revisions() { redraw(revision) }
    /// ```
    public func revisions() -> AsyncThrowingStream<ReplicaRevision, any Error> {
        let observation = ValueObservation.trackingConstantRegion(Self.revision).removeDuplicates()
        let values = observation.values(in: pool)
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await revision in values { continuation.yield(revision) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The ids of this client's changes written here and not yet acknowledged by the server.
    public func pendingChangeIds(clientId: String) async throws -> Set<String> {
        try await pool.read { db in
            Set(try String.fetchAll(
                db,
                sql: """
                    SELECT outbox.change_id FROM outbox JOIN changes ON changes.id = outbox.change_id
                    WHERE changes.client_id = ?
                    """,
                arguments: [clientId]))
        }
    }

    /// The number of writes not yet acknowledged by the server, per client id.
    public func pendingCountsByClient() async throws -> [String: Int] {
        try await pool.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT changes.client_id, count(*) AS n FROM outbox JOIN changes ON changes.id = outbox.change_id
                    GROUP BY changes.client_id
                    """)
            {
                counts[row["client_id"]] = row["n"]
            }
            return counts
        }
    }

    static func revision(_ db: Database) throws -> ReplicaRevision {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT (SELECT count(*) FROM changes) AS changes, (SELECT coalesce(max(local_seq), 0) FROM changes) AS seq,
                    (SELECT count(*) FROM outbox) AS pending, (SELECT count(*) FROM rejected) AS rejected,
                    (SELECT last_sync_at FROM sync_state) AS last_sync
                """)
        return ReplicaRevision(
            changeCount: row?["changes"] ?? 0, lastSequence: row?["seq"] ?? 0, pendingChanges: row?["pending"] ?? 0,
            rejectedChanges: row?["rejected"] ?? 0, lastSyncAt: row?["last_sync"])
    }
}
