public import Casework
public import ChangeLog
import NIOConcurrencyHelpers
import SyncProtocol

/// The storage contract (``SyncStore``) in the plainest way there is: every fact in Swift collections behind
/// one lock, every method one critical section, the rules from the planners and nothing else.
///
/// It is the reference the database backends are tested against: the route suites and the randomised
/// simulation run unchanged on it, on SQLite and on PostgreSQL, so a difference in behaviour is a bug in a
/// backend (or in the contract's wording). It keeps nothing when its process ends; ``snapshot()`` and
/// ``init(snapshot:auditKey:)`` stand in for a restart, a backup and a restore.
public final class MemorySyncStore: SyncStore {
    /// Everything the store holds: a value, so a copy is a consistent backup.
    public struct Snapshot: Sendable {
        fileprivate var teams: [String: TeamRecord] = [:]
        fileprivate var professionals: [String: Professional] = [:]
        fileprivate var memberships: [String: Set<String>] = [:]
        fileprivate var clients: [String: ClientRecord] = [:]
        /// The log in position order; an erasure removes a client's changes from it.
        fileprivate var log: [StoredChange] = []
        /// The highest position ever assigned (positions are never reused).
        fileprivate var lastPosition: Int64 = 0
        fileprivate var spans: [String: [TeamSpan]] = [:]
        fileprivate var scopeEvents: [ScopeEventRecord] = []
        fileprivate var refused: [String: (error: ErrorDetail, at: Int64)] = [:]
        fileprivate var devices: [String: DeviceState] = [:]
        fileprivate var codes: [String: CodeState] = [:]
        fileprivate var audit: [AuditEntry] = []
        fileprivate var horizon: Int64 = 0
        fileprivate var epoch = Secrets.makeEpoch()
        fileprivate var serverHLC: HLCTimestamp?
        fileprivate var acceptedHLC: HLCTimestamp?
        fileprivate var journal: JournalMark?

        /// Whether `text` is anywhere in what the store holds (for tests that prove an erasure).
        public func holds(_ text: String) -> Bool {
            String(reflecting: self).contains(text)
        }

        /// Every change in the log with the discipline a restricted one is visible to, in log order.
        public var changes: [(change: Change, visibleTo: String?)] { log.map { ($0.change, $0.visibleTo) } }
    }

    fileprivate struct StoredChange: Sendable {
        let position: Int64
        let change: Change
        let receivedAt: Int64
        let visibleTo: String?
    }

    fileprivate struct ScopeEventRecord: Sendable {
        let position: Int64
        let clientId: String
        let fromTeam: String
        /// Empty for an erasure.
        let toTeam: String
        /// For an erasure: every team that ever held the client.
        let holders: Set<String>
    }

    fileprivate struct DeviceState: Sendable {
        let id: String
        let professionalId: String
        let name: String?
        let tokenHash: String
        let enrolledAt: Int64
        var lastSeenAt: Int64?
        var revokedAt: Int64?
        let enrolledSeq: Int64
        var pulledTo: Int64 = 0
        var maxHLC: HLCTimestamp?
    }

    fileprivate struct CodeState: Sendable {
        let professionalId: String
        let expiresAt: Int64
        var usedAt: Int64?
    }

    private let state: NIOLockedValueBox<Snapshot>
    private let auditKeys: AuditKeySource

    /// The key the audit log is chained under now (`nil`: plain SHA-256).
    public var auditKey: AuditKey? { auditKeys.current }

    /// An empty store; the audit log is chained under `auditKey` when one is given.
    public convenience init(auditKey: AuditKey? = nil) {
        self.init(snapshot: Snapshot(), auditKey: auditKey)
    }

    /// A store that holds what `snapshot` held: a restart on the same data, or a restore of a backup.
    public init(snapshot: Snapshot, auditKey: AuditKey? = nil) {
        state = NIOLockedValueBox(snapshot)
        auditKeys = AuditKeySource(auditKey)
    }

    /// A consistent copy of everything the store holds.
    public func snapshot() -> Snapshot {
        state.withLockedValue { $0 }
    }

    /// Runs `body` as one critical section: it sees and leaves the store consistent, or throws and leaves it
    /// untouched (the contract's atomicity). It works on a copy, so a write costs time in proportion to what
    /// is stored: plain rather than fast, as a reference should be.
    private func transaction<T>(_ body: (inout Snapshot) throws -> T) throws -> T {
        try state.withLockedValue { stored in
            var copy = stored
            let result = try body(&copy)
            stored = copy
            return result
        }
    }

    private func read<T>(_ body: (Snapshot) throws -> T) rethrows -> T {
        try state.withLockedValue { try body($0) }
    }
}

// MARK: - Log

extension MemorySyncStore {
    public func push(
        _ changes: [Change], from deviceId: String, receivedAt: Int64, planner: @escaping @Sendable (PushFacts) -> PushPlan,
        audit: @escaping @Sendable (PushPlan) -> AuditEntry
    ) async throws -> PushPlan {
        try transaction { state in
            var facts = state.facts(for: changes)
            if let device = state.devices[deviceId] {
                facts.deviceHighWater = device.maxHLC
                facts.device = DeviceFacts(enrolledSeq: device.enrolledSeq, pulledTo: device.pulledTo)
            }
            for change in changes { facts.refused[change.id] = state.refused[change.id]?.error }
            let plan = planner(facts)
            for change in plan.accepted {
                state.append(change, receivedAt: receivedAt, visibleTo: plan.restrictions[change.id])
            }
            for (id, error) in plan.refusedForGood where state.refused[id] == nil {
                state.refused[id] = (error, receivedAt)
            }
            if let newest = plan.accepted.map(\.hlc).max() {
                if let device = state.devices[deviceId] { state.devices[deviceId]?.maxHLC = max(device.maxHLC ?? newest, newest) }
                state.acceptedHLC = max(state.acceptedHLC ?? newest, newest)
            }
            try state.appendAudit(audit(plan), keys: auditKeys)
            return plan
        }
    }

    public func pull(for principal: Principal, after start: PullPosition, limit: Int) async throws -> StoredPage {
        let page = try read { state -> StoredPage in
            try PullPlanner.checkCursor(start, logEnd: state.lastPosition, horizon: state.horizon)
            let fetch = PullPlanner.fetch(after: start, for: principal, limit: limit)
            if let backfill = start.backfill {
                let inCaseload = state.inCaseload(backfill.clientId, of: principal)
                let rows = inCaseload ? state.rows(fetch, of: principal) : []
                return state.stored(PullPlanner.backfillPage(at: start, rows: rows, limit: limit, inCaseload: inCaseload))
            }
            let rows = state.rows(fetch, of: principal)
            let event = PullPlanner.scopeRange(of: start, rows: rows, limit: limit, logEnd: state.lastPosition)
                .flatMap { range in
                    PullPlanner.firstScopeChange(
                        in: state.scopeEvents(in: range, for: principal.teamIds), teams: principal.teamIds,
                        enrolledAt: state.devices[principal.deviceId]?.enrolledSeq)
                }
            return state.stored(
                PullPlanner.logPage(
                    after: start, rows: rows, limit: limit, logEnd: state.lastPosition, event: event,
                    deviceId: principal.deviceId))
        }
        if let told = PullPlanner.toldUpTo(page, after: start) {
            try transaction { state in
                if let device = state.devices[principal.deviceId], device.pulledTo < told {
                    state.devices[principal.deviceId]?.pulledTo = told
                }
            }
        }
        return page
    }

    public func clientChanges(for principal: Principal, clientId: String, after position: Int64, limit: Int)
        async throws -> StoredPage
    {
        try read { state in
            guard state.inCaseload(clientId, of: principal) else {
                throw StoreError(code: ErrorCode.outOfScope, message: "client \(clientId) is not in your caseload")
            }
            let rows = state.rows(
                PullPlanner.fetchHistory(of: clientId, after: position, for: principal, limit: limit), of: principal)
            return state.stored(PullPlanner.historyPage(after: position, rows: rows, limit: limit))
        }
    }

    public func digests(for principal: Principal) async throws -> CaseloadDigest {
        read { state in
            let caseload = Set(state.clients.values.filter { state.inCaseload($0.id, of: principal) }.map(\.id))
            var clients: [String: ChangeSetDigest] = [:]
            for stored in state.log where caseload.contains(stored.change.clientId)
                && stored.isVisible(to: principal.professional.discipline.rawValue)
            {
                clients[stored.change.clientId, default: ChangeSetDigest()].add(stored.change.id)
            }
            return CaseloadDigest(position: state.lastPosition, clients: clients)
        }
    }

    public func logActivity(after position: Int64, limit: Int) async throws -> [LogActivity] {
        read { state in
            state.log.lazy.filter { $0.position > position }.prefix(limit).map { stored in
                let change = stored.change
                return LogActivity(
                    position: stored.position, clientId: change.clientId, deviceId: change.deviceId,
                    teamId: state.clients[change.clientId]?.teamId, visibleTo: stored.visibleTo,
                    changesScope: change.entityType == "client" && ["move", "erase"].contains(change.operation))
            }
        }
    }

    public func logEnd() async throws -> Int64 {
        read { $0.lastPosition }
    }

    /// One process holds the store: nothing to watch.
    public func watchOtherInstances(_ appended: @escaping @Sendable () -> Void) async {
        while (try? await Task.sleep(for: .seconds(3600))) != nil {}
    }

    public func advanceHorizon(receivedBefore: Int64) async throws -> Int64 {
        try transaction { state in
            let candidate = state.log.last { $0.receivedAt < receivedBefore }?.position ?? 0
            state.horizon = max(state.horizon, candidate)
            state.refused = state.refused.filter { $0.value.at >= receivedBefore }
            return state.horizon
        }
    }

    public func holdsChange(_ id: String) async throws -> Bool {
        read { state in state.log.contains { $0.change.id == id } }
    }
}

// MARK: - Directory

extension MemorySyncStore {
    public func createTeam(_ team: TeamRecord) async throws {
        try transaction { state in
            guard state.teams[team.id] == nil else { throw StoreError.exists }
            state.teams[team.id] = team
        }
    }

    public func createProfessional(_ professional: Professional, teamIds: [String], createdAt: Int64) async throws {
        try transaction { state in
            for teamId in teamIds where state.teams[teamId] == nil {
                throw StoreError(code: .notFound, message: "no team with id \(teamId)")
            }
            guard state.professionals[professional.id] == nil else { throw StoreError.exists }
            state.professionals[professional.id] = professional
            state.memberships[professional.id] = Set(teamIds)
        }
    }

    public func registerClient(_ client: ClientRecord, registration: Change) async throws {
        try transaction { state in
            guard state.teams[client.teamId] != nil else {
                throw StoreError(code: .notFound, message: "no team with id \(client.teamId)")
            }
            guard state.clients[client.id] == nil, !state.log.contains(where: { $0.change.id == registration.id }) else {
                throw StoreError.exists
            }
            state.clients[client.id] = ClientRecord(id: client.id, teamId: client.teamId, createdAt: client.createdAt)
            state.spans[client.id] = [TeamSpan(teamId: client.teamId, from: nil, to: nil)]
            state.append(registration, receivedAt: client.createdAt)
        }
    }

    public func moveClient(_ clientId: String, toTeam teamId: String, change: Change) async throws {
        try transaction { state in
            guard let client = state.clients[clientId] else {
                throw StoreError(code: .notFound, message: "no client with id \(clientId)")
            }
            guard client.erasedAt == nil else { throw StoreError.erased(clientId) }
            guard state.teams[teamId] != nil else { throw StoreError(code: .notFound, message: "no team with id \(teamId)") }
            guard client.teamId != teamId else {
                throw StoreError(code: .invalidInput, message: "the client is already in team \(teamId)")
            }
            let position = state.append(change, receivedAt: change.hlc.wallMillis)
            state.spans[clientId] = (state.spans[clientId] ?? []).map { span in
                span.to == nil ? TeamSpan(teamId: span.teamId, from: span.from, to: change.hlc, endSeq: position) : span
            } + [TeamSpan(teamId: teamId, from: change.hlc, to: nil)]
            state.clients[clientId] = ClientRecord(id: clientId, teamId: teamId, createdAt: client.createdAt)
            state.scopeEvents.append(
                ScopeEventRecord(position: position, clientId: clientId, fromTeam: client.teamId, toTeam: teamId, holders: []))
        }
    }

    public func teams() async throws -> [TeamRecord] {
        read { $0.teams.values.sorted { ($0.name, $0.id) < ($1.name, $1.id) } }
    }

    public func professionals() async throws -> [ProfessionalRecord] {
        read { state in
            state.professionals.values.sorted { ($0.name, $0.id) < ($1.name, $1.id) }.map {
                ProfessionalRecord(professional: $0, teamIds: (state.memberships[$0.id] ?? []).sorted())
            }
        }
    }

    public func clients() async throws -> [ClientRecord] {
        read { state in
            state.clients.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.map { client in
                var client = client
                let registration = state.log.first {
                    $0.change.clientId == client.id && $0.change.entityType == "client" && $0.change.operation == "register"
                }
                if case .string(let name)? = registration?.change.payload["name"] { client.name = name }
                return client
            }
        }
    }

    public func eraseClient(_ clientId: String, tombstone: Change, at: Int64, audit: @escaping @Sendable (Int) -> AuditEntry)
        async throws -> Int
    {
        try transaction { state in
            guard let client = state.clients[clientId] else {
                throw StoreError(code: .notFound, message: "no client \(clientId) to erase")
            }
            guard client.erasedAt == nil else { throw StoreError.erased(clientId) }
            let erased = state.log.filter { $0.change.clientId == clientId }.map(\.change.id)
            let holders = Set((state.spans[clientId] ?? []).map(\.teamId) + [client.teamId])
            state.log.removeAll { $0.change.clientId == clientId }
            for id in erased { state.refused[id] = nil }
            state.spans[clientId] = nil
            state.clients[clientId]?.erasedAt = at
            let position = state.append(tombstone, receivedAt: at)
            state.scopeEvents.append(
                ScopeEventRecord(position: position, clientId: clientId, fromTeam: client.teamId, toTeam: "", holders: holders))
            try state.appendAudit(audit(erased.count), keys: auditKeys)
            return erased.count
        }
    }
}

// MARK: - Devices

extension MemorySyncStore {
    public func saveEnrollmentCode(hash: String, professionalId: String, createdAt: Int64, expiresAt: Int64) async throws {
        try transaction { state in
            guard state.professionals[professionalId] != nil else {
                throw StoreError(code: .notFound, message: "no professional with id \(professionalId)")
            }
            guard state.codes[hash] == nil else { throw StoreError.exists }
            state.codes[hash] = CodeState(professionalId: professionalId, expiresAt: expiresAt)
        }
    }

    public func redeemEnrollmentCode(hash: String, device: NewDevice, now: Int64) async throws -> Professional? {
        try transaction { state in
            guard let code = state.codes[hash], code.usedAt == nil, code.expiresAt > now,
                let professional = state.professionals[code.professionalId]
            else { return nil }
            state.codes[hash]?.usedAt = now
            try state.addDevice(device, professionalId: professional.id, enrolledAt: now, lastSeenAt: now)
            return professional
        }
    }

    public func authenticate(tokenHash: String, now: Int64) async throws -> Authentication? {
        try transaction { state in
            guard let device = state.devices.values.first(where: { $0.tokenHash == tokenHash }) else { return nil }
            if device.revokedAt != nil { return .revoked(deviceId: device.id) }
            guard let professional = state.professionals[device.professionalId] else { return nil }
            if (device.lastSeenAt ?? 0) < now - 60_000 { state.devices[device.id]?.lastSeenAt = now }
            return .valid(
                Principal(deviceId: device.id, professional: professional, teamIds: state.memberships[professional.id] ?? []))
        }
    }

    public func devices() async throws -> [DeviceRecord] {
        read { state in
            state.devices.values.sorted { ($0.enrolledAt, $0.id) < ($1.enrolledAt, $1.id) }.compactMap { device in
                state.professionals[device.professionalId].map {
                    DeviceRecord(
                        id: device.id, professional: $0, name: device.name, enrolledAt: device.enrolledAt,
                        lastSeenAt: device.lastSeenAt, revokedAt: device.revokedAt)
                }
            }
        }
    }

    public func revokeDevice(_ deviceId: String, at: Int64) async throws -> Bool {
        try transaction { state in
            guard let device = state.devices[deviceId] else { return false }
            guard device.revokedAt == nil else {
                throw StoreError(code: .invalidInput, message: "device \(deviceId) was revoked before")
            }
            state.devices[deviceId]?.revokedAt = at
            return true
        }
    }

    public func restoreDevice(_ device: NewDevice, professionalId: String, enrolledAt: Int64, codeHash: String?)
        async throws -> Bool
    {
        try transaction { state in
            guard state.devices[device.id] == nil else { return false }
            try state.addDevice(device, professionalId: professionalId, enrolledAt: enrolledAt, lastSeenAt: nil)
            // A code spent after the backup stays spent.
            if let codeHash, state.codes[codeHash]?.usedAt == nil { state.codes[codeHash]?.usedAt = enrolledAt }
            return true
        }
    }

    public func markTold(deviceId: String, clientId: String) async throws {
        try transaction { state in
            let last = state.scopeEvents.last { $0.clientId == clientId }?.position ?? 0
            if let device = state.devices[deviceId], device.pulledTo < last { state.devices[deviceId]?.pulledTo = last }
        }
    }
}

// MARK: - Audit and operations

extension MemorySyncStore {
    public func appendAudit(_ entry: AuditEntry) async throws {
        try transaction { state in try state.appendAudit(entry, keys: auditKeys) }
    }

    public func auditEntries(clientId: String?, actor: String?) async throws -> [AuditEntry] {
        read { state in
            state.audit.filter { entry in
                (clientId.map { entry.clientIds.contains($0) } ?? true) && (actor.map { entry.actor == $0 } ?? true)
            }
        }
    }

    public func verifyAudit(anchors: [AuditAnchor]) async throws -> AuditVerification {
        read { state in
            var check = AuditChainCheck(anchors: anchors, key: auditKey)
            for entry in state.audit where !check.add(entry) { break }
            return check.result
        }
    }

    public func checkAuditKey() async throws {
        try AuditChain.checkKey(auditKeys, log: try await auditHead()?.hash)
    }

    public func auditHead() async throws -> AuditAnchor? {
        read { state in state.audit.last.flatMap { entry in entry.seq.flatMap { seq in entry.hash.map { AuditAnchor(seq: seq, hash: $0) } } } }
    }

    public func epoch() async throws -> String {
        read { $0.epoch }
    }

    public func renewEpoch() async throws -> String {
        try transaction { state in
            state.epoch = Secrets.makeEpoch()
            return state.epoch
        }
    }

    public func serverStamp(wallMillis: Int64, maxAheadMillis: Int64) async throws -> HLCTimestamp {
        try transaction { state in
            let stamp = ServerClock.stamp(
                after: state.serverHLC, accepted: state.acceptedHLC, wallMillis: wallMillis, maxAheadMillis: maxAheadMillis)
            state.serverHLC = max(state.serverHLC ?? stamp, stamp)
            return stamp
        }
    }

    public func journalMark() async throws -> JournalMark? {
        read { $0.journal }
    }

    public func noteJournal(_ mark: JournalMark) async throws {
        try transaction { state in
            if let known = state.journal, known.journalId == mark.journalId {
                state.journal = JournalMark(journalId: mark.journalId, entries: max(known.entries, mark.entries))
            } else {
                state.journal = mark
            }
        }
    }

    public func status(activeSince: Int64) async throws -> StoreStatus {
        read { state in
            StoreStatus(
                backend: "memory", missingMigrations: [],
                activeDevices: state.devices.values.filter { $0.revokedAt == nil && ($0.lastSeenAt ?? .min) >= activeSince }.count,
                connectionsInUse: 0, connectionsMax: 1)
        }
    }
}

// MARK: - The rules over the collections

extension MemorySyncStore.StoredChange {
    /// Whether a professional of `discipline` may read it: it is for everyone with the client, or for them.
    func isVisible(to discipline: String) -> Bool {
        visibleTo == nil || visibleTo == discipline
    }
}

extension MemorySyncStore.Snapshot {
    /// Appends a change at the next position and returns it.
    @discardableResult
    fileprivate mutating func append(_ change: Change, receivedAt: Int64, visibleTo: String? = nil) -> Int64 {
        lastPosition += 1
        log.append(.init(position: lastPosition, change: change, receivedAt: receivedAt, visibleTo: visibleTo))
        return lastPosition
    }

    /// Appends an audit entry chained to the last one (with the record of a key rotation before it when it is
    /// the first of a new generation).
    fileprivate mutating func appendAudit(_ entry: AuditEntry, keys: AuditKeySource) throws {
        let previous = audit.last?.hash ?? AuditChain.genesis
        let key = keys.current(atLeast: AuditChain.generation(of: previous) ?? 0)
        let recorded = AuditChain.generationToRecord(after: previous, key: key).map { generation in
            audit.contains { AuditChain.isRecord($0, ofGeneration: generation) }
        } ?? false
        audit += try AuditChain.chain(entry, previous: previous, seq: Int64(audit.count) + 1, key: key, recorded: recorded)
    }

    fileprivate mutating func addDevice(_ device: NewDevice, professionalId: String, enrolledAt: Int64, lastSeenAt: Int64?) throws {
        guard professionals[professionalId] != nil else {
            throw StoreError(code: .notFound, message: "no professional with id \(professionalId)")
        }
        guard devices[device.id] == nil, !devices.values.contains(where: { $0.tokenHash == device.tokenHash }) else {
            throw StoreError.exists
        }
        devices[device.id] = MemorySyncStore.DeviceState(
            id: device.id, professionalId: professionalId, name: device.name, tokenHash: device.tokenHash,
            enrolledAt: enrolledAt, lastSeenAt: lastSeenAt, enrolledSeq: lastPosition)
    }

    /// Whether the client is in the principal's caseload: held by one of its teams, and not erased.
    fileprivate func inCaseload(_ clientId: String, of principal: Principal) -> Bool {
        guard let client = clients[clientId], client.erasedAt == nil else { return false }
        return (memberships[principal.professional.id] ?? []).contains(client.teamId)
    }

    /// The rows the pull planner named.
    fileprivate func rows(_ fetch: PullFetch, of principal: Principal) -> [LogRow] {
        let matches: (MemorySyncStore.StoredChange) -> Bool
        let after: Int64
        switch fetch.rows {
        case .caseload(let position):
            after = position
            matches = { inCaseload($0.change.clientId, of: principal) }
        case .client(let clientId, let position):
            after = position
            matches = { $0.change.clientId == clientId }
        }
        return log.lazy.filter { $0.position > after && $0.isVisible(to: fetch.audience) && matches($0) }
            .prefix(fetch.count).map { (position: $0.position, change: $0.change) }
    }

    /// The moves and erasures in `range` as the puller with `teams` sees them.
    fileprivate func scopeEvents(in range: ClosedRange<Int64>, for teams: Set<String>) -> [ScopeEvent] {
        scopeEvents.filter { range.contains($0.position) }.map {
            ScopeEvent(
                position: $0.position, clientId: $0.clientId, fromTeam: $0.fromTeam, toTeam: $0.toTeam,
                heldByPullersTeams: !$0.holders.isDisjoint(with: teams))
        }
    }

    /// The planned page with its authors' names.
    fileprivate func stored(_ page: PlannedPage) -> StoredPage {
        StoredPage(page, professionals: Set(page.changes.map(\.authorId)).sorted().compactMap { professionals[$0] })
    }

    /// What a push planner needs to know about the changes of a batch.
    fileprivate func facts(for changes: [Change]) -> PushFacts {
        let ids = Set(changes.map(\.id))
        let entityIds = Set(changes.map(\.entityId))
        let clientIds = Set(changes.map(\.clientId))
        var facts = PushFacts(existing: [:], entities: [:], clientTeams: spans.filter { clientIds.contains($0.key) })
        for stored in log {
            let change = stored.change
            if ids.contains(change.id) { facts.existing[change.id] = change }
            guard entityIds.contains(change.entityId) else { continue }
            if let known = facts.entities[change.entityId] {
                facts.entities[change.entityId] = EntityFacts(
                    entityType: known.entityType, clientId: known.clientId, authorId: known.authorId,
                    authorDiscipline: known.authorDiscipline, revisionIds: known.revisionIds.union([change.id]),
                    restrictedTo: known.restrictedTo, addressedTo: known.addressedTo)
            } else {
                facts.entities[change.entityId] = EntityFacts(
                    entityType: change.entityType, clientId: change.clientId, authorId: change.authorId,
                    authorDiscipline: change.authorDiscipline, revisionIds: [change.id], restrictedTo: stored.visibleTo,
                    addressedTo: CaseworkRules.addressee(of: change))
            }
        }
        return facts
    }
}
