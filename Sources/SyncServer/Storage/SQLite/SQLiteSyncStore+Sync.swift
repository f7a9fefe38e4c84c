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
            var facts = try self.facts(for: changes, db: db)
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
                facts.refused[row["id"]] = ErrorDetail(code: ErrorCode(row["code"] as String), message: row["message"])
            }
            let plan = planner(facts)
            for change in plan.accepted {
                try self.insert(change, receivedAt: receivedAt, visibleTo: plan.restrictions[change.id], db: db)
            }
            for (id, error) in plan.refusedForGood {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO refused_changes (id, code, message, refused_at) VALUES (?, ?, ?, ?)",
                    arguments: [id, error.code.rawValue, error.message, receivedAt])
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
            let horizon = try Int64.fetchOne(db, sql: "SELECT horizon FROM server_state") ?? 0
            let end = try Self.logEnd(db)
            try PullPlanner.checkCursor(start, logEnd: end, horizon: horizon)
            let fetch = PullPlanner.fetch(after: start, for: principal, limit: limit)
            if let backfill = start.backfill {
                let inCaseload = try Self.inCaseload(backfill.clientId, of: principal, db: db)
                let rows = inCaseload ? try self.rows(fetch, of: principal, db: db) : []
                return try Self.stored(PullPlanner.backfillPage(at: start, rows: rows, limit: limit, inCaseload: inCaseload), db)
            }
            let rows = try self.rows(fetch, of: principal, db: db)
            let event = try PullPlanner.scopeRange(of: start, rows: rows, limit: limit, logEnd: end).flatMap { range in
                try Self.scopeChange(in: range, for: principal, db: db)
            }
            return try Self.stored(
                PullPlanner.logPage(
                    after: start, rows: rows, limit: limit, logEnd: end, event: event, deviceId: principal.deviceId), db)
        }
        if let told = PullPlanner.toldUpTo(page, after: start) {
            try await write { db in
                try db.execute(
                    sql: "UPDATE devices SET pulled_to = ? WHERE id = ? AND pulled_to < ?",
                    arguments: [told, principal.deviceId, told])
            }
        }
        return page
    }

    public func clientChanges(for principal: Principal, clientId: String, after position: Int64, limit: Int)
        async throws -> StoredPage
    {
        try await read { db in
            guard try Self.inCaseload(clientId, of: principal, db: db) else {
                throw StoreError(code: ErrorCode.outOfScope, message: "client \(clientId) is not in your caseload")
            }
            let rows = try self.rows(
                PullPlanner.fetchHistory(of: clientId, after: position, for: principal, limit: limit), of: principal, db: db)
            return try Self.stored(PullPlanner.historyPage(after: position, rows: rows, limit: limit), db)
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

    /// The rows a pull page needs, as the planner named them.
    private func rows(_ fetch: PullFetch, of principal: Principal, db: Database) throws -> [LogRow] {
        let rows: [Row]
        switch fetch.rows {
        case .caseload(let after):
            rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT seq, \(ChangeRow.columns) FROM changes
                        WHERE seq > ? AND client_id IN (
                            SELECT c.id FROM clients c JOIN memberships m ON m.team_id = c.team_id
                            WHERE m.professional_id = ? AND c.erased_at IS NULL)
                            AND (visible_to IS NULL OR visible_to = ?)
                        ORDER BY seq LIMIT ?
                        """),
                arguments: [after, principal.professional.id, fetch.audience, fetch.count])
        case .client(let clientId, let after):
            rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT seq, \(ChangeRow.columns) FROM changes
                        WHERE client_id = ? AND seq > ? AND (visible_to IS NULL OR visible_to = ?) ORDER BY seq LIMIT ?
                        """),
                arguments: [clientId, after, fetch.audience, fetch.count])
        }
        return try rows.map { (position: $0["seq"], change: try decode($0, db: db)) }
    }

    private static func stored(_ page: PlannedPage, _ db: Database) throws -> StoredPage {
        StoredPage(page, professionals: try professionals(ids: Set(page.changes.map(\.authorId)), db: db))
    }

    /// The planner's first caseload change in `range` among the moves and erasures that concern the
    /// principal's teams, read in chunks from the start of the range until the planner finds one (a page
    /// ends at it, so the events after it are read by the pages that follow).
    private static func scopeChange(in range: ClosedRange<Int64>, for principal: Principal, db: Database) throws
        -> (position: Int64, change: ScopeChange)?
    {
        let teams = Array(principal.teamIds)
        guard !teams.isEmpty else { return nil }
        let mine = list(teams.count)
        var from = range.lowerBound
        while from <= range.upperBound {
            // Each row also carries the end of the log when the device enrolled, for the erasure rule.
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, client_id, from_team, to_team, EXISTS (
                            SELECT 1 FROM erasure_teams e WHERE e.seq = scope_events.seq AND e.team_id IN \(mine)) AS held,
                        (SELECT enrolled_seq FROM devices WHERE id = ?) AS enrolled
                    FROM scope_events WHERE seq >= ? AND seq <= ? AND (from_team IN \(mine) OR to_team IN \(mine)
                        OR (to_team = '' AND EXISTS (
                            SELECT 1 FROM erasure_teams e WHERE e.seq = scope_events.seq AND e.team_id IN \(mine))))
                    ORDER BY seq LIMIT ?
                    """,
                arguments: StatementArguments(teams) + [principal.deviceId, from, range.upperBound]
                    + StatementArguments(teams + teams + teams) + [PullPlanner.scopeEventChunk])
            let events = rows.map {
                ScopeEvent(
                    position: $0["seq"], clientId: $0["client_id"], fromTeam: $0["from_team"], toTeam: $0["to_team"],
                    heldByPullersTeams: $0["held"])
            }
            let enrolledAt: Int64? = rows.first?["enrolled"]
            if let found = PullPlanner.firstScopeChange(in: events, teams: principal.teamIds, enrolledAt: enrolledAt) {
                return found
            }
            guard events.count == PullPlanner.scopeEventChunk, let last = events.last else { return nil }
            from = last.position + 1
        }
        return nil
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

    func facts(for changes: [Change], db: Database) throws -> PushFacts {
        var facts = PushFacts(existing: [:], entities: [:], clientTeams: [:])
        let ids = Array(Set(changes.map(\.id)))
        for row in try Row.fetchAll(
            db, sql: "SELECT \(ChangeRow.columns) FROM changes WHERE id IN \(Self.list(ids.count))",
            arguments: StatementArguments(ids))
        {
            let change = try decode(row, db: db)
            facts.existing[change.id] = change
        }
        let entityIds = Array(Set(changes.map(\.entityId)))
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT id, entity_id, entity_type, operation, client_id, author_id, author_discipline, visible_to,
                    \(CaseworkRules.addresseePayloadSQL)
                FROM changes WHERE entity_id IN \(Self.list(entityIds.count)) ORDER BY seq
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
                        entityType: row["entity_type"], operation: row["operation"],
                        payloadText: try openedPayload(row, column: "referral_payload", db: db)))
            }
        }
        let clientIds = Array(Set(changes.map(\.clientId)))
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT client_id, team_id, from_hlc, to_hlc, to_seq FROM client_teams
                WHERE client_id IN \(Self.list(clientIds.count))
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
