import ChangeLog
public import SyncProtocol

/// A failure of the replica: a stable machine-readable ``code`` and a readable ``message``.
///
/// Codes from the server (see `ErrorCode`) are passed through, unknown ones too; the replica adds its own
/// (``notEnrolled``, ``serverUnreachable`` …), of the same type but never sent by a server. Messages never
/// contain note text.
public struct ReplicaError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable machine-readable code.
    public let code: ErrorCode
    /// Readable explanation, fit for one line on stderr.
    public let message: String
    /// The HTTP status when the server answered with an error.
    public let httpStatus: Int?
    /// Seconds the server asked to wait before retrying (`Retry-After`), if it said.
    public let retryAfterSeconds: Int?

    /// Creates an error.
    public init(code: ErrorCode, message: String, httpStatus: Int? = nil, retryAfterSeconds: Int? = nil) {
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
    public static let notEnrolled = ErrorCode("notEnrolled")
    /// Code: the folder already holds an enrolled replica.
    public static let alreadyEnrolled = ErrorCode("alreadyEnrolled")
    /// Code: the server could not be reached (no network, server down, timeout).
    public static let serverUnreachable = ErrorCode("serverUnreachable")
    /// Code: the server's answer was not a protocol message.
    public static let badResponse = ErrorCode("badResponse")
    /// Code: the client is not in this replica (not synced yet, or not in the caseload).
    public static let unknownClient = ErrorCode("unknownClient")

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
    public static let ambiguousClient = ErrorCode("ambiguousClient")
    /// Code: no entity with that id in this replica.
    public static let unknownEntity = ErrorCode("unknownEntity")
    /// Code: the server URL is not an http(s) URL.
    public static let invalidServerURL = ErrorCode("invalidServerURL")
    /// Code: plain HTTP to a server that is not on this machine, without `--insecure`.
    public static let insecureServer = ErrorCode("insecureServer")
    /// Code: a CA file that is not a PEM certificate.
    public static let invalidCertificate = ErrorCode("invalidCertificate")
    /// Code: the server revoked this device and the replica deleted its data.
    public static let wiped = ErrorCode("wiped")
    /// Code: another program kept the replica's files busy; what was asked is stored, but cleaning the files
    /// of removed data must be retried (the next sync does).
    public static let busy = ErrorCode("busy")
    /// Code: a search without a word to search for.
    public static let invalidQuery = ErrorCode("invalidQuery")
    /// Code: a refused write's client was erased (AVG art. 17) before the write reached the server.
    public static let clientErased = ErrorCode("clientErased")
    /// The server closed this event stream for a newer one of the same device (another app or watch on
    /// this replica); the replica waits before connecting again instead of closing that one in turn.
    public static let streamSuperseded = ErrorCode("streamSuperseded")
    /// Code: a background sync failed for a reason that is not a server's error body (its type is named).
    public static let syncFailed = ErrorCode("syncFailed")
    /// Code: a write refers to a signal the client's journey does not show now.
    public static let unknownSignal = ErrorCode("unknownSignal")
    /// Code: what was typed fits more than one entry of a list (a team, a professional).
    public static let ambiguous = ErrorCode("ambiguous")
    /// Code: the server refused a change without a reason (an answer without an error detail).
    public static let refusedWithoutReason = ErrorCode("rejected")
    /// Code: the passphrase does not unlock this replica (``retryAfterSeconds`` says how long the next try
    /// must wait).
    public static let wrongPassphrase = ErrorCode("wrongPassphrase")
    /// Code: an empty passphrase, or none given where no terminal can ask for one.
    public static let passphraseRequired = ErrorCode("passphraseRequired")
    /// Code: the replica's keys are not in memory (it was locked); unlock it with the passphrase.
    public static let locked = ErrorCode("locked")

    /// The error for an error body from the server.
    static func server(_ detail: ErrorDetail, status: Int, retryAfterSeconds: Int? = nil) -> ReplicaError {
        ReplicaError(
            code: detail.code, message: "server refused the request: \(detail.message)", httpStatus: status,
            retryAfterSeconds: retryAfterSeconds)
    }
}
