import ChangeLog
import GRDB
import SQLiteSupport
import SyncProtocol

/// What the replica knows about its own clock compared with the server's, and how it repairs writes
/// stamped by a clock that ran ahead.
///
/// Every response carries the server's wall clock (`serverTime`). When the local wall clock differs from
/// it by more than ``correctionThresholdMillis`` the difference is stored, and later writes are stamped with
/// the corrected time. When the server refuses writes as `clockAhead` they have never been stored anywhere,
/// so they are given new timestamps, in the order they were written, just after everything the replica
/// has seen, and pushed again.
enum ClockState {
    /// Smaller differences (network delay, ordinary drift) are left alone.
    static let correctionThresholdMillis: Int64 = 30_000

    /// Stores the difference between the server's wall clock and the local one.
    static func learn(serverTime: HLCTimestamp, localWall: Int64, db: Database) throws {
        let offset = serverTime.wallMillis - localWall
        let stored = abs(offset) >= correctionThresholdMillis ? offset : 0
        try db.execute(sql: "UPDATE sync_state SET clock_offset = ?", arguments: [stored])
    }

    /// The correction to add to the local wall clock.
    static func offset(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT clock_offset FROM sync_state")) ?? 0
    }

    /// Re-stamps every pending write from `earliest` on (all stamped ahead of the server's clock) and
    /// returns their ids. With `afterSeen`, the replica's clock restarts just after the newest change it
    /// holds below them — unless that change lies more than the allowed drift ahead of the server's clock (a
    /// host whose clock ran fast wrote it), which cannot be followed without being refused again; without
    /// `afterSeen` (a second refusal: the server allows less drift), it restarts from the server's clock.
    static func restampOutbox(
        from earliest: HLCTimestamp, serverTime: HLCTimestamp, afterSeen: Bool = true, db: Database
    ) throws -> [String] {
        let bound = HLCTimestamp(wallMillis: serverTime.wallMillis + ProtocolLimits.maxClockDriftMillis, logical: 0)
        let below = afterSeen
            ? try String.fetchOne(
                db, sql: "SELECT max(hlc) FROM changes WHERE hlc < ? AND hlc <= ?",
                arguments: [earliest.description, bound.description])
            : nil
        var clock = HybridLogicalClock(last: max(serverTime, below.flatMap { HLCTimestamp($0) } ?? .zero))
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT \(StoredChange.columns) FROM outbox JOIN changes ON changes.id = outbox.change_id
                WHERE changes.hlc >= ? ORDER BY changes.local_seq
                """,
            arguments: [earliest.description])
        let changes = try rows.map(ChangeRow.decode)
        for change in changes {
            let stamp = clock.tick(wallMillis: serverTime.wallMillis)
            try db.execute(sql: "UPDATE changes SET hlc = ? WHERE id = ?", arguments: [stamp.description, change.id])
        }
        try db.execute(sql: "UPDATE sync_state SET hlc = ?", arguments: [clock.last.description])
        for clientId in Set(changes.map(\.clientId)) {
            try ChangeStore.recountClient(clientId, db: db)
        }
        try ChangeStore.refreshEntities(Set(changes.map(\.entityId)), db: db)
        return changes.map(\.id)
    }
}
