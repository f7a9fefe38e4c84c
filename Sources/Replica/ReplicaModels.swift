public import Casework
public import ChangeLog
public import SyncProtocol

/// Who a replica is: the server it syncs with, its device and its professional.
public struct ReplicaIdentity: Hashable, Sendable {
    /// The server's base URL.
    public let serverURL: String
    /// This device's id.
    public let deviceId: String
    /// The professional this replica belongs to.
    public let professional: Professional
    /// When it was enrolled (Unix milliseconds).
    public let enrolledAt: Int64
}

/// A client in the replica's caseload.
public struct ClientSummary: Hashable, Sendable {
    /// Client id.
    public let id: String
    /// Name, once the registration has arrived.
    public let name: String?
    /// Team, once the registration has arrived.
    public let teamId: String?
    /// The latest timestamp of any change about the client.
    public let lastActivity: HLCTimestamp
    /// How many changes the replica holds about the client.
    public let changeCount: Int
}

/// A write the server refused, kept with the server's reason until the professional acknowledges it.
public struct RejectedChange: Hashable, Sendable {
    /// The refused change, as written.
    public let change: Change
    /// The server's error code (or ``ReplicaError/clientErased``, ``ErrorCode/outOfScope`` when the client
    /// left the caseload before the write was sent).
    public let code: ErrorCode
    /// The server's explanation.
    public let message: String
    /// When the refusal arrived (Unix milliseconds).
    public let rejectedAt: Int64
}

/// Where a replica stands.
public struct ReplicaStatus: Hashable, Sendable {
    /// Who the replica is.
    public let identity: ReplicaIdentity
    /// Changes written here and not yet acknowledged by the server.
    public let pendingChanges: Int
    /// Writes the server refused.
    public let rejected: [RejectedChange]
    /// Pending writes the server could not place yet, because it lacks what they build on (a note they
    /// revise, say, after the server was restored from a backup). They are sent again at every sync and
    /// are accepted once the server has it again; they are also counted in ``pendingChanges``.
    public var waiting: [WaitingChange] = []
    /// When the last complete sync finished (Unix milliseconds), if ever.
    public let lastSyncAt: Int64?
    /// Clients in the replica.
    public let clientCount: Int
    /// Changes in the replica.
    public let changeCount: Int
}

/// A pending write the server could not place yet, and why.
public struct WaitingChange: Hashable, Sendable {
    /// The write.
    public let change: Change
    /// The server's code: ``ErrorCode/unknownEntity`` or ``ErrorCode/unknownRevision``.
    public let code: ErrorCode
    /// The server's explanation.
    public let message: String
}

/// What one sync did.
public struct SyncReport: Hashable, Sendable {
    /// Changes the server stored from this push.
    public var pushed = 0
    /// Changes the server already had (retries).
    public var duplicates = 0
    /// Changes the server refused in this sync (also kept in the rejected list).
    public var rejected: [RejectedChange] = []
    /// Changes received from the server.
    public var pulled = 0
    /// Pull pages applied.
    public var pages = 0
    /// Pending writes re-stamped because this laptop's clock ran ahead of the server's.
    public var restamped = 0
    /// Whether the replica rebuilt from the start of the server's log (its cursor had expired, or the server
    /// was restored).
    public var rebuilt = false
    /// Whether the server's history went back (it was restored from a backup): every write of this laptop
    /// was queued to be sent again.
    public var serverRestored = false
    /// Pending writes the server could not place yet (see ``ReplicaStatus/waiting``); sent again next time.
    public var waiting = 0
    /// Clients whose changes differed from the server's and were repaired.
    public var repairedClients: [String] = []
    /// Clients removed because they left this professional's caseload.
    public var removedClients: [String] = []
}

/// How far a sync in progress has come, reported after every push batch and pull page.
public struct SyncProgress: Hashable, Sendable {
    /// What the sync is doing now.
    public enum Phase: String, Hashable, Sendable {
        /// Sending this laptop's writes.
        case pushing
        /// Fetching what colleagues wrote.
        case pulling
        /// Comparing the replica with the server's digests and repairing what differs.
        case verifying
    }

    /// What the sync is doing now.
    public var phase: Phase
    /// What it has done so far.
    public var report: SyncReport
}

/// An entity found by offline search (``Replica/search(_:clientId:limit:)``): where it is, who wrote it, and
/// the words around the match.
public struct SearchHit: Hashable, Sendable {
    /// A piece of the snippet: matched words or the text between them.
    public struct Fragment: Hashable, Sendable {
        /// The text.
        public let text: String
        /// Whether these are words that matched the query.
        public let matched: Bool
    }

    /// The client the entity is about.
    public let clientId: String
    /// The client's name, once the registration has arrived.
    public let clientName: String?
    /// The entity found (a note, an agreement, …).
    public let entityId: String
    /// Its type: `note`, `agreement`, `goal`, `intervention`, `referral`, `vacancy`, `assessment`, `selfAssessment`.
    public let entityType: String
    /// The change currently shown for it.
    public let currentChangeId: String
    /// When it was last written.
    public let at: HLCTimestamp
    /// Who created it.
    public let authorId: String
    /// Their name, when the directory knows them.
    public let authorName: String?
    /// Their discipline.
    public let authorDiscipline: Discipline?
    /// The words around the match, matched words marked; `…` where text was left out.
    public let snippet: [Fragment]

    /// The snippet as plain text.
    public var snippetText: String { snippet.map(\.text).joined() }
}

/// What an offline search found.
public struct SearchResults: Hashable, Sendable {
    /// The hits shown, newest first.
    public let hits: [SearchHit]
    /// How many entities match in all (more than `hits.count` when the limit cut them).
    public let total: Int
}
