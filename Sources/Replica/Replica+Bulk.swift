public import ChangeLog
public import Casework
import GRDB
import SQLiteSupport

// Bulk entry points for the benchmarks (`samenspel-bench`): they run the same code as the single writes and
// the pull, but many at a time, so that a benchmark can prepare 100,000 pending writes in seconds and
// measure the cost of applying changes without HTTP. Not part of the supported API.
extension Replica {
    /// Records `events` about a client as local writes (stamped, checked, projected, queued in the outbox)
    /// in one transaction; returns the changes.
    @_spi(Benchmarks)
    public func recordBulk(clientId: String, _ events: [CaseEvent]) async throws -> [Change] {
        try await pool.write { db in
            try events.map { event in try self.record(event, clientId: clientId, entityId: nil, db: db) }
        }
    }

    /// Applies changes as a pull page does (insert what is new, refresh projections, advance the clock), in
    /// one transaction, without moving the sync cursor; returns how many were new.
    @_spi(Benchmarks)
    public func applyBulk(_ changes: [Change]) async throws -> Int {
        let now = wallMillis()
        return try await pool.write { db in try Replica.absorb(changes, seenUpTo: nil, now: now, db: db).count }
    }

    /// Stores what is written from now on unsealed (the key lookups still run): the baseline that the
    /// `encryption` benchmark holds sealing against. Never for a professional's replica.
    @_spi(Benchmarks)
    public func storeUnsealed() { vault.storeUnsealedForBenchmarks() }

    /// Every change this replica holds, in local order.
    @_spi(Benchmarks)
    public func allChanges() async throws -> [Change] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(StoredChange.columns) FROM changes ORDER BY local_seq").map(ChangeRow.decode)
        }
    }
}
