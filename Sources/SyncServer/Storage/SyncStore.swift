public import Casework
public import ChangeLog
public import SyncProtocol

/// A team: the unit that owns clients; its members see its clients.
public struct TeamRecord: Hashable, Sendable, Codable {
    /// Team id.
    public let id: String
    /// Team name.
    public let name: String
    /// Created at (Unix milliseconds).
    public let createdAt: Int64

    /// Creates a team record.
    public init(id: String, name: String, createdAt: Int64) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

/// A professional with their team memberships.
public struct ProfessionalRecord: Hashable, Sendable, Codable {
    /// The professional.
    public let professional: Professional
    /// The teams they belong to.
    public let teamIds: [String]
}

/// A client's place in the directory (its name lives in the change log only: ``SyncStore/clients()`` reads it
/// from the registration).
public struct ClientRecord: Hashable, Sendable, Codable {
    /// Client id.
    public let id: String
    /// The team responsible.
    public let teamId: String
    /// Registered at (Unix milliseconds).
    public let createdAt: Int64
    /// When it was erased (AVG art. 17), if it was: only the id is left.
    public var erasedAt: Int64? = nil
    /// The name from its registration change; `nil` where the caller did not read it, and once erased.
    public var name: String? = nil
}

/// A device as administrators see it.
public struct DeviceRecord: Hashable, Sendable, Codable {
    /// Device id.
    public let id: String
    /// The professional it belongs to.
    public let professional: Professional
    /// The name the replica gave.
    public let name: String?
    /// Enrolled at (Unix milliseconds).
    public let enrolledAt: Int64
    /// Last request (Unix milliseconds, at most a minute stale).
    public let lastSeenAt: Int64?
    /// Revoked at (Unix milliseconds), if revoked.
    public let revokedAt: Int64?
}

/// What a device token is.
public enum Authentication: Sendable {
    /// A valid token of an active device.
    case valid(Principal)
    /// The token of a revoked device: it is told to wipe its replica.
    case revoked(deviceId: String)
}

/// A device being enrolled.
public struct NewDevice: Hashable, Sendable {
    /// Device id.
    public let id: String
    /// Name the replica gave.
    public let name: String?
    /// SHA-256 of the device token.
    public let tokenHash: String
}

/// Where a puller stands in the log: a position, and possibly a client whose history is being backfilled.
public struct PullPosition: Hashable, Sendable {
    /// Every change up to this log position that the puller may see has been delivered.
    public var position: Int64
    /// A client that entered the puller's caseload at ``position`` and whose earlier history is being sent.
    public var backfill: Backfill?

    /// Creates a position.
    public init(position: Int64, backfill: Backfill? = nil) {
        self.position = position
        self.backfill = backfill
    }

    /// The start of the log.
    public static let start = PullPosition(position: 0)
}

/// The progress of sending the whole history of a client that entered a caseload.
public struct Backfill: Hashable, Sendable {
    /// The client.
    public var clientId: String
    /// History up to this log position has been sent.
    public var after: Int64

    /// Creates a backfill state.
    public init(clientId: String, after: Int64) {
        self.clientId = clientId
        self.after = after
    }
}

/// A client entering or leaving a puller's caseload at a point of the log.
public struct ScopeChange: Hashable, Sendable {
    /// The client.
    public let clientId: String
    /// `true` when the client entered the caseload, `false` when it left.
    public let granted: Bool
    /// `true` when it left because it was erased (its data must go, pending writes without their text).
    public let erased: Bool

    /// Creates a scope change.
    public init(clientId: String, granted: Bool, erased: Bool = false) {
        self.clientId = clientId
        self.granted = granted
        self.erased = erased
    }
}

/// One page of changes for a puller.
public struct StoredPage: Sendable {
    /// The changes, in log order.
    public let changes: [Change]
    /// Where the next pull continues.
    public let next: PullPosition
    /// Whether more may follow after ``next``.
    public let hasMore: Bool
    /// The authors of ``changes``.
    public let professionals: [Professional]
    /// A caseload change that takes effect after ``changes`` (the page ends there).
    public let scopeChange: ScopeChange?

    /// Creates a page.
    public init(changes: [Change], next: PullPosition, hasMore: Bool, professionals: [Professional],
                scopeChange: ScopeChange? = nil) {
        self.changes = changes
        self.next = next
        self.hasMore = hasMore
        self.professionals = professionals
        self.scopeChange = scopeChange
    }
}

/// A team's hold on a client between two points of the hybrid logical clock.
public struct TeamSpan: Hashable, Sendable {
    /// The team.
    public let teamId: String
    /// Start (inclusive); `nil` since the beginning.
    public let from: HLCTimestamp?
    /// End (exclusive); `nil` while the team still has the client.
    public let to: HLCTimestamp?
    /// The log position of the change that ended the span (`nil` while open, or unknown for spans ended
    /// before positions were recorded).
    public let endSeq: Int64?

    /// Creates a span.
    public init(teamId: String, from: HLCTimestamp?, to: HLCTimestamp?, endSeq: Int64? = nil) {
        self.teamId = teamId
        self.from = from
        self.to = to
        self.endSeq = endSeq
    }

    /// Whether the team had the client at `timestamp`.
    public func contains(_ timestamp: HLCTimestamp) -> Bool {
        (from.map { $0 <= timestamp } ?? true) && (to.map { timestamp < $0 } ?? true)
    }
}

/// The per-client digests of a caseload at one log position.
public struct CaseloadDigest: Sendable {
    /// The log position the digests describe.
    public let position: Int64
    /// Digest of every change about each client in the caseload.
    public let clients: [String: ChangeSetDigest]
}

/// A failure of an administrative operation on the store: a stable ``code`` and a readable ``message``.
///
/// The storage layer maps its database library's errors to these inside itself: the routes see a
/// ``StoreError`` and never a GRDB or PostgresNIO type. `ErrorMiddleware` answers ``ErrorCode/cursorExpired``
/// (410), ``ErrorCode/outOfScope`` (404), ``ErrorCode/unavailable`` and ``ErrorCode/auditKeyStale`` (503);
/// any other code reaching a route is answered 500 `internalError`.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A protocol code (``ErrorCode/notFound``, ``ErrorCode/outOfScope``, …) or one of the storage layer's
    /// own (``ErrorCode/invalidInput``, ``ErrorCode/corrupt``, …, declared in this module).
    public let code: ErrorCode
    /// What went wrong.
    public let message: String

    /// Creates an error.
    public init(code: ErrorCode, message: String) {
        self.code = code
        self.message = message
    }

    /// `message`.
    public var description: String { message }

    /// The client was erased (AVG art. 17): nothing may be done with its id any more but tell replicas.
    public static func erased(_ clientId: String) -> StoreError {
        StoreError(code: .clientErased, message: "client \(clientId) was erased; an erased client cannot be moved or changed")
    }

    /// The database is locked by another writer for longer than it waits; nothing was stored (503 with
    /// `Retry-After`).
    public static let busy = StoreError(code: .unavailable, message: "the server is busy; nothing was stored, retry shortly")

    /// Something with that id exists already (a team, a professional, a client, a device, an enrollment
    /// code): nothing was stored.
    public static let exists = StoreError(code: .invalidInput, message: "something with that id exists already; nothing was stored")

    /// The database cannot be reached or asked to retry; nothing was stored (503 with `Retry-After`).
    public static let unavailable = StoreError(
        code: .unavailable, message: "the database is unavailable; nothing was stored, retry shortly")
}

/// The storage layer's own codes of a ``StoreError``: the server's administration and operations read them
/// (and the operators' tools print them), but the server never sends them as an error body's code, so they
/// are not in ``ErrorCode/all``.
extension ErrorCode {
    /// An administrative input is malformed or contradicts what is stored (a duplicate team name, an
    /// unknown discipline, …).
    public static let invalidInput = ErrorCode("invalidInput")
    /// A stored row cannot be read back (an unknown discipline, a malformed timestamp).
    public static let corrupt = ErrorCode("corrupt")
    /// A file the server keeps (a backup, the audit key, the operations journal) cannot be read or written.
    public static let `internal` = ErrorCode("internal")
    /// The client was erased (AVG art. 17); see ``StoreError/erased(_:)``.
    public static let clientErased = ErrorCode("clientErased")
    /// The data folder is held by another process: a running server refuses a restore, a restore a server.
    public static let busy = ErrorCode("busy")
    /// An audit entry cannot be written because the log is chained under a newer generation of the audit
    /// key than this process has (another instance's key file was rotated).
    public static let auditKeyStale = ErrorCode("auditKeyStale")
    /// An administrative operation was done, but the operations journal could not record it (a restore from
    /// an earlier backup would not do it again).
    public static let journalFailed = ErrorCode("journalFailed")
    /// The operations journal does not cover what the database recorded (entries since a backup are lost).
    public static let journalIncomplete = ErrorCode("journalIncomplete")
    /// The server stopped before it listened.
    public static let notListening = ErrorCode("notListening")
    /// A client's key cannot be used: the key store lacks it (restored from an older backup?), or it is
    /// wrapped under a generation of the master key this process does not have (a rotation whose new key
    /// file has not reached this host). Nothing was stored; answered 503, and the message is logged (it names
    /// ids and files, never content).
    public static let keyUnavailable = ErrorCode("keyUnavailable")
}

/// Everything the server stores, as six capabilities, so that backends (SQLite, PostgreSQL) are
/// interchangeable without touching the routes: ``LogStore``, ``DirectoryStore``, ``DeviceStore``,
/// ``AuditStore``, ``OperationsStore`` and ``KeyStore``.
///
/// Contract for implementations:
/// - Every method is atomic: it commits completely or not at all.
/// - Storage errors reach callers as ``StoreError`` (busy or unreachable: ``StoreError/unavailable``), never
///   as a type of the database library.
/// - Implementations never log change payloads, and store them sealed (``KeyStore``).
public protocol SyncStore: LogStore, DirectoryStore, DeviceStore, AuditStore, OperationsStore, KeyStore {}

/// The key store: each client's data key, wrapped by the master key (``MasterKey``), kept apart from the
/// change log (SQLite: a file of its own; PostgreSQL: the schema `samenspel_keys`), so that a backup of the
/// log holds sealed payloads and no key. An erasure destroys the client's key in the same act
/// (``DirectoryStore/eraseClient(_:tombstone:at:audit:)``).
public protocol KeyStore: Sendable {
    /// The master key and the data keys this process unwrapped.
    var keyring: ClientKeyring { get }
    /// How many keys there are under each generation of the master key, how many were destroyed, and how
    /// many payloads are sealed.
    func keyStatus() async throws -> KeyStoreStatus
    /// Rewraps up to `limit` client keys that are wrapped under an older generation than the newest of
    /// ``keyring``'s master key, each batch in a short transaction (the server keeps serving); returns how
    /// many it rewrapped (0: none is left).
    func rewrapClientKeys(limit: Int) async throws -> Int
    /// Clients the directory holds as not erased whose key was destroyed: the change log was restored from a
    /// backup made before their erasure, which must be done again.
    func clientsWithDestroyedKeys() async throws -> [String]
    /// Destroys the keys that erased clients still have (the key store was restored from a backup made before
    /// their erasure); returns how many.
    func destroyKeysOfErasedClients(at: Int64) async throws -> Int
    /// Every row of the key store, for its backup (``KeyStoreBackup``): wrapped keys only.
    func exportKeys() async throws -> [String: StoredClientKey]
    /// Adds the keys of a backup for clients the key store has no row of — never over a key destroyed since
    /// — and destroys those of clients erased meanwhile; returns how many keys it added.
    func importKeys(_ keys: [String: StoredClientKey], at: Int64) async throws -> Int
}

/// The change log: appending pushed batches as their planner decides, and reading it back as the pull
/// planner names (``PullPlanner``), per client, as digests and as activity for the event stream.
///
/// - The log is append-only; ``push(_:from:receivedAt:planner:audit:)`` stores the accepted changes of a batch
///   in one transaction, after asking the planner with facts read in that same transaction.
/// - ``pull(for:after:limit:)`` returns changes in log order, and a position from which a later pull never
///   misses a change committed after this one (the no-skip property of the protocol).
public protocol LogStore: Sendable {
    /// Stores a batch of changes pushed by a device in one transaction, as decided by `planner` from the
    /// stored facts (including the latest timestamp accepted from that device, which it then raises), with
    /// the audit entry `audit` makes of the plan.
    func push(
        _ changes: [Change], from deviceId: String, receivedAt: Int64, planner: @escaping @Sendable (PushFacts) -> PushPlan,
        audit: @escaping @Sendable (PushPlan) -> AuditEntry
    ) async throws -> PushPlan
    /// Up to `limit` changes about the principal's current caseload after `position`, in log order.
    ///
    /// The log is filtered by the caseload as it is now.
    ///
    /// When a client enters the caseload (it was moved into one of the principal's teams) the page ends at
    /// that point, reports the ``ScopeChange``, and the following pages first send the client's whole
    /// history (a backfill) before the log continues. When a client leaves the caseload the page ends there
    /// and reports it. Changes written by the principal's own device are left out of the log (they are on
    /// the device) but not out of a backfill (the device removed the client when it left).
    ///
    /// A page that tells the device of a caseload change records its end as the device's `pulled_to` (see
    /// ``DeviceFacts/pulledTo``).
    ///
    /// Throws `StoreError` `cursorExpired` for a position this log does not serve any more: before the
    /// horizon, or beyond its end (a cursor from before a restore).
    func pull(for principal: Principal, after position: PullPosition, limit: Int) async throws -> StoredPage
    /// Every change about one client of the principal's caseload after log position `after` (for repair).
    /// Throws `StoreError` `outOfScope` when the client is not in the caseload or does not exist.
    func clientChanges(for principal: Principal, clientId: String, after position: Int64, limit: Int) async throws
        -> StoredPage
    /// The digest of every client in the principal's caseload, and the log position it describes.
    func digests(for principal: Principal) async throws -> CaseloadDigest
    /// What was appended to the log after `position`, in log order, at most `limit` entries: where and about
    /// which client, never what (for the event stream, ``LogEvents``).
    func logActivity(after position: Int64, limit: Int) async throws -> [LogActivity]
    /// The position of the last change in the log (0 while it is empty).
    func logEnd() async throws -> Int64
    /// Yields whenever another server instance may have appended to the log, so that its devices are poked
    /// without waiting for the next poll: PostgreSQL sends a notification with every push. A store with one
    /// writer process (SQLite) never yields. Runs until the calling task is cancelled.
    func watchOtherInstances(_ appended: @escaping @Sendable () -> Void) async
    /// Sets the horizon to the last log position received before `receivedBefore` (Unix ms), and forgets the
    /// refusals made before then; returns the horizon.
    func advanceHorizon(receivedBefore: Int64) async throws -> Int64
    /// Whether the log holds a change with this id (erased changes are not held).
    func holdsChange(_ id: String) async throws -> Bool
}

/// Teams, professionals and clients: who holds which client, and the changes that say so in the log
/// (registration, move, erasure).
public protocol DirectoryStore: Sendable {
    /// Creates a team.
    func createTeam(_ team: TeamRecord) async throws
    /// Creates a professional, member of the given existing teams (`StoreError` `notFound` otherwise).
    func createProfessional(_ professional: Professional, teamIds: [String], createdAt: Int64) async throws
    /// Registers a client in a team and appends its registration change, atomically.
    func registerClient(_ client: ClientRecord, registration: Change) async throws
    /// Moves a client to another team and appends the `client.move` change, atomically (`StoreError`
    /// `notFound` for an unknown client or team, `invalidInput` when it is already in that team).
    func moveClient(_ clientId: String, toTeam teamId: String, change: Change) async throws
    /// Every team, by name.
    func teams() async throws -> [TeamRecord]
    /// Every professional, by name.
    func professionals() async throws -> [ProfessionalRecord]
    /// Every client, by registration time, with the name of its registration (none once erased).
    func clients() async throws -> [ClientRecord]
    /// Erases a client (AVG article 17): every change about it is deleted — its content overwritten in the
    /// database file — leaving only `tombstone`, a `client.erase` change without content that tells the
    /// replicas of every team that ever held the client to remove it. The audit entry `audit` makes of the
    /// number of changes removed is written in the same transaction. Returns how many changes were removed
    /// (`StoreError` `notFound` for an unknown client, ``StoreError/erased(_:)`` for one erased before).
    func eraseClient(_ clientId: String, tombstone: Change, at: Int64, audit: @escaping @Sendable (Int) -> AuditEntry)
        async throws -> Int
}

/// Enrolled devices and their tokens (stored as hashes only), enrollment codes, and what each device was
/// told about the caseload it lost.
public protocol DeviceStore: Sendable {
    /// Stores the hash of a one-time enrollment code (`StoreError` `notFound` for an unknown professional).
    func saveEnrollmentCode(hash: String, professionalId: String, createdAt: Int64, expiresAt: Int64) async throws
    /// Atomically marks an unused, unexpired code as used and creates the device; `nil` when the code is
    /// unknown, used or expired.
    func redeemEnrollmentCode(hash: String, device: NewDevice, now: Int64) async throws -> Professional?
    /// What a device token hash is; `nil` when unknown. Records when an active device was seen.
    func authenticate(tokenHash: String, now: Int64) async throws -> Authentication?
    /// Every device, by enrollment time.
    func devices() async throws -> [DeviceRecord]
    /// Revokes a device; returns `false` when there is no such device (`StoreError` `invalidInput` when it
    /// was revoked before).
    func revokeDevice(_ deviceId: String, at: Int64) async throws -> Bool
    /// Re-creates a device from the operations journal after a restore (the database predates its
    /// enrollment), marking the enrollment code with hash `codeHash` used if the database has it; `false`
    /// when a device with that id exists.
    func restoreDevice(_ device: NewDevice, professionalId: String, enrolledAt: Int64, codeHash: String?) async throws
        -> Bool
    /// Records, after a restore, that a device was told that `clientId` left its caseload: it has been sent
    /// everything up to the client's latest move or erasure (see ``DeviceFacts/pulledTo``).
    func markTold(deviceId: String, clientId: String) async throws
}

/// The append-only, hash-chained audit log (ids, counts and codes only, never content).
public protocol AuditStore: Sendable {
    /// Appends an entry to the audit log, chaining its hash to the entry before; returns once it is stored.
    /// Entries of concurrent callers may share one transaction (a group commit): a failure to store it
    /// (the database busy or unreachable, a stale key) is then every one of their failures.
    func appendAudit(_ entry: AuditEntry) async throws
    /// Audit entries, oldest first, optionally about one client or by one professional.
    func auditEntries(clientId: String?, actor: String?) async throws -> [AuditEntry]
    /// Recomputes the audit log's hash chain, and checks that `anchors` (kept elsewhere earlier) still hold.
    func verifyAudit(anchors: [AuditAnchor]) async throws -> AuditVerification
    /// The key the audit log is chained under now (`nil`: plain SHA-256), as its file holds it.
    var auditKey: AuditKey? { get }
    /// Throws `StoreError` `auditKeyStale` when the audit log is chained under a newer generation of the
    /// key than this process has: checked before an action whose audit entry is written after it.
    func checkAuditKey() async throws
    /// The last entry of the audit log, as an anchor to keep elsewhere; `nil` while the log is empty.
    func auditHead() async throws -> AuditAnchor?
}

/// What operating the database needs: the restore epoch, the server's clock, the operations journal's
/// mark, and facts for readiness and metrics.
public protocol OperationsStore: Sendable {
    /// The restore epoch: a random id that stays the same while this database continues the history the
    /// replicas saw, and changes when it does not (a backup copy has its own; ``renewEpoch()`` after a
    /// restore). Every sync answer carries it, read from the database for each answer, so that several
    /// instances always agree on it.
    func epoch() async throws -> String
    /// Gives the database a new restore epoch (after it was restored from a backup) and returns it.
    func renewEpoch() async throws -> String
    /// The timestamp of a server-side write (registration, move, erasure) made at `wallMillis`: the server's
    /// hybrid logical clock, which moves past every server-side write and every accepted change, but never
    /// follows one that lies more than `maxAheadMillis` ahead of `wallMillis` (a host whose clock ran fast
    /// cannot drag later writes along). Persisted, so stamps of one database never go backwards.
    func serverStamp(wallMillis: Int64, maxAheadMillis: Int64) async throws -> HLCTimestamp
    /// The operations journal this database last recorded an entry of, and that journal's length then.
    func journalMark() async throws -> JournalMark?
    /// Records that the operations journal reached `mark` (never lowers the count for the same journal).
    func noteJournal(_ mark: JournalMark) async throws
    /// Facts for readiness and metrics: whether the schema is current, how many devices synced since
    /// `activeSince` (Unix ms), and how many database connections are in use. Throws when the database
    /// cannot be reached.
    func status(activeSince: Int64) async throws -> StoreStatus
}

/// A change appended to the log, as the event stream sees it (``SyncStore/logActivity(after:limit:)``): no
/// content, only what decides whose devices to poke.
public struct LogActivity: Hashable, Sendable {
    /// Its log position.
    public let position: Int64
    /// The client it is about.
    public let clientId: String
    /// The device that wrote it (not poked for its own writes).
    public let deviceId: String
    /// The client's team now (`nil` when the directory does not know the client).
    public let teamId: String?
    /// The discipline it is restricted to (a discipline-only note), if any.
    public let visibleTo: String?
    /// Whether it changes whose caseload the client is in (a move or an erasure): every device is poked,
    /// since the teams that lose the client must hear it too.
    public let changesScope: Bool

    /// Creates an entry.
    public init(
        position: Int64, clientId: String, deviceId: String, teamId: String?, visibleTo: String?, changesScope: Bool
    ) {
        self.position = position
        self.clientId = clientId
        self.deviceId = deviceId
        self.teamId = teamId
        self.visibleTo = visibleTo
        self.changesScope = changesScope
    }

    /// The SQL both backends read it with: the change's place, its client's current team, and its kind.
    static let selectSQL = """
        SELECT c.seq, c.client_id, c.device_id, cl.team_id, c.visible_to,
               (c.entity_type = 'client' AND c.operation IN ('move', 'erase')) AS changes_scope
        FROM changes c LEFT JOIN clients cl ON cl.id = c.client_id
        """
}

/// Operational facts of a store (``SyncStore/status(activeSince:)``), free of personal data.
public struct StoreStatus: Hashable, Sendable {
    /// `sqlite`, `postgresql` or `memory`.
    public let backend: String
    /// Schema versions this build expects that the database lacks (empty when current).
    public let missingMigrations: [String]
    /// Devices that made a request since the given time and are not revoked.
    public let activeDevices: Int
    /// Database connections lent out right now.
    public let connectionsInUse: Int
    /// Most connections the store opens.
    public let connectionsMax: Int
    /// This instance's waits for the log lock since it started (PostgreSQL; `nil` where appends are not
    /// serialised by a lock across instances).
    public let logLockWaits: LockWaits?

    /// Creates a status.
    public init(backend: String, missingMigrations: [String], activeDevices: Int, connectionsInUse: Int,
                connectionsMax: Int, logLockWaits: LockWaits? = nil) {
        self.backend = backend
        self.missingMigrations = missingMigrations
        self.activeDevices = activeDevices
        self.connectionsInUse = connectionsInUse
        self.connectionsMax = connectionsMax
        self.logLockWaits = logLockWaits
    }
}

extension AuditStore {
    /// Recomputes the audit log's hash chain, and checks that `anchor`, if any, still holds.
    public func verifyAudit(anchor: AuditAnchor? = nil) async throws -> AuditVerification {
        try await verifyAudit(anchors: anchor.map { [$0] } ?? [])
    }
}
