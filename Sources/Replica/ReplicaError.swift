import ChangeLog
import SyncProtocol

/// A failure of the replica: a stable machine-readable ``code`` and a readable ``message``.
///
/// Codes from the server (see `ErrorCode`) are passed through; the replica adds its own (``notEnrolled``,
/// ``serverUnreachable`` …). Messages never contain note text.
public struct ReplicaError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable machine-readable code.
    public let code: String
    /// Readable explanation, fit for one line on stderr.
    public let message: String
    /// The HTTP status when the server answered with an error.
    public let httpStatus: Int?
    /// Seconds the server asked to wait before retrying (`Retry-After`), if it said.
    public let retryAfterSeconds: Int?

    /// Creates an error.
    public init(code: String, message: String, httpStatus: Int? = nil, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// Whether trying again later may succeed: no answer, a busy or failing server, or rate limiting.
    public var isTransient: Bool {
        if code == Self.serverUnreachable { return true }
        guard let httpStatus else { return false }
        return httpStatus == 429 || httpStatus >= 500
    }

    /// The message.
    public var description: String { message }

    /// Code: the folder holds no enrolled replica.
    public static let notEnrolled = "notEnrolled"
    /// Code: the folder already holds an enrolled replica.
    public static let alreadyEnrolled = "alreadyEnrolled"
    /// Code: the server could not be reached (no network, server down, timeout).
    public static let serverUnreachable = "serverUnreachable"
    /// Code: the server's answer was not a protocol message.
    public static let badResponse = "badResponse"
    /// Code: the client is not in this replica (not synced yet, or not in the caseload).
    public static let unknownClient = "unknownClient"

    /// `unknownClient` for `clientId`: says whether the id is malformed (a typo) or just not held here.
    static func unknownClient(_ clientId: String) -> ReplicaError {
        guard Identifier.isValid(clientId) else {
            return ReplicaError(
                code: unknownClient,
                message: "'\(clientId)' is not a client id (ids look like 0193a5c2-7d1e-7c3a-9f1b-2c4d6e8fa0b1)")
        }
        return ReplicaError(
            code: unknownClient, message: "client \(clientId) is not in this replica (not in your caseload, or not synced yet)")
    }
    /// Code: a client's name (or part of one) fits several clients of this replica.
    public static let ambiguousClient = "ambiguousClient"
    /// Code: no entity with that id in this replica.
    public static let unknownEntity = "unknownEntity"
    /// Code: the server URL is not an http(s) URL.
    public static let invalidServerURL = "invalidServerURL"
    /// Code: plain HTTP to a server that is not on this machine, without `--insecure`.
    public static let insecureServer = "insecureServer"
    /// Code: a CA file that is not a PEM certificate.
    public static let invalidCertificate = "invalidCertificate"
    /// Code: the server revoked this device and the replica deleted its data.
    public static let wiped = "wiped"
    /// Code: another program kept the replica's files busy; what was asked is stored, but cleaning the files
    /// of removed data must be retried (the next sync does).
    public static let busy = "busy"
    /// Code: a search without a word to search for.
    public static let invalidQuery = "invalidQuery"
    /// The server closed this event stream for a newer one of the same device (another app or watch on
    /// this replica); the replica waits before connecting again instead of closing that one in turn.
    public static let streamSuperseded = "streamSuperseded"

    /// The error for an error body from the server.
    static func server(_ detail: ErrorDetail, status: Int, retryAfterSeconds: Int? = nil) -> ReplicaError {
        ReplicaError(
            code: detail.code, message: "server refused the request: \(detail.message)", httpStatus: status,
            retryAfterSeconds: retryAfterSeconds)
    }
}
