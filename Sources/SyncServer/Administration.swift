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
    /// Who acts, for the audit log: `administrator`, with the operating-system user when known.
    let actor: String

    /// Creates the administration for a store; `operator` names the person at the keyboard in the audit log.
    public init(store: any SyncStore, wallMillis: @escaping @Sendable () -> Int64 = WallClock.millis,
                operatorName: String? = nil) {
        self.store = store
        self.wallMillis = wallMillis
        self.actor = operatorName.map { "administrator:\($0)" } ?? Change.administratorId
    }

    /// Records an administrative action in the audit log.
    private func audit(_ action: String, clients: [String] = [], details: [String: String] = [:]) async throws {
        try await store.appendAudit(AuditEntry(
            at: wallMillis(), actor: actor, action: "admin.\(action)", clientIds: clients, details: details))
    }

    /// Creates a team and returns it.
    public func createTeam(name: String) async throws -> TeamRecord {
        try checkName(name, field: "team name")
        let now = wallMillis()
        let team = TeamRecord(id: Identifier.make(wallMillis: now), name: name, createdAt: now)
        try await store.createTeam(team)
        try await audit("teamCreate", details: ["team": team.id])
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
        try await audit(
            "professionalCreate",
            details: ["professional": professional.id, "discipline": discipline.rawValue, "teams": teamIds.joined(separator: ",")])
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
        try await audit("clientCreate", clients: [clientId], details: ["team": teamId])
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
        try await audit("clientMove", clients: [clientId], details: ["team": teamId])
    }

    /// Erases a client (AVG article 17): the content of every change about them is removed from the server,
    /// and every replica holding them removes them on its next sync. Returns how many changes were removed.
    ///
    /// - Parameter reason: Why (for the audit log, e.g. the request's reference); one line, no personal data.
    public func eraseClient(_ clientId: String, reason: String) async throws -> Int {
        try checkName(reason, field: "reason")
        guard Identifier.isValid(clientId) else { throw StoreError(code: "notFound", message: "no client \(clientId) to erase") }
        let now = wallMillis()
        let event = CaseEvent.clientErased
        let tombstone = Change(
            id: Identifier.make(wallMillis: now), clientId: clientId, entityType: event.entityType, entityId: clientId,
            operation: event.operation, payload: event.payload, hlc: Self.stamp(now),
            authorId: Change.administratorId, authorDiscipline: nil, deviceId: Change.serverDeviceId)
        let removed = try await store.eraseClient(clientId, tombstone: tombstone, at: now)
        try await audit("clientErase", clients: [clientId], details: ["changesRemoved": String(removed), "reason": reason])
        return removed
    }

    /// Revokes a device: its next request is answered with `deviceRevoked`, and it wipes its replica.
    public func revokeDevice(_ deviceId: String) async throws {
        guard try await store.revokeDevice(deviceId, at: wallMillis()) else {
            throw StoreError(code: "notFound", message: "no device \(deviceId)")
        }
        try await audit("deviceRevoke", details: ["device": deviceId])
    }

    /// Stops serving pull cursors older than `keepMillis`: devices that have not synced since then rebuild
    /// their replica from the start of the log (keeping their own writes). Returns the new horizon.
    public func compact(keepMillis: Int64) async throws -> Int64 {
        let horizon = try await store.advanceHorizon(receivedBefore: wallMillis() - keepMillis)
        try await audit("compact", details: ["horizon": String(horizon)])
        return horizon
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
        try await audit("enrollmentCodeIssue", details: ["professional": professionalId, "validForMillis": String(validForMillis)])
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
