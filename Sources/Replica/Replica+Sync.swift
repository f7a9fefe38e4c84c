import Casework
import ChangeLog
import GRDB
import SQLiteSupport
import SyncProtocol

extension Replica {
    /// Most changes per push request: the protocol's maximum (a server with a lower limit makes the replica
    /// halve it). Fewer, larger requests mean fewer round trips and commits.
    public static let pushBatchSize = 1000
    /// Most payload bytes per push request, well under the protocol's body limit.
    public static let pushBatchBytes = 4 * 1024 * 1024
    /// Changes per pull page: the protocol's maximum (a server clamps it to its own).
    public static let pullPageSize = 1000

    /// Pushes every pending write, pulls pages until caught up, then verifies the replica against the
    /// server's digests and repairs what differs.
    ///
    /// Each push response and each pull page (with the cursor after it) is applied in one transaction, so an
    /// interruption at any point loses nothing and doubles nothing: the next sync resumes. When the server
    /// cannot be reached the replica is left exactly as it was and ``ReplicaError`` `serverUnreachable` is
    /// thrown. Writes the server refuses move to the rejected list (``ReplicaStatus/rejected``); writes it
    /// refuses because this laptop's clock runs ahead are re-stamped from the server's clock and sent again.
    ///
    /// - Parameters:
    ///   - transport: How to reach the server; by default HTTP to the enrolled server URL.
    ///   - progress: Called after every push batch and pull page, for a progress display.
    @discardableResult
    public func sync(
        using transport: (any SyncTransport)? = nil, progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) async throws -> SyncReport {
        let server = try await endpoint(transport)
        let session = SyncSession(
            replica: self, transport: server.transport, token: server.token, deviceId: server.identity.deviceId,
            progress: progress)
        var report = SyncReport()
        progress(SyncProgress(phase: .pushing, report: report))
        // Owed by an earlier sync that could not finish it; still owed (and tried after the next removal)
        // if another program keeps the file busy now.
        try? await scrubFilesIfOwed()
        do {
            try await session.pushPending(&report)
            try await session.pullUntilCaughtUp(&report)
            if try await session.hasUnsentWrites() {
                // Queued again because the pull found the server restored, or written meanwhile.
                try await session.pushPending(&report)
            }
            progress(SyncProgress(phase: .verifying, report: report))
            if try await session.verifyAndRepair(&report) {
                // The server had lost writes of this device: they are queued again.
                try await session.pushPending(&report)
            }
        } catch let error as ReplicaError where error.code == ErrorCode.deviceRevoked {
            // A lost or stolen laptop: the administrator revoked it, and its copy of the caseload goes.
            throw try wipe(reason: "the server revoked this device")
        }
        let now = wallMillis()
        report.waiting = try await pool.write { db in
            try db.execute(sql: "UPDATE sync_state SET last_sync_at = ?", arguments: [now])
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE waiting_code IS NOT NULL") ?? 0
        }
        return report
    }

    /// Follows the server's event stream (`GET /v1/events`): calls `poke` whenever a colleague's change in
    /// this replica's scope was committed (and once when the stream opens). Returns when the server ends the
    /// stream; throws ``ReplicaError`` when it cannot be opened or breaks (`serverUnreachable`), or when the
    /// server refuses the device. ``BackgroundSync`` keeps it open while online.
    public func followEvents(
        using transport: (any SyncTransport)? = nil, poke: @escaping @Sendable () async -> Void
    ) async throws {
        let server = try await endpoint(transport)
        try await server.transport.events(token: server.token, poke: poke)
    }

    /// `transport`, or HTTP to the enrolled server (trusting its CA file), with this device's token.
    private func endpoint(_ transport: (any SyncTransport)?) async throws
        -> (transport: any SyncTransport, token: String, identity: ReplicaIdentity)
    {
        let (identity, token, caPEM) = try await pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT samenspel_open_device(token) AS token, ca_pem FROM enrollment")
            return (try Self.identity(db), row?["token"] as String? ?? "", row?["ca_pem"] as String?)
        }
        return (try transport ?? HTTPSyncTransport(baseURL: identity.serverURL, trusting: caPEM), token, identity)
    }

    /// Stores changes from the server (those not yet present, with their projections) and moves the
    /// replica's clock past the newest of them and `seenUpTo`; returns the changes that were new.
    static func absorb(_ changes: [Change], seenUpTo: HLCTimestamp?, now: Int64, db: Database) throws -> [Change] {
        let inserted = try ChangeStore.insert(changes, recordedAt: now, db: db)
        let corrected = now + (try ClockState.offset(db))
        // A timestamp further ahead than the allowed drift (written on a host whose clock ran fast) is kept,
        // sorted where it says and shown, but the clock does not follow it: this laptop's writes would be
        // refused as `clockAhead` until real time caught up.
        let followed = (changes.map(\.hlc) + [seenUpTo].compactMap { $0 }).filter {
            !HybridLogicalClock.isTooFarAhead($0, wallMillis: corrected, maxDriftMillis: ProtocolLimits.maxClockDriftMillis)
        }
        if let newest = followed.max() {
            try withClock(db) { $0.observe(newest, wallMillis: corrected) }
        }
        return inserted
    }

    /// What every server response teaches the replica (push, pull page, digest, repair page): its changes
    /// are stored, the difference between the two wall clocks is learnt, and the hybrid logical clock moves
    /// past the changes and the server's clock, so the next local write sorts after everything this
    /// response showed. Returns the changes that were new.
    @discardableResult
    static func absorb(_ changes: [Change], serverTime: HLCTimestamp, now: Int64, db: Database) throws -> [Change] {
        try ClockState.learn(serverTime: serverTime, localWall: now, db: db)
        return try absorb(changes, seenUpTo: serverTime, now: now, db: db)
    }

    /// The longest prefix whose estimated encoded size stays under `maxBytes` (at least one change).
    static func prefix(of changes: [Change], maxBytes: Int) -> [Change] {
        var total = 0
        var count = 0
        for change in changes {
            total += change.canonicalPayload.utf8.count + 512
            if count > 0 && total > maxBytes { break }
            count += 1
        }
        return Array(changes.prefix(count))
    }
}

/// One sync of one replica: the push, pull and verify steps and their transactions.
struct SyncSession {
    let replica: Replica
    let transport: any SyncTransport
    let token: String
    let deviceId: String
    var progress: @Sendable (SyncProgress) -> Void = { _ in }

    var pool: DatabasePool { replica.pool }

    // MARK: Push

    /// Whether writes wait to be sent that the server has not answered with `unknownEntity` or
    /// `unknownRevision` in this replica's last attempt.
    func hasUnsentWrites() async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM outbox WHERE waiting_code IS NULL)") ?? false
        }
    }

    func pushPending(_ report: inout SyncReport) async throws {
        // Times each write was re-stamped in this sync, and writes the server could not place yet (sent
        // again at the next sync, or at once when the server turns out to have been restored).
        var restamped: [String: Int] = [:]
        var deferred: Set<String> = []
        // A server may serve lower limits than the protocol's; a batch it refuses as too large is halved.
        var batchLimit = Replica.pushBatchSize
        // The outbox's order (local_seq) is read once per round, not sorted again for every batch: a week
        // offline can leave 100,000 writes to send. Writes the server asks to re-stamp come in the next round.
        var queue: ArraySlice<Int64> = []
        // The rows of the batch after the one being pushed, read ahead.
        var next: (wanted: [Int64], rows: Task<[PendingRow], any Error>)?
        defer { next?.rows.cancel() }
        while true {
            if queue.isEmpty {
                queue = ArraySlice(try await pool.read { [deferred] db in
                    try Row.fetchAll(
                        db,
                        sql: """
                            SELECT changes.local_seq, changes.id FROM outbox CROSS JOIN changes ON changes.id = outbox.change_id
                            ORDER BY changes.local_seq
                            """
                    ).filter { !deferred.contains($0["id"]) }.map { $0["local_seq"] as Int64 }
                })
                guard !queue.isEmpty else { return }
            }
            let wanted = Array(queue.prefix(batchLimit))
            let rows: [PendingRow]
            if let prefetched = next, prefetched.wanted == wanted {
                rows = try await prefetched.rows.value
            } else {
                next?.rows.cancel()
                rows = try await Self.pendingRows(wanted, pool: pool)
            }
            next = nil
            let pending = rows.map(\.change)
            guard !pending.isEmpty else {
                // Acknowledged meanwhile (another sync of this replica): go on with the rest.
                queue = queue.dropFirst(wanted.count)
                continue
            }
            let batch = Replica.prefix(of: pending, maxBytes: Replica.pushBatchBytes)
            // The next batch is read (and its payloads opened) while the server stores this one, so the laptop
            // and the server work at once. Used only if the queue goes on as planned.
            let following = Array(queue.drop { $0 <= rows[batch.count - 1].seq }.prefix(batchLimit))
            if !following.isEmpty {
                next = (following, Task { [pool] in try await Self.pendingRows(following, pool: pool) })
            }
            let response: PushResponse
            do {
                response = try await transport.push(PushRequest(changes: batch), token: token)
            } catch let error as ReplicaError
                where [ErrorCode.batchTooLarge, ErrorCode.payloadTooLarge].contains(error.code) && batch.count > 1
            {
                batchLimit = batch.count / 2
                continue
            }
            let now = replica.wallMillis()
            let outcome = try await pool.write { [restamped, deviceId] db in
                try Self.applyPushResults(response, for: batch, restamped: restamped, deviceId: deviceId, now: now, db: db)
            }
            report.pushed += outcome.pushed
            report.duplicates += outcome.duplicates
            report.rejected += outcome.rejected
            report.restamped += outcome.restamped.count
            for id in outcome.restamped { restamped[id, default: 0] += 1 }
            deferred.formUnion(outcome.waiting)
            if outcome.serverRestored {
                // Everything this device wrote is queued again, in its order, and what waited may now fit.
                report.serverRestored = true
                report.rebuilt = true
                deferred = []
            }
            progress(SyncProgress(phase: .pushing, report: report))
            // Re-stamped writes stay in the outbox and go first again, in their order: read it anew.
            let lastSent = rows[batch.count - 1].seq
            if outcome.restamped.isEmpty && !outcome.serverRestored {
                queue = queue.drop { $0 <= lastSent }
            } else {
                queue = []
                next?.rows.cancel()
                next = nil
            }
            guard outcome.pushed + outcome.duplicates + outcome.rejected.count + outcome.restamped.count
                + outcome.waiting.count > 0
            else {
                throw ReplicaError(
                    code: ReplicaError.badResponse, message: "the server answered the push without any result")
            }
        }
    }

    /// A write of the outbox: its place in the replica's order, and the change.
    typealias PendingRow = (seq: Int64, change: Change)

    /// The outbox's writes at these places, in order (those acknowledged meanwhile left out). A sealed payload
    /// is kept as the canonical text it was stored as (the vault authenticated it): it is sent as it is.
    static func pendingRows(_ wanted: [Int64], pool: DatabasePool) async throws -> [PendingRow] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT changes.local_seq, \(StoredChange.columns), typeof(changes.payload) = 'blob'
                    FROM changes CROSS JOIN outbox ON outbox.change_id = changes.id
                    WHERE changes.local_seq IN (\(wanted.map { _ in "?" }.joined(separator: ",")))
                    ORDER BY changes.local_seq
                    """,
                arguments: StatementArguments(wanted)
            ).map { row in
                guard let payload = row[6] as String? else { throw ChangeRow.CorruptRow(column: "payload") }
                return (
                    seq: row[0] as Int64,
                    change: try ChangeRow.decode(row, storedPayload: payload, sealed: row[11], at: 1)
                )
            }
        }
    }

    private struct PushOutcome {
        var pushed = 0
        var duplicates = 0
        var rejected: [RejectedChange] = []
        var restamped: [String] = []
        var waiting: [String] = []
        var serverRestored = false
    }

    /// Codes a server gives a write it cannot place *yet*: it lacks the entity or revision the write builds
    /// on. The write stays pending, and is sent again (after the server was restored from a backup, its
    /// author's laptop sends the base back).
    static let waitingCodes: Set<ErrorCode> = [ErrorCode.unknownEntity, ErrorCode.unknownRevision]

    private static func applyPushResults(
        _ response: PushResponse, for batch: [Change], restamped: [String: Int], deviceId: String, now: Int64,
        db: Database
    ) throws -> PushOutcome {
        var outcome = PushOutcome()
        let results = Dictionary(response.results.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var refused: [(Change, ErrorDetail)] = []
        // Writes refused as stamped too far ahead: re-stamped after what this replica has seen the first
        // time, from the server's clock alone the second (a server allowing less drift than the protocol's).
        var ahead: [Change] = []
        var superseded: [Change] = []
        for change in batch {
            guard let result = results[change.id] else { continue }
            switch result.status {
            case .accepted, .duplicate:
                try db.cachedStatement(sql: "DELETE FROM outbox WHERE change_id = ?").execute(arguments: [change.id])
                if result.status == .accepted { outcome.pushed += 1 } else { outcome.duplicates += 1 }
            case .rejected:
                let error = result.error ?? ErrorDetail(code: ReplicaError.refusedWithoutReason, message: "refused without a reason")
                if error.code == ErrorCode.clockAhead && restamped[change.id, default: 0] < 2 {
                    ahead.append(change)
                } else if waitingCodes.contains(error.code) {
                    try db.execute(
                        sql: "UPDATE outbox SET waiting_code = ?, waiting_message = samenspel_seal_device(?) WHERE change_id = ?",
                        arguments: [error.code.rawValue, error.message, change.id])
                    outcome.waiting.append(change.id)
                } else if error.code == ErrorCode.idReused {
                    // The server holds another version of this very write: an earlier copy, sent before it was
                    // re-stamped, arrived late and was stored. The server's version wins; verification
                    // fetches it.
                    superseded.append(change)
                } else {
                    refused.append((change, error))
                }
            }
        }
        for (change, error) in refused {
            try ChangeStore.reject(change, code: error.code, message: error.message, now: now, db: db)
            outcome.rejected.append(
                RejectedChange(change: change, code: error.code, message: error.message, rejectedAt: now))
        }
        try ChangeStore.remove(refused.map(\.0) + superseded, db: db)
        outcome.duplicates += superseded.count
        try Replica.absorb([], serverTime: response.serverTime, now: now, db: db)
        if let earliest = ahead.map(\.hlc).min() {
            let again = ahead.contains { restamped[$0.id] != nil }
            outcome.restamped = try ClockState.restampOutbox(
                from: earliest, serverTime: response.serverTime, afterSeen: !again, db: db)
        }
        outcome.serverRestored = try Replica.noteEpoch(response.epoch, deviceId: deviceId, db: db)
        return outcome
    }

    // MARK: Pull

    func pullUntilCaughtUp(_ report: inout SyncReport) async throws {
        var cursor = try await pool.read { db in try String.fetchOne(db, sql: "SELECT cursor FROM sync_state") }
        // The next page is fetched while this one is applied: the server and the laptop work at once.
        var prefetch: Task<PullResponse, any Error>?
        defer { prefetch?.cancel() }
        while true {
            let page: PullResponse
            do {
                if let next = prefetch {
                    prefetch = nil
                    page = try await next.value
                } else {
                    page = try await transport.pull(after: cursor, limit: Replica.pullPageSize, token: token)
                }
            } catch let error as ReplicaError where error.code == ErrorCode.cursorExpired && cursor != nil {
                try await rebuild()
                report.rebuilt = true
                cursor = nil
                continue
            }
            let now = replica.wallMillis()
            let expected = cursor
            let deviceId = self.deviceId
            let restored = try await pool.write { db in try Replica.noteEpoch(page.epoch, deviceId: deviceId, db: db) }
            if restored {
                // The server's history went back: this page continues a log that no longer exists. Send back
                // what this device wrote first — a sync pushes before it pulls, so a client that has left the
                // caseload is removed only after its writes were sent — then start over.
                prefetch?.cancel()
                prefetch = nil
                report.serverRestored = true
                report.rebuilt = true
                try await pushPending(&report)
                cursor = nil
                continue
            }
            if page.hasMore {
                let (transport, token, after) = (self.transport, self.token, page.cursor)
                prefetch = Task { try await transport.pull(after: after, limit: Replica.pullPageSize, token: token) }
            }
            let applied = try await pool.write { db -> (inserted: Int, purged: String?)? in
                // Another sync of this replica may have applied the page already; the cursor only moves forward.
                guard try String.fetchOne(db, sql: "SELECT cursor FROM sync_state") == expected else { return nil }
                try Replica.saveDirectory(page.professionals, db: db)
                let inserted = try Replica.absorb(page.changes, serverTime: page.serverTime, now: now, db: db)
                var purged: String?
                if let scope = page.scope, scope.access != .granted {
                    let erased = scope.access == .erased
                    // Reported only when the replica held the client (a rebuild replays old notices too).
                    let held = try Bool.fetchOne(
                        db,
                        sql: """
                            SELECT EXISTS (SELECT 1 FROM clients WHERE id = ?)
                                OR EXISTS (SELECT 1 FROM rejected WHERE client_id = ? AND payload <> '{}')
                            """,
                        arguments: [scope.clientId, scope.clientId]) ?? false
                    try ChangeStore.purgeClient(
                        scope.clientId, reason: erased ? ScopeLoss.erasure : ScopeLoss.reason, keepContent: !erased,
                        now: now, db: db)
                    if held { purged = scope.clientId }
                }
                try db.execute(sql: "UPDATE sync_state SET cursor = ?", arguments: [page.cursor])
                return (inserted.count, purged)
            }
            if let applied {
                report.pulled += applied.inserted
                if let purged = applied.purged {
                    report.removedClients.append(purged)
                    // At once, not at the end of the sync: a failure later in the sync must not leave the
                    // removed client's content in the write-ahead log.
                    try await replica.scrubFiles()
                }
            }
            report.pages += 1
            progress(SyncProgress(phase: .pulling, report: report))
            cursor = page.cursor
            guard page.hasMore else { return }
        }
    }

    /// Starts over from the beginning of the server's log, keeping this device's own writes (pushed or not):
    /// the server no longer serves the cursor (offline longer than it keeps history, or a restore).
    func rebuild() async throws {
        let deviceId = self.deviceId
        try await pool.write { db in try Replica.rebuild(keeping: deviceId, db: db) }
    }
}

/// Why pending writes about a client that left the caseload end in the rejected list.
enum ScopeLoss {
    static let reason = (
        code: ErrorCode.outOfScope,
        message: "you no longer have access to this client; this write was not sent"
    )
    static let erasure = (
        code: ReplicaError.clientErased,
        message: "the client's data was erased at their request (AVG art. 17); this write is not on the server, and its content was removed"
    )
}
