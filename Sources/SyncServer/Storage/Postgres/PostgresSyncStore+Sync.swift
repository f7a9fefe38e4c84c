import Casework
public import ChangeLog
import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import SyncProtocol

extension PostgresSyncStore {
    /// The columns read for a change, in the order ``decodeChanges(_:)`` expects.
    static let changeColumns =
        "seq, id, client_id, entity_type, entity_id, operation, payload, hlc, author_id, author_discipline, device_id"

    public func push(
        _ changes: [Change], from deviceId: String, receivedAt: Int64, planner: @escaping @Sendable (PushFacts) -> PushPlan,
        audit: @escaping @Sendable (PushPlan) -> AuditEntry
    ) async throws -> PushPlan {
        try await transaction { connection in
            // Facts are read and the batch planned before the log lock is taken, so that concurrent pushes (on
            // any instance) wait for each other only while one checks that its facts still hold, appends and
            // commits. Its facts still hold when, since `readUpTo`, no change was appended with an id or entity
            // of the batch nor a move or erasure of one of its clients, and the device's facts and the batch's
            // refusals (read again under the lock) are the same; otherwise it reads and plans again.
            let readUpTo = try await Self.logEnd(connection, logger: self.logger)
            var facts = try await self.facts(for: changes, connection)
            (facts.deviceHighWater, facts.device) = try await self.deviceFacts(deviceId, connection)
            facts.refused = try await self.refusals(of: changes, connection)
            var plan = planner(facts)
            try await self.lockLog(connection)
            let device = try await self.deviceFacts(deviceId, connection)
            let refused = try await self.refusals(of: changes, connection)
            var changedMeanwhile = device.highWater != facts.deviceHighWater || device.facts != facts.device
                || refused != facts.refused
            if !changedMeanwhile {
                changedMeanwhile = try await self.appended(since: readUpTo, concerning: changes, connection)
            }
            if changedMeanwhile {
                facts = try await self.facts(for: changes, connection)
                (facts.deviceHighWater, facts.device, facts.refused) = (device.highWater, device.facts, refused)
                plan = planner(facts)
                self.connections.replanned()
            }
            try await self.insert(
                plan.accepted, receivedAt: receivedAt, visibleTo: { plan.restrictions[$0.id] }, connection)
            if !plan.refusedForGood.isEmpty {
                let refused = plan.refusedForGood.map { (id: $0.0, error: $0.1) }
                try await connection.query(
                    """
                    INSERT INTO refused_changes (id, code, message, refused_at)
                    SELECT id, code, message, \(receivedAt)
                    FROM unnest(\(refused.map(\.id))::text[], \(refused.map(\.error.code.rawValue))::text[],
                        \(refused.map(\.error.message))::text[]) AS refused(id, code, message)
                    ON CONFLICT (id) DO NOTHING
                    """, logger: self.logger)
            }
            if let newest = plan.accepted.map(\.hlc).max() {
                try await connection.query(
                    "UPDATE devices SET max_hlc = greatest(coalesce(max_hlc, ''), \(newest.description)) WHERE id = \(deviceId)",
                    logger: self.logger)
                // The server's clock moves past what it accepted (at most the allowed drift ahead of it).
                try await connection.query(
                    "UPDATE server_state SET accepted_hlc = greatest(accepted_hlc, \(newest.description))", logger: self.logger)
            }
            try await Self.append(audit(plan), keys: self.auditKeys, connection, logger: self.logger)
            if !plan.accepted.isEmpty {
                // Delivered at commit to every instance that listens (``watchOtherInstances(_:)``): their
                // devices are poked at once. No payload: the listeners read the log themselves.
                try await connection.query("NOTIFY \(unescaped: Self.logChannel)", logger: self.logger)
            }
            return plan
        }
    }

    /// The notification channel of appends to the log.
    static let logChannel = "samenspel_log"

    public func logActivity(after position: Int64, limit: Int) async throws -> [LogActivity] {
        try await connected { connection in
            var activity: [LogActivity] = []
            for try await (seq, clientId, deviceId, teamId, visibleTo, changesScope) in try await connection.query(
                PostgresQuery(
                    unsafeSQL: LogActivity.selectSQL + " WHERE c.seq > $1 ORDER BY c.seq LIMIT $2",
                    binds: {
                        var binds = PostgresBindings()
                        binds.append(position)
                        binds.append(Int64(limit))
                        return binds
                    }()),
                logger: self.logger
            ).decode((Int64, String, String, String?, String?, Bool).self) {
                activity.append(LogActivity(
                    position: seq, clientId: clientId, deviceId: deviceId, teamId: teamId, visibleTo: visibleTo,
                    changesScope: changesScope))
            }
            return activity
        }
    }

    public func logEnd() async throws -> Int64 {
        try await connected { connection in try await Self.logEnd(connection, logger: self.logger) }
    }

    /// Listens on one pooled connection for the notification every push sends; when the connection is lost
    /// it listens again a second later (the event stream polls meanwhile).
    public func watchOtherInstances(_ appended: @escaping @Sendable () -> Void) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.logChannel) { notifications in
                        for try await _ in notifications { appended() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.notice("listening for other instances' appends failed; trying again", metadata: ["postgres.target": "\(self.target)"])
            }
            // Anything appended while not listening is caught by the next poll.
            appended()
            guard (try? await Task.sleep(for: .seconds(1))) != nil else { return }
        }
    }

    public func pull(for principal: Principal, after start: PullPosition, limit: Int) async throws -> StoredPage {
        let page = try await readSnapshot { connection in
            let end = try await Self.logEnd(connection, logger: self.logger)
            let horizon = try await connection.query("SELECT horizon FROM server_state", logger: self.logger)
                .decode(Int64.self).first(where: { _ in true }) ?? 0
            try PullPlanner.checkCursor(start, logEnd: end, horizon: horizon)
            let fetch = PullPlanner.fetch(after: start, for: principal, limit: limit)
            if let backfill = start.backfill {
                let inCaseload = try await self.inCaseload(backfill.clientId, principal, connection)
                let rows = inCaseload ? try await self.rows(fetch, of: principal, connection) : []
                return try await self.stored(
                    PullPlanner.backfillPage(at: start, rows: rows, limit: limit, inCaseload: inCaseload), connection)
            }
            let rows = try await self.rows(fetch, of: principal, connection)
            var event: (position: Int64, change: ScopeChange)?
            if let range = PullPlanner.scopeRange(of: start, rows: rows, limit: limit, logEnd: end) {
                event = try await self.scopeChange(in: range, for: principal, connection)
            }
            return try await self.stored(
                PullPlanner.logPage(
                    after: start, rows: rows, limit: limit, logEnd: end, event: event, deviceId: principal.deviceId),
                connection)
        }
        if let told = PullPlanner.toldUpTo(page, after: start) {
            _ = try await connected { connection in
                try await connection.query(
                    "UPDATE devices SET pulled_to = \(told) WHERE id = \(principal.deviceId) AND pulled_to < \(told)",
                    logger: self.logger)
            }
        }
        return page
    }

    public func clientChanges(for principal: Principal, clientId: String, after position: Int64, limit: Int)
        async throws -> StoredPage
    {
        try await readSnapshot { connection in
            guard try await self.inCaseload(clientId, principal, connection) else {
                throw StoreError(code: ErrorCode.outOfScope, message: "client \(clientId) is not in your caseload")
            }
            let rows = try await self.rows(
                PullPlanner.fetchHistory(of: clientId, after: position, for: principal, limit: limit), of: principal,
                connection)
            return try await self.stored(PullPlanner.historyPage(after: position, rows: rows, limit: limit), connection)
        }
    }

    public func digests(for principal: Principal) async throws -> CaseloadDigest {
        try await readSnapshot { connection in
            var clients: [String: ChangeSetDigest] = [:]
            for try await (clientId, count, digest) in try await connection.query(
                """
                SELECT d.client_id, d.change_count, d.digest FROM client_digests d
                JOIN clients c ON c.id = d.client_id JOIN memberships m ON m.team_id = c.team_id
                WHERE m.professional_id = \(principal.professional.id) AND c.erased_at IS NULL
                    AND d.audience IN ('', \(principal.professional.discipline.rawValue))
                """, logger: self.logger
            ).decode((String, Int64, Int64).self) {
                clients[clientId, default: ChangeSetDigest()].combine(
                    with: ChangeSetDigest(count: Int(count), value: UInt64(bitPattern: digest)))
            }
            return CaseloadDigest(position: try await Self.logEnd(connection, logger: self.logger), clients: clients)
        }
    }

    public func advanceHorizon(receivedBefore: Int64) async throws -> Int64 {
        try await transaction { connection in
            let candidate = try await connection.query(
                "SELECT coalesce(max(seq), 0) FROM changes WHERE received_at < \(receivedBefore)", logger: self.logger
            ).decode(Int64.self).first(where: { _ in true }) ?? 0
            try await connection.query(
                "UPDATE server_state SET horizon = greatest(horizon, \(candidate))", logger: self.logger)
            // Refusals are remembered as long as the log is served to devices that could replay them.
            try await connection.query(
                "DELETE FROM refused_changes WHERE refused_at < \(receivedBefore)", logger: self.logger)
            return try await connection.query("SELECT horizon FROM server_state", logger: self.logger)
                .decode(Int64.self).first(where: { _ in true }) ?? 0
        }
    }

    // MARK: - Helpers

    /// How long an operation waits for a pooled connection before it answers ``StoreError/unavailable``
    /// (PostgreSQL down or every connection busy): a load balancer and the replicas then retry, instead of
    /// requests piling up.
    static let leaseTimeout: Duration = .seconds(10)

    /// Runs `body` in a transaction; an error `body` throws comes out as itself (PostgresNIO wraps it in a
    /// `PostgresTransactionError`, which would hide a ``StoreError`` from the routes).
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await connected { connection in
            do {
                return try await connection.withTransaction(logger: self.logger) { try await body($0) }
            } catch let error as PostgresTransactionError {
                throw error.closureError ?? error.beginError ?? error.commitError ?? error
            }
        }
    }

    /// Runs `body` on a pooled connection, outside a transaction; gives up with ``StoreError/unavailable``
    /// when no connection is leased within ``leaseTimeout``.
    func connected<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await connections.measure {
            do {
                return try await withThrowingTaskGroup(of: T?.self) { group in
                    let leased = NIOLockedValueBox(false)
                    group.addTask {
                        try await self.client.withConnection { connection in
                            leased.withLockedValue { $0 = true }
                            return try await body(connection)
                        }
                    }
                    group.addTask {
                        try await Task.sleep(for: Self.leaseTimeout)
                        guard leased.withLockedValue({ $0 }) else {
                            self.logger.warning(
                                "no PostgreSQL connection within the lease timeout",
                                metadata: ["postgres.target": "\(self.target)", "postgres.timeout": "\(Self.leaseTimeout)"])
                            throw StoreError.unavailable
                        }
                        return nil
                    }
                    defer { group.cancelAll() }
                    while let result = try await group.next() {
                        if let value = result { return value }
                    }
                    throw StoreError.unavailable
                }
            } catch {
                throw Self.storeError(error)
            }
        }
    }

    /// Database trouble that a retry can fix (the server unreachable, the pool closing, a serialisation
    /// failure or deadlock) becomes ``StoreError`` `unavailable` (503 with `Retry-After`), an id stored twice
    /// ``StoreError/exists``; other errors pass.
    static func storeError(_ error: any Error) -> any Error {
        guard let error = error as? PSQLError else { return error }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown,
            .queryCancelled:
            return StoreError.unavailable
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            // 40001 serialization_failure, 40P01 deadlock_detected, 55P03 lock_not_available (`lock_timeout`),
            // 57014 query_canceled (`statement_timeout`), 57P0x admin shutdown, 08xxx connection.
            if ["40001", "40P01", "55P03", "57014"].contains(state) || state.hasPrefix("57P") || state.hasPrefix("08") {
                return StoreError.unavailable
            }
            // 23505 unique_violation: an id that exists (a team, a professional, a device created twice).
            if state == "23505" { return StoreError.exists }
            return error
        default:
            return error
        }
    }

    /// Runs `body` in a read-only transaction that sees one snapshot of the database.
    func readSnapshot<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: self.logger)
            return try await body(connection)
        }
    }

    /// The highest visible log position.
    static func logEnd(_ connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        try await connection.query("SELECT coalesce(max(seq), 0) FROM changes", logger: logger)
            .decode(Int64.self).first(where: { _ in true }) ?? 0
    }

    /// Reads changes from rows with ``changeColumns``, opening their payloads.
    func decodeChanges(_ rows: PostgresRowSequence, _ connection: PostgresConnection) async throws -> [LogRow] {
        typealias Fields = (Int64, String, String, String, String, String, String, String, String, String?, String)
        var fields: [Fields] = []
        for try await row in rows.decode(Fields.self) { fields.append(row) }
        let payloads = try await openedPayloads(fields.map { (id: $0.1, clientId: $0.2, payload: $0.6) }, connection)
        return try zip(fields, payloads).map { row, payload in
            let (seq, id, clientId, entityType, entityId, operation, _, hlc, authorId, discipline, deviceId) = row
            guard let timestamp = HLCTimestamp(hlc) else {
                throw StoreError(code: .corrupt, message: "stored change has a malformed timestamp")
            }
            // A sealed payload is kept as the canonical text it was stored as: a pull page sends it without
            // parsing it. One stored in plaintext (an erasure record, or from before encryption) is parsed.
            do {
                return (seq, try Change(
                    id: id, clientId: clientId, entityType: entityType, entityId: entityId, operation: operation,
                    storedPayload: payload, authenticated: ClientKeyring.isSealed(row.6), hlc: timestamp,
                    authorId: authorId, authorDiscipline: discipline, deviceId: deviceId))
            } catch {
                throw StoreError(code: .corrupt, message: "a stored change has an unreadable payload")
            }
        }
    }

    /// The rows a pull page needs, as the planner named them.
    private func rows(_ fetch: PullFetch, of principal: Principal, _ connection: PostgresConnection) async throws
        -> [LogRow]
    {
        switch fetch.rows {
        case .caseload(let after):
            return try await decodeChanges(try await connection.query(
                """
                SELECT \(unescaped: Self.changeColumns) FROM changes
                WHERE seq > \(after) AND client_id IN (
                    SELECT c.id FROM clients c JOIN memberships m ON m.team_id = c.team_id
                    WHERE m.professional_id = \(principal.professional.id) AND c.erased_at IS NULL)
                    AND (visible_to IS NULL OR visible_to = \(fetch.audience))
                ORDER BY seq LIMIT \(fetch.count)
                """, logger: logger), connection)
        case .client(let clientId, let after):
            return try await decodeChanges(try await connection.query(
                """
                SELECT \(unescaped: Self.changeColumns) FROM changes
                WHERE client_id = \(clientId) AND seq > \(after) AND (visible_to IS NULL OR visible_to = \(fetch.audience))
                ORDER BY seq LIMIT \(fetch.count)
                """, logger: logger), connection)
        }
    }

    private func stored(_ page: PlannedPage, _ connection: PostgresConnection) async throws -> StoredPage {
        StoredPage(page, professionals: try await professionals(ids: Array(Set(page.changes.map(\.authorId))), connection))
    }

    private func professionals(ids: [String], _ connection: PostgresConnection) async throws -> [Professional] {
        guard !ids.isEmpty else { return [] }
        var result: [Professional] = []
        for try await (id, name, discipline) in try await connection.query(
            "SELECT id, name, discipline FROM professionals WHERE id = ANY(\(ids)) ORDER BY id", logger: logger
        ).decode((String, String, String).self) {
            result.append(try Self.professional(id, name, discipline))
        }
        return result
    }

    private func inCaseload(_ clientId: String, _ principal: Principal, _ connection: PostgresConnection) async throws -> Bool {
        try await connection.query(
            """
            SELECT 1 FROM clients c JOIN memberships m ON m.team_id = c.team_id
            WHERE c.id = \(clientId) AND m.professional_id = \(principal.professional.id) AND c.erased_at IS NULL
            """, logger: logger
        ).decode(Int.self).first(where: { _ in true }) != nil
    }

    /// The planner's first caseload change in `range` among the moves and erasures that concern the
    /// principal's teams, read in chunks from the start of the range until the planner finds one (a page
    /// ends at it, so the events after it are read by the pages that follow).
    private func scopeChange(in range: ClosedRange<Int64>, for principal: Principal, _ connection: PostgresConnection)
        async throws -> (position: Int64, change: ScopeChange)?
    {
        let teams = Array(principal.teamIds)
        guard !teams.isEmpty else { return nil }
        let chunk = PullPlanner.scopeEventChunk
        var from = range.lowerBound
        while from <= range.upperBound {
            var events: [ScopeEvent] = []
            var enrolledAt: Int64?
            // Each row also carries the end of the log when the device enrolled, for the erasure rule.
            for try await (seq, clientId, fromTeam, toTeam, held, enrolled) in try await connection.query(
                """
                SELECT seq, client_id, from_team, to_team, EXISTS (
                        SELECT 1 FROM erasure_teams e WHERE e.seq = scope_events.seq AND e.team_id = ANY(\(teams))),
                    (SELECT enrolled_seq FROM devices WHERE id = \(principal.deviceId))
                FROM scope_events WHERE seq >= \(from) AND seq <= \(range.upperBound)
                    AND (from_team = ANY(\(teams)) OR to_team = ANY(\(teams)) OR (to_team = '' AND EXISTS (
                        SELECT 1 FROM erasure_teams e WHERE e.seq = scope_events.seq AND e.team_id = ANY(\(teams)))))
                ORDER BY seq LIMIT \(chunk)
                """, logger: logger
            ).decode((Int64, String, String, String, Bool, Int64?).self) {
                events.append(
                    ScopeEvent(position: seq, clientId: clientId, fromTeam: fromTeam, toTeam: toTeam, heldByPullersTeams: held))
                enrolledAt = enrolled
            }
            if let found = PullPlanner.firstScopeChange(in: events, teams: principal.teamIds, enrolledAt: enrolledAt) {
                return found
            }
            guard events.count == chunk, let last = events.last else { return nil }
            from = last.position + 1
        }
        return nil
    }

    /// The latest timestamp accepted from a device and its log positions (`nil`s for an unknown device).
    private func deviceFacts(_ deviceId: String, _ connection: PostgresConnection) async throws
        -> (highWater: HLCTimestamp?, facts: DeviceFacts?)
    {
        guard let (maxHLC, enrolledSeq, pulledTo) = try await connection.query(
            "SELECT max_hlc, enrolled_seq, pulled_to FROM devices WHERE id = \(deviceId)", logger: logger
        ).decode((String?, Int64, Int64).self).first(where: { _ in true }) else { return (nil, nil) }
        return (maxHLC.flatMap { HLCTimestamp($0) }, DeviceFacts(enrolledSeq: enrolledSeq, pulledTo: pulledTo))
    }

    /// The refusals remembered for changes of the batch, by change id.
    private func refusals(of changes: [Change], _ connection: PostgresConnection) async throws -> [String: ErrorDetail] {
        var refused: [String: ErrorDetail] = [:]
        for try await (id, code, message) in try await connection.query(
            "SELECT id, code, message FROM refused_changes WHERE id = ANY(\(Array(Set(changes.map(\.id)))))", logger: logger
        ).decode((String, String, String).self) {
            refused[id] = ErrorDetail(code: ErrorCode(code), message: message)
        }
        return refused
    }

    /// Whether a change appended after `position` has the id or entity of a change of the batch, or moves or
    /// erases one of its clients: what the push facts of ``facts(for:_:)`` depend on.
    private func appended(since position: Int64, concerning changes: [Change], _ connection: PostgresConnection)
        async throws -> Bool
    {
        try await connection.query(
            """
            SELECT EXISTS (SELECT 1 FROM changes WHERE seq > \(position) AND (id = ANY(\(Array(Set(changes.map(\.id)))))
                OR entity_id = ANY(\(Array(Set(changes.map(\.entityId)))))
                OR (entity_type = 'client' AND client_id = ANY(\(Array(Set(changes.map(\.clientId))))))))
            """, logger: logger
        ).decode(Bool.self).first(where: { _ in true }) ?? true
    }

    private func facts(for changes: [Change], _ connection: PostgresConnection) async throws -> PushFacts {
        var facts = PushFacts(existing: [:], entities: [:], clientTeams: [:])
        let ids = Array(Set(changes.map(\.id)))
        for (_, change) in try await decodeChanges(try await connection.query(
            "SELECT \(unescaped: Self.changeColumns) FROM changes WHERE id = ANY(\(ids))", logger: logger), connection)
        {
            facts.existing[change.id] = change
        }
        let entityIds = Array(Set(changes.map(\.entityId)))
        typealias EntityRow = (String, String, String, String, String, String, String?, String?, String?)
        var entityRows: [EntityRow] = []
        for try await row in try await connection.query(
            """
            SELECT id, entity_id, entity_type, operation, client_id, author_id, author_discipline, visible_to,
                \(unescaped: CaseworkRules.addresseePayloadSQL)
            FROM changes WHERE entity_id = ANY(\(entityIds)) ORDER BY seq
            """, logger: logger
        ).decode(EntityRow.self) {
            entityRows.append(row)
        }
        let referrals = try await openedPayloads(
            entityRows.compactMap { row in row.8.map { (id: row.0, clientId: row.4, payload: $0) } }, connection)
        var referralTexts = Dictionary(
            uniqueKeysWithValues: zip(entityRows.filter { $0.8 != nil }.map(\.0), referrals))
        for (id, entityId, entityType, operation, clientId, authorId, discipline, visibleTo, _) in entityRows {
            let referral = referralTexts.removeValue(forKey: id)
            if let known = facts.entities[entityId] {
                facts.entities[entityId] = EntityFacts(
                    entityType: known.entityType, clientId: known.clientId, authorId: known.authorId,
                    authorDiscipline: known.authorDiscipline, revisionIds: known.revisionIds.union([id]),
                    restrictedTo: known.restrictedTo, addressedTo: known.addressedTo)
            } else {
                facts.entities[entityId] = EntityFacts(
                    entityType: entityType, clientId: clientId, authorId: authorId, authorDiscipline: discipline,
                    revisionIds: [id], restrictedTo: visibleTo,
                    addressedTo: CaseworkRules.addressee(entityType: entityType, operation: operation, payloadText: referral))
            }
        }
        let clientIds = Array(Set(changes.map(\.clientId)))
        for try await (clientId, teamId, from, to, endSeq) in try await connection.query(
            "SELECT client_id, team_id, from_hlc, to_hlc, to_seq FROM client_teams WHERE client_id = ANY(\(clientIds))",
            logger: logger
        ).decode((String, String, String?, String?, Int64?).self) {
            facts.clientTeams[clientId, default: []].append(
                TeamSpan(
                    teamId: teamId, from: from.flatMap { HLCTimestamp($0) }, to: to.flatMap { HLCTimestamp($0) },
                    endSeq: endSeq))
        }
        return facts
    }
}
