/// One immutable write: the unit of the change log, of storage and of sync.
///
/// Everything a professional or an administrator writes is a change; every view is a projection of the set
/// of changes. A change never changes after it is made: an edit is a new change. Changes are identified by
/// ``id`` (globally unique, so a retried push is recognised) and ordered by ``displayOrder(_:_:)``.
public struct Change: Hashable, Sendable, Identifiable, Codable {
    /// Globally unique change id (lowercase UUID).
    public let id: String
    /// The client (klant) the change is about; scope and erasure follow it.
    public let clientId: String
    /// The kind of entity written, e.g. `note`.
    public let entityType: String
    /// The entity written (lowercase UUID); one entity belongs to one client.
    public let entityId: String
    /// What was done to the entity, e.g. `add` or `revise`.
    public let operation: String
    /// The operation's content; its shape is defined by the domain for each entity type and operation.
    public var payload: JSONValue {
        switch content {
        case .value(let value): value
        // Text this system wrote with `canonicalText` and read back from authenticated storage: it parses.
        case .canonical(let text): (try? JSONValue(parsing: text)) ?? .null
        }
    }
    /// ``payload`` as canonical JSON text (``JSONValue/canonicalText``), without writing it again when the
    /// change was read from storage.
    public var canonicalPayload: String {
        switch content {
        case .value(let value): value.canonicalText
        case .canonical(let text): text
        }
    }
    /// The payload as parsed, or as the canonical text a store read (parsed only if ``payload`` is asked for:
    /// a server serving a pull page sends the text as it is).
    private let content: Content
    /// The hybrid logical clock timestamp given by the author's device.
    public let hlc: HLCTimestamp
    /// The author: a professional id, or ``administratorId`` for writes made on the server.
    public let authorId: String
    /// The author's discipline (`clientManager`, `incomeConsultant`, `accountManager`); `nil` for the administrator.
    public let authorDiscipline: String?
    /// The device that made the change (``serverDeviceId`` for the server).
    public let deviceId: String

    /// The author id used for changes an administrator makes on the server.
    public static let administratorId = "administrator"
    /// The device id used for changes made on the server.
    public static let serverDeviceId = "server"

    /// Creates a change.
    public init(
        id: String, clientId: String, entityType: String, entityId: String, operation: String,
        payload: JSONValue, hlc: HLCTimestamp, authorId: String, authorDiscipline: String?, deviceId: String
    ) {
        self.init(
            id: id, clientId: clientId, entityType: entityType, entityId: entityId, operation: operation,
            content: .value(payload), hlc: hlc, authorId: authorId, authorDiscipline: authorDiscipline, deviceId: deviceId)
    }

    /// Creates a change whose payload is text read back from storage. Text the storage `authenticated` (a
    /// sealed payload, opened with AES-GCM) is the canonical text this system wrote (``JSONValue/canonicalText``
    /// of a parsed value): it is kept as it is, and parsed only when ``payload`` is read, so a server serving a
    /// pull page never parses it. Text stored in plaintext (an erasure record, a payload from before
    /// encryption at rest) is parsed here, so damaged text is an error now rather than a broken page later.
    public init(
        id: String, clientId: String, entityType: String, entityId: String, operation: String,
        storedPayload text: String, authenticated: Bool, hlc: HLCTimestamp, authorId: String,
        authorDiscipline: String?, deviceId: String
    ) throws(JSONParseError) {
        self.init(
            id: id, clientId: clientId, entityType: entityType, entityId: entityId, operation: operation,
            content: authenticated ? .canonical(text) : .value(try JSONValue(parsing: text)), hlc: hlc,
            authorId: authorId, authorDiscipline: authorDiscipline, deviceId: deviceId)
    }

    private init(
        id: String, clientId: String, entityType: String, entityId: String, operation: String, content: Content,
        hlc: HLCTimestamp, authorId: String, authorDiscipline: String?, deviceId: String
    ) {
        self.id = id
        self.clientId = clientId
        self.entityType = entityType
        self.entityId = entityId
        self.operation = operation
        self.content = content
        self.hlc = hlc
        self.authorId = authorId
        self.authorDiscipline = authorDiscipline
        self.deviceId = deviceId
    }

    private enum Content: Sendable {
        case value(JSONValue)
        case canonical(String)
    }

    /// The display order of changes: by ``hlc``, then by ``id`` (byte order) so that the order is total.
    ///
    /// Every replica sorts the same set of changes into the same sequence, whatever order they arrived in.
    /// The order decides what is shown first and which revision is shown as current; it never decides which
    /// write is kept: every change is kept.
    public static func displayOrder(_ lhs: Change, _ rhs: Change) -> Bool {
        if lhs.hlc != rhs.hlc { return lhs.hlc < rhs.hlc }
        return lhs.id.utf8.lexicographicallyPrecedes(rhs.id.utf8)
    }

    /// Whether two changes with the same id carry the same content (a retry), as opposed to an id reused
    /// for different content.
    public func isSameWrite(as other: Change) -> Bool {
        id == other.id && clientId == other.clientId && entityType == other.entityType
            && entityId == other.entityId && operation == other.operation
            && samePayload(as: other) && hlc == other.hlc
            && authorId == other.authorId && authorDiscipline == other.authorDiscipline
            && deviceId == other.deviceId
    }

    /// Whether the payloads are the same JSON (compared as values, or as canonical text when either was
    /// read as text). The two agree on every payload a parser produced. A `.double` with an integral value,
    /// which only code can make, is written with a fraction (`2.0`) that a parser reads back as the integer
    /// `2`: such a value equals its stored text only as text.
    private func samePayload(as other: Change) -> Bool {
        if case .value(let mine) = content, case .value(let theirs) = other.content { return mine == theirs }
        return canonicalPayload == other.canonicalPayload
    }

    /// Equal when every member is, the payload compared as JSON (whichever way each was read).
    public static func == (lhs: Change, rhs: Change) -> Bool {
        lhs.isSameWrite(as: rhs)
    }

    /// Hashes the members but the payload (equal changes have equal payloads, so this is consistent with
    /// `==`; two changes that differ only in their payload are an id reused, which the log refuses).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(clientId)
        hasher.combine(entityType)
        hasher.combine(entityId)
        hasher.combine(operation)
        hasher.combine(hlc)
        hasher.combine(authorId)
        hasher.combine(authorDiscipline)
        hasher.combine(deviceId)
    }

    private enum CodingKeys: String, CodingKey {
        case id, clientId, entityType, entityId, operation, payload, hlc, authorId, authorDiscipline, deviceId
    }

    /// Decodes the members the protocol names.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id), clientId: try container.decode(String.self, forKey: .clientId),
            entityType: try container.decode(String.self, forKey: .entityType),
            entityId: try container.decode(String.self, forKey: .entityId),
            operation: try container.decode(String.self, forKey: .operation),
            payload: try container.decode(JSONValue.self, forKey: .payload),
            hlc: try container.decode(HLCTimestamp.self, forKey: .hlc),
            authorId: try container.decode(String.self, forKey: .authorId),
            authorDiscipline: try container.decodeIfPresent(String.self, forKey: .authorDiscipline),
            deviceId: try container.decode(String.self, forKey: .deviceId))
    }

    /// Encodes the members the protocol names (`authorDiscipline` left out when there is none).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(clientId, forKey: .clientId)
        try container.encode(entityType, forKey: .entityType)
        try container.encode(entityId, forKey: .entityId)
        try container.encode(operation, forKey: .operation)
        try container.encode(payload, forKey: .payload)
        try container.encode(hlc, forKey: .hlc)
        try container.encode(authorId, forKey: .authorId)
        try container.encodeIfPresent(authorDiscipline, forKey: .authorDiscipline)
        try container.encode(deviceId, forKey: .deviceId)
    }

    /// The change with an empty payload: what is kept of a write about an erased client (a refused write in
    /// a replica's rejected list, a registration in the server's operations journal).
    public var withoutContent: Change {
        Change(
            id: id, clientId: clientId, entityType: entityType, entityId: entityId, operation: operation,
            payload: .object([:]), hlc: hlc, authorId: authorId, authorDiscipline: authorDiscipline, deviceId: deviceId)
    }
}
