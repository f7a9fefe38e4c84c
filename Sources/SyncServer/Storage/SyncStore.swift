public import Casework
public import ChangeLog

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

/// A client's place in the directory (its name lives in the change log only).
public struct ClientRecord: Hashable, Sendable, Codable {
    /// Client id.
    public let id: String
    /// The team responsible.
    public let teamId: String
    /// Registered at (Unix milliseconds).
    public let createdAt: Int64
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

/// One page of changes for a puller.
public struct StoredPage: Sendable {
    /// The changes, in log order.
    public let changes: [Change]
    /// The log position after the last change examined (the next cursor).
    public let position: Int64
    /// Whether the log has more changes for this puller after ``position``.
    public let hasMore: Bool
    /// The authors of ``changes``.
    public let professionals: [Professional]
}

/// A failure of an administrative operation on the store: a stable ``code`` and a readable ``message``.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `notFound`, `invalidInput`, …
    public let code: String
    /// What went wrong.
    public let message: String

    /// Creates an error.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// `message`.
    public var description: String { message }
}

/// Everything the server stores, behind one protocol so that backends (SQLite, PostgreSQL) are
/// interchangeable without touching the routes.
///
/// Contract for implementations:
/// - Every method is atomic: it commits completely or not at all.
/// - The change log is append-only; ``push(_:receivedAt:planner:)`` stores the accepted changes of a batch
///   in one transaction, after asking the planner with facts read in that same transaction.
/// - ``pull(for:after:limit:)`` returns changes in log order, and a position from which a later pull never
///   misses a change committed after this one (the no-skip property of the protocol).
/// - Implementations never log change payloads.
public protocol SyncStore: Sendable {
    /// Creates a team.
    func createTeam(_ team: TeamRecord) async throws
    /// Creates a professional, member of the given existing teams (`StoreError` `notFound` otherwise).
    func createProfessional(_ professional: Professional, teamIds: [String], createdAt: Int64) async throws
    /// Registers a client in a team and appends its registration change, atomically.
    func registerClient(_ client: ClientRecord, registration: Change) async throws
    /// Every team, by name.
    func teams() async throws -> [TeamRecord]
    /// Every professional, by name.
    func professionals() async throws -> [ProfessionalRecord]
    /// Every client, by registration time.
    func clients() async throws -> [ClientRecord]

    /// Stores the hash of a one-time enrollment code (`StoreError` `notFound` for an unknown professional).
    func saveEnrollmentCode(hash: String, professionalId: String, createdAt: Int64, expiresAt: Int64) async throws
    /// Atomically marks an unused, unexpired code as used and creates the device; `nil` when the code is
    /// unknown, used or expired.
    func redeemEnrollmentCode(hash: String, device: NewDevice, now: Int64) async throws -> Professional?
    /// The principal of a device token hash; `nil` when unknown or revoked. Records when the device was seen.
    func principal(tokenHash: String, now: Int64) async throws -> Principal?

    /// Stores a batch of pushed changes in one transaction, as decided by `planner` from the stored facts.
    func push(_ changes: [Change], receivedAt: Int64, planner: @Sendable (PushFacts) -> PushPlan) async throws
        -> PushPlan
    /// Up to `limit` changes about the principal's clients after log position `after`.
    ///
    /// Throws `StoreError` with code `invalidCursor` for a position this log never reached (a cursor from
    /// another server, or from before a restore).
    func pull(for principal: Principal, after position: Int64, limit: Int) async throws -> StoredPage
    /// The largest timestamp in the log (`HLCTimestamp.zero` when empty), to start the server clock after it.
    func latestTimestamp() async throws -> HLCTimestamp
}
