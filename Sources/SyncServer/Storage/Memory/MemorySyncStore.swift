import Casework
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
        var teams: [String: TeamRecord] = [:]
        var professionals: [String: Professional] = [:]
        var memberships: [String: Set<String>] = [:]
        var clients: [String: ClientRecord] = [:]
        /// The log in position order; an erasure removes a client's changes from it.
        var log: [StoredChange] = []
        /// The highest position ever assigned (positions are never reused).
        var lastPosition: Int64 = 0
        var spans: [String: [TeamSpan]] = [:]
        var scopeEvents: [ScopeEventRecord] = []
        var refused: [String: (error: ErrorDetail, at: Int64)] = [:]
        var devices: [String: DeviceState] = [:]
        var codes: [String: CodeState] = [:]
        var audit: [AuditEntry] = []
        var horizon: Int64 = 0
        var epoch = Secrets.makeEpoch()
        var serverHLC: HLCTimestamp?
        var acceptedHLC: HLCTimestamp?
        var journal: JournalMark?

        /// Whether `text` is anywhere in what the store holds (for tests that prove an erasure).
        public func holds(_ text: String) -> Bool {
            String(reflecting: self).contains(text)
        }

        /// Every change in the log with the discipline a restricted one is visible to, in log order.
        public var changes: [(change: Change, visibleTo: String?)] { log.map { ($0.change, $0.visibleTo) } }
    }

    struct StoredChange: Sendable {
        let position: Int64
        let change: Change
        let receivedAt: Int64
        let visibleTo: String?
    }

    struct ScopeEventRecord: Sendable {
        let position: Int64
        let clientId: String
        let fromTeam: String
        /// Empty for an erasure.
        let toTeam: String
        /// For an erasure: every team that ever held the client.
        let holders: Set<String>
    }

    struct DeviceState: Sendable {
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

    struct CodeState: Sendable {
        let professionalId: String
        let expiresAt: Int64
        var usedAt: Int64?
    }

    let state: NIOLockedValueBox<Snapshot>
    let auditKeys: AuditKeySource
    /// A keyring for the contract: the memory store keeps nothing at rest, so it seals nothing with it.
    public let keyring = ClientKeyring(master: .generated())

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
    func transaction<T>(_ body: (inout Snapshot) throws -> T) throws -> T {
        try state.withLockedValue { stored in
            var copy = stored
            let result = try body(&copy)
            stored = copy
            return result
        }
    }

    func read<T>(_ body: (Snapshot) throws -> T) rethrows -> T {
        try state.withLockedValue { try body($0) }
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
    mutating func append(_ change: Change, receivedAt: Int64, visibleTo: String? = nil) -> Int64 {
        lastPosition += 1
        log.append(.init(position: lastPosition, change: change, receivedAt: receivedAt, visibleTo: visibleTo))
        return lastPosition
    }

    /// Appends an audit entry chained to the last one (with the record of a key rotation before it when it is
    /// the first of a new generation).
    mutating func appendAudit(_ entry: AuditEntry, keys: AuditKeySource) throws {
        let previous = audit.last?.hash ?? AuditChain.genesis
        let key = keys.current(atLeast: AuditChain.generation(of: previous) ?? 0)
        let recorded = AuditChain.generationToRecord(after: previous, key: key).map { generation in
            audit.contains { AuditChain.isRecord($0, ofGeneration: generation) }
        } ?? false
        audit += try AuditChain.chain(entry, previous: previous, seq: Int64(audit.count) + 1, key: key, recorded: recorded)
    }

    mutating func addDevice(_ device: NewDevice, professionalId: String, enrolledAt: Int64, lastSeenAt: Int64?) throws {
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
    func inCaseload(_ clientId: String, of principal: Principal) -> Bool {
        guard let client = clients[clientId], client.erasedAt == nil else { return false }
        return (memberships[principal.professional.id] ?? []).contains(client.teamId)
    }

    /// The rows the pull planner named.
    func rows(_ fetch: PullFetch, of principal: Principal) -> [LogRow] {
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
    func scopeEvents(in range: ClosedRange<Int64>, for teams: Set<String>) -> [ScopeEvent] {
        scopeEvents.filter { range.contains($0.position) }.map {
            ScopeEvent(
                position: $0.position, clientId: $0.clientId, fromTeam: $0.fromTeam, toTeam: $0.toTeam,
                heldByPullersTeams: !$0.holders.isDisjoint(with: teams))
        }
    }

    /// The planned page with its authors' names.
    func stored(_ page: PlannedPage) -> StoredPage {
        StoredPage(page, professionals: Set(page.changes.map(\.authorId)).sorted().compactMap { professionals[$0] })
    }

    /// What a push planner needs to know about the changes of a batch.
    func facts(for changes: [Change]) -> PushFacts {
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
