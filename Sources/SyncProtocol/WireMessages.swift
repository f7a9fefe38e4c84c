public import Casework
public import ChangeLog

/// `POST /v1/enroll`: exchange a one-time enrollment code for a device token.
public struct EnrollRequest: Codable, Hashable, Sendable {
    /// The one-time code an administrator issued for the professional.
    public var code: String
    /// A name for the device, shown to administrators (e.g. the laptop's host name).
    public var deviceName: String?

    /// Creates a request.
    public init(code: String, deviceName: String? = nil) {
        self.code = code
        self.deviceName = deviceName
    }
}

/// The answer to an enrollment: who the device belongs to and the token it authenticates with.
public struct EnrollResponse: Codable, Hashable, Sendable {
    /// The new device's id.
    public var deviceId: String
    /// The bearer token for every later request; the server keeps only its hash.
    public var token: String
    /// The professional the device belongs to.
    public var professional: Professional
    /// The server's clock, for the replica's hybrid logical clock.
    public var serverTime: HLCTimestamp
    /// The server's restore epoch: it changes when the server's history went back (a restore from a backup).
    /// A replica that sees it change sends back everything it wrote and pulls from the start. Absent from
    /// servers that predate it.
    public var epoch: String?

    /// Creates a response.
    public init(
        deviceId: String, token: String, professional: Professional, serverTime: HLCTimestamp, epoch: String? = nil
    ) {
        self.deviceId = deviceId
        self.token = token
        self.professional = professional
        self.serverTime = serverTime
        self.epoch = epoch
    }
}

/// `POST /v1/push`: a batch of changes written on the device.
public struct PushRequest: Codable, Hashable, Sendable {
    /// Changes in the order they were written (a note's creation before its revision).
    public var changes: [Change]

    /// Creates a request.
    public init(changes: [Change]) {
        self.changes = changes
    }
}

/// What the server did with one pushed change.
public enum PushStatus: String, Codable, Hashable, Sendable {
    /// Stored now.
    case accepted
    /// Already stored by an earlier push (a retry); stored once.
    case duplicate
    /// Not stored; ``PushResult/error`` says why. The replica keeps it in its rejected list.
    case rejected
}

/// The outcome for one change of a push, in request order.
public struct PushResult: Codable, Hashable, Sendable {
    /// The change id.
    public var id: String
    /// The outcome.
    public var status: PushStatus
    /// Why it was rejected (only for `rejected`).
    public var error: ErrorDetail?

    /// Creates a result.
    public init(id: String, status: PushStatus, error: ErrorDetail? = nil) {
        self.id = id
        self.status = status
        self.error = error
    }
}

/// The answer to a push: one result per change, in request order.
public struct PushResponse: Codable, Hashable, Sendable {
    /// Results in request order.
    public var results: [PushResult]
    /// The server's clock after the push.
    public var serverTime: HLCTimestamp
    /// The server's restore epoch: it changes when the server's history went back (a restore from a backup).
    /// A replica that sees it change sends back everything it wrote and pulls from the start. Absent from
    /// servers that predate it.
    public var epoch: String?

    /// Creates a response.
    public init(results: [PushResult], serverTime: HLCTimestamp, epoch: String? = nil) {
        self.results = results
        self.serverTime = serverTime
        self.epoch = epoch
    }
}

/// A client entering or leaving the caller's caseload, reported at the point of the log where it happened.
public struct ScopeNotice: Codable, Hashable, Sendable {
    /// What happened to the caller's access.
    public enum Access: String, Codable, Hashable, Sendable {
        /// The client entered the caseload: its earlier history follows in the next pages.
        case granted
        /// The client left the caseload: the replica removes it after applying this page.
        case revoked
        /// The client was erased (AVG article 17): the replica removes it, and keeps its own unsent writes
        /// about it in the rejected list without their content.
        case erased

        /// Decodes an access; a value this version does not know is read as `revoked`, the safe reading:
        /// the replica removes the client.
        public init(from decoder: any Decoder) throws {
            let raw = try decoder.singleValueContainer().decode(String.self)
            self = Access(rawValue: raw) ?? .revoked
        }
    }

    /// The client.
    public var clientId: String
    /// Granted, revoked or erased.
    public var access: Access

    /// Creates a notice.
    public init(clientId: String, access: Access) {
        self.clientId = clientId
        self.access = access
    }
}

/// `GET /v1/changes?after=CURSOR&limit=N`: one page of changes the caller may see.
public struct PullResponse: Codable, Hashable, Sendable {
    /// Changes after the request's cursor, in server order; the caller's own device's changes are left out
    /// (except in the history sent after a ``ScopeNotice/Access/granted`` notice).
    public var changes: [Change]
    /// The cursor to send next; store it in the same transaction as ``changes``.
    public var cursor: String
    /// Whether more changes are waiting after ``cursor``.
    public var hasMore: Bool
    /// Directory entries for the authors of ``changes``.
    public var professionals: [Professional]
    /// The server's clock.
    public var serverTime: HLCTimestamp
    /// A caseload change that takes effect after ``changes``; absent on most pages.
    public var scope: ScopeNotice?
    /// The server's restore epoch: it changes when the server's history went back (a restore from a backup).
    /// A replica that sees it change sends back everything it wrote and pulls from the start. Absent from
    /// servers that predate it.
    public var epoch: String?

    /// Creates a response.
    public init(changes: [Change], cursor: String, hasMore: Bool, professionals: [Professional],
                serverTime: HLCTimestamp, scope: ScopeNotice? = nil, epoch: String? = nil) {
        self.changes = changes
        self.cursor = cursor
        self.hasMore = hasMore
        self.professionals = professionals
        self.serverTime = serverTime
        self.scope = scope
        self.epoch = epoch
    }
}

/// `GET /v1/digest`: a fingerprint of every client in the caller's caseload, to verify a replica.
public struct DigestResponse: Codable, Hashable, Sendable {
    /// The pull cursor the digests describe: compare only when the replica's cursor is the same.
    public var cursor: String
    /// One digest per client in the caseload, by client id.
    public var clients: [ClientDigest]
    /// The server's clock.
    public var serverTime: HLCTimestamp
    /// The server's restore epoch: it changes when the server's history went back (a restore from a backup).
    /// A replica that sees it change sends back everything it wrote and pulls from the start. Absent from
    /// servers that predate it.
    public var epoch: String?

    /// Creates a response.
    public init(cursor: String, clients: [ClientDigest], serverTime: HLCTimestamp, epoch: String? = nil) {
        self.cursor = cursor
        self.clients = clients
        self.serverTime = serverTime
        self.epoch = epoch
    }
}

/// How many changes the server holds about a client, and the XOR of their id hashes (`count:hex`, see
/// `ChangeSetDigest`).
public struct ClientDigest: Codable, Hashable, Sendable {
    /// The client.
    public var clientId: String
    /// `count:16 hex digits`.
    public var digest: String

    /// Creates a client digest.
    public init(clientId: String, digest: String) {
        self.clientId = clientId
        self.digest = digest
    }
}

/// `GET /ready`: the server can serve (its database answers and has the current schema).
public struct ReadyResponse: Codable, Hashable, Sendable {
    /// `ready`.
    public var status: String
    /// `sqlite` or `postgresql`.
    public var backend: String

    /// Creates a response.
    public init(status: String, backend: String) {
        self.status = status
        self.backend = backend
    }
}

/// `GET /health`: liveness and the protocol versions the server speaks.
public struct HealthResponse: Codable, Hashable, Sendable {
    /// `ok`.
    public var status: String
    /// Protocol versions served (each under `/v{n}/`).
    public var protocolVersions: [Int]

    /// Creates a response.
    public init(status: String, protocolVersions: [Int]) {
        self.status = status
        self.protocolVersions = protocolVersions
    }
}
