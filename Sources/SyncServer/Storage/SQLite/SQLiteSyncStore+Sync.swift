import Casework
public import ChangeLog
import GRDB
import SQLiteSupport
import SyncProtocol

extension SQLiteSyncStore {
    public func push(
        _ changes: [Change], from deviceId: String, receivedAt: Int64, planner: @escaping @Sendable (PushFacts) -> PushPlan,
        audit: @escaping @Sendable (PushPlan) -> AuditEntry
    ) async throws -> PushPlan {
        try await write { db in
            var facts = try Self.facts(for: changes, db: db)
            if let device = try Row.fetchOne(
                db, sql: "SELECT max_hlc, enrolled_seq, pulled_to FROM devices WHERE id = ?", arguments: [deviceId])
            {
                facts.deviceHighWater = (device["max_hlc"] as String?).flatMap { HLCTimestamp($0) }
                facts.device = DeviceFacts(enrolledSeq: device["enrolled_seq"], pulledTo: device["pulled_to"])
            }
            let ids = Array(Set(changes.map(\.id)))
            for row in try Row.fetchAll(
                db, sql: "SELECT id, code, message FROM refused_changes WHERE id IN \(Self.list(ids.count))",
                arguments: StatementArguments(ids))
            {
                facts.refused[row["id"]] = ErrorDetail(code: row["code"], message: row["message"])
            }
            let plan = planner(facts)
            for change in plan.accepted {
                try Self.insert(change, receivedAt: receivedAt, visibleTo: plan.restrictions[change.id], db: db)
            }
            for (id, error) in plan.refusedForGood {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO refused_changes (id, code, message, refused_at) VALUES (?, ?, ?, ?)",
                    arguments: [id, error.code, error.message, receivedAt])
            }
            if let newest = plan.accepted.map(\.hlc).max() {
                try db.execute(
                    sql: "UPDATE devices SET max_hlc = max(coalesce(max_hlc, ''), ?) WHERE id = ?",
                    arguments: [newest.description, deviceId])
                // The server's clock moves past what it accepted (at most the allowed drift ahead of it).
                try db.execute(
                    sql: "UPDATE server_state SET accepted_hlc = max(accepted_hlc, ?)", arguments: [newest.description])
            }
            try Self.append(audit(plan), keys: self.auditKeys, db: db)
            return plan
        }
    }

    public func pull(for principal: Principal, after start: PullPosition, limit: Int) async throws -> StoredPage {
        let page = try await read { db in
            let end = try Self.logEnd(db)
            let horizon = try Int64.fetchOne(db, sql: "SELECT horizon FROM server_state") ?? 0
            guard start.position <= end, start.position == 0 || start.position >= horizon else {
                throw StoreError(
                    code: "cursorExpired",
                    message: "this cursor is no longer served; the replica must rebuild from the start of the log")
            }
            if let backfill = start.backfill {
                return try Self.backfillPage(for: principal, at: start.position, backfill, limit: limit, db: db)
            }
            return try Self.logPage(for: principal, after: start.position, end: end, limit: limit, db: db)
        }
        if page.scopeChange != nil, page.next.position > start.position {
            // What the device has been told: it decides whether it may still write about a client it lost. A
            // page that tells of a loss ends at it, so recording the pages with notices is enough.
            try await write { db in
                try db.execute(
                    sql: "UPDATE devices SET pulled_to = ? WHERE id = ? AND pulled_to < ?",
                    arguments: [page.next.position, principal.deviceId, page.next.position])
            }
        }
        return page
    }

    public func clientChanges(for principal: Principal, clientId: String, after position: Int64, limit: Int)
        async throws -> StoredPage
    {
        try await read { db in
            guard try Self.inCaseload(clientId, of: principal, db: db) else {
                throw StoreError(code: "outOfScope", message: "client \(clientId) is not in your caseload")
            }
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT seq, \(ChangeRow.columns) FROM changes
                        WHERE client_id = ? AND seq > ? AND (visible_to IS NULL OR visible_to = ?) ORDER BY seq LIMIT ?
                        """),
                arguments: [clientId, position, principal.professional.discipline.rawValue, limit + 1])
            let page = rows.prefix(limit)
            let changes = try page.map(ChangeRow.decode)
            return StoredPage(
                changes: changes, next: PullPosition(position: page.last?["seq"] ?? position),
                hasMore: rows.count > limit,
                professionals: try Self.professionals(ids: Set(changes.map(\.authorId)), db: db))
        }
    }

    public func digests(for principal: Principal) async throws -> CaseloadDigest {
        try await read { db in
            var clients: [String: ChangeSetDigest] = [:]
            // What the professional may see: the changes for everyone plus those for their discipline.
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT d.client_id, d.change_count, d.digest FROM client_digests d
                    JOIN clients c ON c.id = d.client_id JOIN memberships m ON m.team_id = c.team_id
                    WHERE m.professional_id = ? AND c.erased_at IS NULL AND d.audience IN ('', ?)
                    """,
                arguments: [principal.professional.id, principal.professional.discipline.rawValue])
            {
                let stored: Int64 = row["digest"]
                let part = ChangeSetDigest(count: row["change_count"], value: UInt64(bitPattern: stored))
                clients[row["client_id"], default: ChangeSetDigest()].combine(with: part)
            }
            return CaseloadDigest(position: try Self.logEnd(db), clients: clients)
        }
    }

    public func advanceHorizon(receivedBefore: Int64) async throws -> Int64 {
        try await write { db in
            let candidate = try Int64.fetchOne(
                db, sql: "SELECT max(seq) FROM changes WHERE received_at < ?", arguments: [receivedBefore]) ?? 0
            try db.execute(sql: "UPDATE server_state SET horizon = max(horizon, ?)", arguments: [candidate])
            // Refusals are remembered as long as the log is served to devices that could replay them.
            try db.execute(sql: "DELETE FROM refused_changes WHERE refused_at < ?", arguments: [receivedBefore])
            return try Int64.fetchOne(db, sql: "SELECT horizon FROM server_state") ?? 0
        }
    }

    // MARK: - Pull pages

    /// The highest log position ever assigned (positions are never reused).
    static func logEnd(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'changes'") ?? 0
    }

    /// The next page of the log itself, ending early at the first caseload change.
    private static func logPage(for principal: Principal, after position: Int64, end: Int64, limit: Int, db: Database)
        throws -> StoredPage
    {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT seq, \(ChangeRow.columns) FROM changes
                    WHERE seq > ? AND client_id IN (
                        SELECT c.id FROM clients c JOIN memberships m ON m.team_id = c.team_id
                        WHERE m.professional_id = ? AND c.erased_at IS NULL)
                        AND (visible_to IS NULL OR visible_to = ?)
                    ORDER BY seq LIMIT ?
                    """),
            arguments: [position, principal.professional.id, principal.professional.discipline.rawValue, limit + 1])
        let full = rows.count > limit
        // The part of the log this page covers: up to its last row when full, else to the end of the log.
        let covered: Int64 = full ? rows[limit - 1]["seq"] : end
        let event = try scopeEvent(for: principal, after: position, upTo: covered, db: db)
        if let event {
            // The page ends before the event; a granted client's whole history, the move included, follows.
            let upToEvent = rows.prefix { ($0["seq"] as Int64) < event.seq }
            let next = event.change.granted
                ? PullPosition(position: event.seq, backfill: Backfill(clientId: event.change.clientId, after: 0))
                : PullPosition(position: event.seq)
            return try page(upToEvent, next: next, hasMore: true, scope: event.change, principal: principal, db: db)
        }
        return try page(
            rows.prefix(limit), next: PullPosition(position: covered), hasMore: full, scope: nil, principal: principal,
            db: db)
    }

    /// The next page of the history of a client that entered the caseload at `position`.
    private static func backfillPage(
        for principal: Principal, at position: Int64, _ backfill: Backfill, limit: Int, db: Database
    ) throws -> StoredPage {
        // A client that left the caseload again meanwhile is not backfilled; its departure follows in the log.
        guard try inCaseload(backfill.clientId, of: principal, db: db) else {
            return StoredPage(changes: [], next: PullPosition(position: position), hasMore: true, professionals: [])
        }
        // The whole history, also past `position`: this device's own writes there are not in the log it pulls
        // (they are left out as already on the device), but its copy of the client was just removed if the
        // client left and came back. Later changes arrive twice; the replica keeps one.
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT seq, \(ChangeRow.columns) FROM changes
                    WHERE client_id = ? AND seq > ? AND (visible_to IS NULL OR visible_to = ?) ORDER BY seq LIMIT ?
                    """),
            arguments: [backfill.clientId, backfill.after, principal.professional.discipline.rawValue, limit + 1])
        let page = rows.prefix(limit)
        let next = rows.count > limit
            ? PullPosition(position: position, backfill: Backfill(clientId: backfill.clientId, after: page.last!["seq"]))
            : PullPosition(position: position)
        let changes = try page.map(ChangeRow.decode)
        return StoredPage(
            changes: changes, next: next, hasMore: true,
            professionals: try professionals(ids: Set(changes.map(\.authorId)), db: db))
    }

    private static func page(
        _ rows: some Collection<Row>, next: PullPosition, hasMore: Bool, scope: ScopeChange?, principal: Principal,
        db: Database
    ) throws -> StoredPage {
        let changes = try rows.map(ChangeRow.decode).filter { $0.deviceId != principal.deviceId }
        return StoredPage(
            changes: changes, next: next, hasMore: hasMore,
            professionals: try professionals(ids: Set(changes.map(\.authorId)), db: db), scopeChange: scope)
    }

    /// The first move of a client into or out of the principal's teams in `(after, upTo]`, or the first
    /// erasure of a client one of those teams ever held (for a device enrolled before it): a former holder
    /// may still keep refused writes about the client, whose text the erasure must reach too.
    private static func scopeEvent(for principal: Principal, after: Int64, upTo: Int64, db: Database) throws
        -> (seq: Int64, change: ScopeChange)?
    {
        let teams = Array(principal.teamIds)
        let mine = list(teams.count)
        guard !teams.isEmpty,
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT seq, client_id, to_team IN \(mine) AS is_mine, to_team = '' AS erased
                    FROM scope_events WHERE seq > ? AND seq <= ? AND (
                        (from_team IN \(mine)) <> (to_team IN \(mine))
                        OR (to_team = '' AND seq > (SELECT enrolled_seq FROM devices WHERE id = ?)
                            AND EXISTS (SELECT 1 FROM erasure_teams e WHERE e.seq = scope_events.seq AND e.team_id IN \(mine))))
                    ORDER BY seq LIMIT 1
                    """,
                arguments: StatementArguments(teams) + [after, upTo] + StatementArguments(teams + teams)
                    + [principal.deviceId] + StatementArguments(teams))
        else { return nil }
        return (row["seq"], ScopeChange(clientId: row["client_id"], granted: row["is_mine"], erased: row["erased"]))
    }

    static func inCaseload(_ clientId: String, of principal: Principal, db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM clients c JOIN memberships m ON m.team_id = c.team_id
                    WHERE c.id = ? AND m.professional_id = ? AND c.erased_at IS NULL)
                """,
            arguments: [clientId, principal.professional.id]) ?? false
    }

    // MARK: - Push facts

    static func facts(for changes: [Change], db: Database) throws -> PushFacts {
        var facts = PushFacts(existing: [:], entities: [:], clientTeams: [:])
        let ids = Array(Set(changes.map(\.id)))
        for row in try Row.fetchAll(
            db, sql: "SELECT \(ChangeRow.columns) FROM changes WHERE id IN \(Self.list(ids.count))",
            arguments: StatementArguments(ids))
        {
            let change = try ChangeRow.decode(row)
            facts.existing[change.id] = change
        }
        let entityIds = Array(Set(changes.map(\.entityId)))
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT id, entity_id, entity_type, operation, client_id, author_id, author_discipline, visible_to,
                    \(CaseworkRules.addresseePayloadSQL)
                FROM changes WHERE entity_id IN \(list(entityIds.count)) ORDER BY seq
                """,
            arguments: StatementArguments(entityIds))
        {
            let entityId: String = row["entity_id"]
            if let known = facts.entities[entityId] {
                facts.entities[entityId] = EntityFacts(
                    entityType: known.entityType, clientId: known.clientId, authorId: known.authorId,
                    authorDiscipline: known.authorDiscipline, revisionIds: known.revisionIds.union([row["id"] as String]),
                    restrictedTo: known.restrictedTo, addressedTo: known.addressedTo)
            } else {
                facts.entities[entityId] = EntityFacts(
                    entityType: row["entity_type"], clientId: row["client_id"], authorId: row["author_id"],
                    authorDiscipline: row["author_discipline"], revisionIds: [row["id"]], restrictedTo: row["visible_to"],
                    addressedTo: CaseworkRules.addressee(
                        entityType: row["entity_type"], operation: row["operation"], payloadText: row["referral_payload"]))
            }
        }
        let clientIds = Array(Set(changes.map(\.clientId)))
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT client_id, team_id, from_hlc, to_hlc, to_seq FROM client_teams
                WHERE client_id IN \(list(clientIds.count))
                """,
            arguments: StatementArguments(clientIds))
        {
            let from: String? = row["from_hlc"]
            let to: String? = row["to_hlc"]
            facts.clientTeams[row["client_id"], default: []].append(
                TeamSpan(
                    teamId: row["team_id"], from: from.flatMap { HLCTimestamp($0) }, to: to.flatMap { HLCTimestamp($0) },
                    endSeq: row["to_seq"]))
        }
        return facts
    }
}

extension SQLiteSyncStore {
    public func logActivity(after position: Int64, limit: Int) async throws -> [LogActivity] {
        try await read { db in
            try Row.fetchAll(
                db, sql: LogActivity.selectSQL + " WHERE c.seq > ? ORDER BY c.seq LIMIT ?", arguments: [position, limit]
            ).map {
                LogActivity(
                    position: $0[0], clientId: $0[1], deviceId: $0[2], teamId: $0[3], visibleTo: $0[4],
                    changesScope: $0[5] as Bool)
            }
        }
    }

    public func logEnd() async throws -> Int64 {
        try await read { db in try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM changes") ?? 0 }
    }

    /// One server process writes an SQLite database (the administration commands too, but the event stream
    /// polls for those): nothing to watch.
    public func watchOtherInstances(_ appended: @escaping @Sendable () -> Void) async {
        while (try? await Task.sleep(for: .seconds(3600))) != nil {}
    }
}
