public import Casework
public import ChangeLog

/// A professional with a device, as test data.
public struct TestAuthor: Sendable, Hashable {
    /// The professional.
    public let professional: Professional
    /// Their device id.
    public let deviceId: String

    /// Creates an author with fresh ids.
    public init(name: String, discipline: Discipline, deviceId: String? = nil, professionalId: String? = nil) {
        professional = Professional(
            id: professionalId ?? Identifier.make(wallMillis: 1), name: name, discipline: discipline)
        self.deviceId = deviceId ?? Identifier.make(wallMillis: 1)
    }
}

/// Makes changes the way a device would: ids, a hybrid logical clock, author and device filled in.
public struct ChangeFactory: Sendable {
    /// The clock stamping the changes.
    public var clock = HybridLogicalClock()
    /// The wall time used for the next change; advanced by ``step`` after each.
    public var wallMillis: Int64
    /// Milliseconds between changes.
    public var step: Int64

    /// Creates a factory starting at a wall time.
    public init(wallMillis: Int64 = 1_764_400_000_000, step: Int64 = 60_000) {
        self.wallMillis = wallMillis
        self.step = step
    }

    /// A change for `event` about `clientId` by `author` (entity id new unless given).
    public mutating func make(_ event: CaseEvent, client clientId: String, entity entityId: String? = nil,
                              by author: TestAuthor) -> Change {
        defer { wallMillis += step }
        return Change(
            id: Identifier.make(wallMillis: wallMillis), clientId: clientId, entityType: event.entityType,
            entityId: entityId ?? Identifier.make(wallMillis: wallMillis), operation: event.operation,
            payload: event.payload, hlc: clock.tick(wallMillis: wallMillis), authorId: author.professional.id,
            authorDiscipline: author.professional.discipline.rawValue, deviceId: author.deviceId)
    }

    /// A client registration by the administrator.
    public mutating func register(client clientId: String, name: String, team teamId: String) -> Change {
        defer { wallMillis += step }
        let event = CaseEvent.clientRegistered(ClientRegistration(name: name, teamId: teamId))
        return Change(
            id: Identifier.make(wallMillis: wallMillis), clientId: clientId, entityType: event.entityType,
            entityId: clientId, operation: event.operation, payload: event.payload,
            hlc: clock.tick(wallMillis: wallMillis), authorId: Change.administratorId, authorDiscipline: nil,
            deviceId: Change.serverDeviceId)
    }
}
