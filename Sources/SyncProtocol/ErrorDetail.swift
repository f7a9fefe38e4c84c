/// The one error shape of the protocol: `{"error": {"code": "...", "message": "..."}}` on every 4xx and 5xx.
public struct ErrorBody: Codable, Hashable, Sendable {
    /// The error.
    public var error: ErrorDetail

    /// Creates an error body.
    public init(error: ErrorDetail) {
        self.error = error
    }
}

/// A machine-readable ``code`` (see ``ErrorCode``) and a human ``message``.
///
/// Messages never contain note text, client names or anything about clients the caller cannot see.
public struct ErrorDetail: Codable, Hashable, Sendable, Error, CustomStringConvertible {
    /// Stable machine-readable code; on the wire a plain JSON string.
    public var code: ErrorCode
    /// Human-readable explanation.
    public var message: String

    /// Creates an error detail.
    public init(code: ErrorCode, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}

/// The error codes of protocol version 1. Clients must treat unknown codes by their HTTP status.
///
/// ``all`` lists every code with the HTTP statuses the server answers it with; `Deploy/README.md` ("Error
/// codes") and `Protocol/openapi.yaml` document the same list, and a test keeps them equal.
///
/// One type for the codes of the protocol, the server and the replica. It is an open set, not a closed enum:
/// a code from a newer server decodes as itself (``isKnown`` is `false`), and the server's storage layer and
/// the replica declare codes of their own (never sent by the server) as further static members. On the wire
/// a code is a plain JSON string.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The code as sent on the wire, e.g. `"outOfScope"`.
    public let rawValue: String

    /// Creates a code from its wire text.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Creates a code from its wire text.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// Decodes a plain JSON string; any string is a code (unknown ones too).
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the code as a plain JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The wire text.
    public var description: String { rawValue }

    /// Whether the code is one this protocol version's server sends (it is in ``all``). Codes of a newer
    /// server, and the storage layer's or the replica's own codes, are not.
    public var isKnown: Bool { Self.known.contains(self) }

    /// The codes of ``all``, for ``isKnown``.
    private static let known: Set<ErrorCode> = Set(all.map(\.code))

    /// 400: the body is not valid JSON or lacks required members.
    public static let invalidRequest = ErrorCode("invalidRequest")
    /// 400: a parameter is malformed (`limit`, or the client id in a path).
    public static let invalidParameter = ErrorCode("invalidParameter")
    /// 400: the cursor was not issued by this server.
    public static let invalidCursor = ErrorCode("invalidCursor")
    /// 410: the cursor is no longer served (older than the server's horizon, or from before a restore);
    /// the replica rebuilds from the start of the log, keeping its own writes.
    public static let cursorExpired = ErrorCode("cursorExpired")
    /// 400: more changes in one push than ``ProtocolLimits/maxPushChanges``.
    public static let batchTooLarge = ErrorCode("batchTooLarge")
    /// 401: no or unknown device token.
    public static let unauthorized = ErrorCode("unauthorized")
    /// 401: the device was revoked by an administrator; the replica must wipe its data.
    public static let deviceRevoked = ErrorCode("deviceRevoked")
    /// 401: the enrollment code is unknown, used or expired.
    public static let invalidEnrollmentCode = ErrorCode("invalidEnrollmentCode")
    /// 404: no such route.
    public static let notFound = ErrorCode("notFound")
    /// 429: too many requests from this device; retry after the `Retry-After` seconds (per device, per
    /// server instance).
    public static let rateLimited = ErrorCode("rateLimited")
    /// 413: the body is larger than ``ProtocolLimits/maxRequestBytes``.
    public static let payloadTooLarge = ErrorCode("payloadTooLarge")
    /// 415: the request body's `Content-Encoding` is not one the server decodes (it answers with the
    /// `Accept-Encoding` it does: `gzip`).
    public static let unsupportedEncoding = ErrorCode("unsupportedEncoding")
    /// 415: the body is not `application/json`.
    public static let unsupportedMediaType = ErrorCode("unsupportedMediaType")
    /// 500: an unexpected server fault; nothing of the request was stored.
    public static let internalError = ErrorCode("internalError")
    /// 503: the server's database is busy or unreachable (or, on `/ready`, lacks a migration); nothing was stored;
    /// retry after `Retry-After` seconds.
    public static let unavailable = ErrorCode("unavailable")

    /// 400, refusing the whole push: a change's id, client id or entity id is not a lowercase UUID, its
    /// timestamp is not after 1970, or its entity type or operation is not 1–32 ASCII letters. (The push
    /// planner would give it per change, but the push route checks every change's identity first.)
    public static let invalidChange = ErrorCode("invalidChange")
    /// Per change, and 404 on client routes: the client is not in the caller's caseload (or does not exist:
    /// the two are not told apart).
    public static let outOfScope = ErrorCode("outOfScope")
    /// 403, refusing the whole push: a change's author is not the professional of the device token.
    public static let wrongAuthor = ErrorCode("wrongAuthor")
    /// 403, refusing the whole push: a change's discipline is not the author's.
    public static let wrongDiscipline = ErrorCode("wrongDiscipline")
    /// 403, refusing the whole push: a change's device is not the device of the token.
    public static let wrongDevice = ErrorCode("wrongDevice")
    /// Per change: the same change id was pushed before with different content.
    public static let idReused = ErrorCode("idReused")
    /// Per change: the timestamp is further ahead of the server's clock than the allowed drift.
    public static let clockAhead = ErrorCode("clockAhead")
    /// Per change: the payload does not have the shape its operation requires.
    public static let invalidPayload = ErrorCode("invalidPayload")
    /// Per change: the `(entityType, operation)` pair is not part of this protocol version.
    public static let unknownOperation = ErrorCode("unknownOperation")
    /// Per change: the author may not write this (a professional registering a client, or the reverse).
    public static let forbidden = ErrorCode("forbidden")
    /// Per change: a creating operation used an entity id that already exists.
    public static let entityExists = ErrorCode("entityExists")
    /// Per change: a revising operation names an entity this client does not have.
    public static let unknownEntity = ErrorCode("unknownEntity")
    /// Per change: only the author of a note can revise it.
    public static let notAuthor = ErrorCode("notAuthor")
    /// Per change: only professionals of the discipline that started an intervention can update it.
    public static let notOwningDiscipline = ErrorCode("notOwningDiscipline")
    /// Per change: a revision supersedes a revision that is not of its entity.
    public static let unknownRevision = ErrorCode("unknownRevision")

    /// Every code the push planner can give a single rejected change, in the order it checks them. The first
    /// four (``invalidChange``, ``wrongDevice``, ``wrongAuthor``, ``wrongDiscipline``) reach the wire only as
    /// the refusal of a whole push (400, 403): the route checks them before planning. ``all`` says which
    /// codes a `200` push answer carries.
    public static let perChange: [ErrorCode] = [
        invalidChange, wrongDevice, wrongAuthor, wrongDiscipline, idReused, clockAhead, outOfScope, invalidPayload,
        unknownOperation, forbidden, entityExists, unknownEntity, notAuthor, notOwningDiscipline, unknownRevision,
    ]

    /// One error code and the HTTP statuses the server answers it with.
    public struct Entry: Hashable, Sendable {
        /// The code, as in ``ErrorDetail/code``.
        public let code: ErrorCode
        /// The HTTP statuses of answers carrying the code, ascending. `200` means per change: the code is the
        /// `error` of a `rejected` result inside a successful push answer, not the status of the request.
        public let statuses: [Int]

        /// Creates an entry.
        public init(_ code: ErrorCode, _ statuses: [Int]) {
            self.code = code
            self.statuses = statuses
        }

        /// Whether the code comes per change, inside a `200` push answer (it may also be a request's error).
        public var isPerChange: Bool { statuses.contains(200) }
    }

    /// Every code the server sends, with its HTTP statuses: the request-level codes first (by status), then
    /// those of a single change in a `200` push answer (in the order the server checks them). Each code once.
    ///
    /// `Deploy/README.md` ("Error codes") has a row per entry with the same statuses, and every code appears in
    /// `Protocol/openapi.yaml`; `ErrorCodeDocumentationTests` checks both.
    public static let all: [Entry] = [
        Entry(invalidRequest, [400]), Entry(invalidParameter, [400]), Entry(invalidCursor, [400]),
        Entry(batchTooLarge, [400]), Entry(invalidChange, [400]),
        Entry(unauthorized, [401]), Entry(deviceRevoked, [401]), Entry(invalidEnrollmentCode, [401]),
        Entry(wrongDevice, [403]), Entry(wrongAuthor, [403]), Entry(wrongDiscipline, [403]),
        Entry(notFound, [404]), Entry(cursorExpired, [410]), Entry(payloadTooLarge, [413]),
        Entry(unsupportedEncoding, [415]), Entry(unsupportedMediaType, [415]), Entry(rateLimited, [429]),
        Entry(internalError, [500]), Entry(unavailable, [503]),
        Entry(idReused, [200]), Entry(clockAhead, [200]), Entry(outOfScope, [200, 404]),
        Entry(invalidPayload, [200]), Entry(unknownOperation, [200]), Entry(forbidden, [200]),
        Entry(entityExists, [200]), Entry(unknownEntity, [200]), Entry(notAuthor, [200]),
        Entry(notOwningDiscipline, [200]), Entry(unknownRevision, [200]),
    ]
}

/// Limits of protocol version 1, the same for every server.
public enum ProtocolLimits {
    /// Largest request body, in bytes.
    public static let maxRequestBytes = 8 * 1024 * 1024
    /// Most changes in one push.
    public static let maxPushChanges = 1000
    /// Most changes in one pull page (`limit`).
    public static let maxPageChanges = 1000
    /// Page size when the request gives no `limit`.
    public static let defaultPageChanges = 500
    /// How far ahead of a clock a timestamp may be and still be followed: the servers' default allowed drift
    /// (`clockAhead` beyond it), and the furthest a replica lets a received timestamp move its own clock
    /// (10 minutes).
    public static let maxClockDriftMillis: Int64 = 10 * 60_000
}
