public import Casework
import ChangeLog
public import SyncProtocol

/// What an administrator does on the server: teams, professionals, clients and enrollment codes.
///
/// Used by `samenspel admin`, directly on the store (the server may be running at the same time).
/// Inputs are checked here; a failure is a ``StoreError`` with a readable message and stores nothing.
public struct Administration: Sendable {
    /// How long an enrollment code stays valid unless told otherwise: 24 hours.
    public static let defaultEnrollmentValidityMillis: Int64 = 24 * 60 * 60 * 1000

    /// The store administered.
    public let store: any SyncStore
    let wallMillis: @Sendable () -> Int64

    /// Creates the administration for a store.
    public init(store: any SyncStore, wallMillis: @escaping @Sendable () -> Int64 = WallClock.millis) {
        self.store = store
        self.wallMillis = wallMillis
    }

    /// Creates a team and returns it.
    public func createTeam(name: String) async throws -> TeamRecord {
        try checkName(name, field: "team name")
        let now = wallMillis()
        let team = TeamRecord(id: Identifier.make(wallMillis: now), name: name, createdAt: now)
        try await store.createTeam(team)
        return team
    }

    /// Creates a professional in one or more teams and returns them.
    public func createProfessional(name: String, discipline: Discipline, teamIds: [String]) async throws
        -> Professional
    {
        try checkName(name, field: "professional name")
        guard !teamIds.isEmpty else { throw StoreError(code: "invalidInput", message: "a professional needs a team") }
        let now = wallMillis()
        let professional = Professional(id: Identifier.make(wallMillis: now), name: name, discipline: discipline)
        try await store.createProfessional(professional, teamIds: teamIds, createdAt: now)
        return professional
    }

    /// Registers a client in a team: a `client.register` change in the log. Returns the client id.
    public func createClient(name: String, teamId: String) async throws -> String {
        try checkName(name, field: "client name")
        let now = wallMillis()
        let clientId = Identifier.make(wallMillis: now)
        let event = CaseEvent.clientRegistered(ClientRegistration(name: name, teamId: teamId))
        let change = Change(
            id: Identifier.make(wallMillis: now), clientId: clientId, entityType: event.entityType,
            entityId: clientId, operation: event.operation, payload: event.payload,
            hlc: Self.stamp(now), authorId: Change.administratorId, authorDiscipline: nil,
            deviceId: Change.serverDeviceId)
        try await store.registerClient(ClientRecord(id: clientId, teamId: teamId, createdAt: now), registration: change)
        return clientId
    }

    /// Moves a client to another team: a `client.move` change in the log.
    ///
    /// Professionals of the new team receive the client's whole history on their next sync; those who lose
    /// the client have it removed from their replica on their next sync, after their pending writes about it
    /// were pushed (writes made before the move are accepted, later ones are refused).
    public func moveClient(_ clientId: String, toTeam teamId: String) async throws {
        let now = wallMillis()
        let event = CaseEvent.clientMoved(teamId: teamId)
        let change = Change(
            id: Identifier.make(wallMillis: now), clientId: clientId, entityType: event.entityType, entityId: clientId,
            operation: event.operation, payload: event.payload, hlc: Self.stamp(now),
            authorId: Change.administratorId, authorDiscipline: nil, deviceId: Change.serverDeviceId)
        guard Identifier.isValid(clientId) else { throw StoreError(code: "notFound", message: "no client with id \(clientId)") }
        guard Identifier.isValid(teamId) else { throw StoreError(code: "notFound", message: "no team with id \(teamId)") }
        try await store.moveClient(clientId, toTeam: teamId, change: change)
    }

    /// Stops serving pull cursors older than `keepMillis`: devices that have not synced since then rebuild
    /// their replica from the start of the log (keeping their own writes). Returns the new horizon.
    public func compact(keepMillis: Int64) async throws -> Int64 {
        try await store.advanceHorizon(receivedBefore: wallMillis() - keepMillis)
    }

    /// Issues a one-time enrollment code for a professional, valid for `validForMillis`.
    ///
    /// The code is returned once and stored only as a hash.
    public func issueEnrollmentCode(
        professionalId: String, validForMillis: Int64 = Administration.defaultEnrollmentValidityMillis
    ) async throws -> String {
        let code = Secrets.makeEnrollmentCode()
        let now = wallMillis()
        try await store.saveEnrollmentCode(
            hash: Secrets.hash(Secrets.normalizeEnrollmentCode(code)), professionalId: professionalId,
            createdAt: now, expiresAt: now + validForMillis)
        return code
    }

    /// The timestamp of an administrator's change: the server's wall clock itself. Devices' clocks may run
    /// up to the allowed drift ahead, but a move must take effect when it is made, not minutes later.
    static func stamp(_ wallMillis: Int64) -> HLCTimestamp {
        HLCTimestamp(wallMillis: wallMillis, logical: 0)
    }

    private func checkName(_ name: String, field: String) throws {
        do throws(CaseworkError) {
            try TextRules.checkName(name, field: field)
        } catch {
            throw StoreError(code: "invalidInput", message: error.message)
        }
    }
}
