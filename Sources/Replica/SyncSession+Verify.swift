import Casework
import ChangeLog
import GRDB
import SQLiteSupport
import SyncProtocol

/// Verification and repair (Protocol/README.md §8): compares the replica with the server's digests and
/// repairs what differs.
extension SyncSession {
    /// Compares every client's digest with the server's and repairs the clients that differ. Returns whether
    /// writes of this device were queued again because the server no longer had them.
    func verifyAndRepair(_ report: inout SyncReport) async throws -> Bool {
        // Written meanwhile: verify on a later sync. (Writes waiting for the server to learn what they build
        // on are not on the server by definition; they are left out of the comparison below.)
        guard try await !hasUnsentWrites() else { return false }
        let digest = try await transport.digest(token: token)
        let received = replica.wallMillis()
        let deviceId = self.deviceId
        let (cursor, local, restored) = try await pool.write { db in
            try Replica.absorb([], serverTime: digest.serverTime, now: received, db: db)
            if try Replica.noteEpoch(digest.epoch, deviceId: deviceId, db: db) {
                return (String?.none, [String: ChangeSetDigest](), true)
            }
            let cursor = try String.fetchOne(db, sql: "SELECT cursor FROM sync_state")
            var local: [String: ChangeSetDigest] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, change_count, digest FROM clients") {
                let value: Int64 = row["digest"]
                local[row["id"]] = ChangeSetDigest(count: row["change_count"], value: UInt64(bitPattern: value))
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT changes.id, changes.client_id FROM outbox JOIN changes ON changes.id = outbox.change_id
                    WHERE outbox.waiting_code IS NOT NULL
                    """)
            {
                local[row["client_id"]]?.remove(row["id"])
                if local[row["client_id"]]?.count == 0 { local[row["client_id"]] = nil }
            }
            return (cursor, local, false)
        }
        if restored {
            // The server was restored: everything this device wrote goes out again; the next sync pulls.
            report.serverRestored = true
            report.rebuilt = true
            return true
        }
        // The log moved on since the last page: the digests describe a later state. Verify next time.
        guard digest.cursor == cursor else { return false }
        let server = Dictionary(
            digest.clients.compactMap { entry in ChangeSetDigest(entry.digest).map { (entry.clientId, $0) } },
            uniquingKeysWith: { first, _ in first })
        var requeued = false
        let now = replica.wallMillis()
        for clientId in Set(local.keys).union(server.keys).sorted() where local[clientId] != server[clientId] {
            if server[clientId] == nil {
                try await pool.write { db in
                    try ChangeStore.purgeClient(clientId, reason: ScopeLoss.reason, now: now, db: db)
                }
                report.removedClients.append(clientId)
                try await replica.scrubFiles()
            } else {
                requeued = try await repair(clientId) || requeued
                report.repairedClients.append(clientId)
            }
        }
        try await pool.write { db in try db.execute(sql: "UPDATE sync_state SET last_verified_at = ?", arguments: [now]) }
        return requeued
    }

    /// Makes the replica hold exactly the server's changes about a client: adds what is missing, removes
    /// what the server does not have, and queues again this device's own writes that the server lost.
    private func repair(_ clientId: String) async throws -> Bool {
        var changes: [Change] = []
        var professionals: [Professional] = []
        var serverTime = HLCTimestamp.zero
        var cursor: String?
        repeat {
            let page = try await transport.clientChanges(
                clientId: clientId, after: cursor, limit: Replica.pullPageSize, token: token)
            changes += page.changes
            professionals += page.professionals
            serverTime = max(serverTime, page.serverTime)
            cursor = page.hasMore ? page.cursor : nil
        } while cursor != nil
        let now = replica.wallMillis()
        let deviceId = self.deviceId
        return try await pool.write { [changes, professionals, serverTime] db in
            try Replica.absorb(changes, serverTime: serverTime, now: now, db: db)
            try Replica.saveDirectory(professionals, db: db)
            let onServer = Set(changes.map(\.id))
            // A write listed as refused that the server holds after all is no longer refused.
            for id in onServer {
                try db.execute(sql: "DELETE FROM rejected WHERE id = ?", arguments: [id])
            }
            let extra = try Row.fetchAll(
                db, sql: "SELECT \(StoredChange.columns) FROM changes WHERE client_id = ?", arguments: [clientId]
            ).map(ChangeRow.decode).filter { !onServer.contains($0.id) }
            let lostOwn = extra.filter { $0.deviceId == deviceId }
            for change in lostOwn {
                try db.execute(sql: "INSERT OR IGNORE INTO outbox (change_id) VALUES (?)", arguments: [change.id])
            }
            try ChangeStore.remove(extra.filter { $0.deviceId != deviceId }, db: db)
            return !lostOwn.isEmpty
        }
    }
}
