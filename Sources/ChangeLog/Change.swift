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
    public let payload: JSONValue
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
        self.id = id
        self.clientId = clientId
        self.entityType = entityType
        self.entityId = entityId
        self.operation = operation
        self.payload = payload
        self.hlc = hlc
        self.authorId = authorId
        self.authorDiscipline = authorDiscipline
        self.deviceId = deviceId
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
            && payload.canonicalText == other.payload.canonicalText && hlc == other.hlc
            && authorId == other.authorId && authorDiscipline == other.authorDiscipline
            && deviceId == other.deviceId
    }

    /// The change with an empty payload: what is kept of a write about an erased client (a refused write in
    /// a replica's rejected list, a registration in the server's operations journal).
    public var withoutContent: Change {
        Change(
            id: id, clientId: clientId, entityType: entityType, entityId: entityId, operation: operation,
            payload: .object([:]), hlc: hlc, authorId: authorId, authorDiscipline: authorDiscipline, deviceId: deviceId)
    }
}
