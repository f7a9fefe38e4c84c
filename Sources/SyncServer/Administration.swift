public import Casework
import ChangeLog
import Foundation
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
    /// Where every operation is also recorded, outside the database, to be done again after a restore.
    public let journal: OperationsJournal?
    let wallMillis: @Sendable () -> Int64
    /// Who acts, for the audit log: `administrator`, with the operating-system user when known.
    let actor: String

    /// Creates the administration for a store; `operator` names the person at the keyboard in the audit log.
    /// With a `journal`, every operation is recorded there too once the database has it.
    public init(store: any SyncStore, journal: OperationsJournal? = nil,
                wallMillis: @escaping @Sendable () -> Int64 = WallClock.millis, operatorName: String? = nil) {
        self.store = store
        self.journal = journal
        self.wallMillis = wallMillis
        self.actor = operatorName.map { "administrator:\($0)" } ?? Change.administratorId
    }

    /// Records a done operation in the journal. A failure here leaves the operation done but unrecorded: it
    /// is reported, because a restore would not do it again.
    private func journal(_ entry: JournalEntry) async throws {
        guard let journal else { return }
        do {
            try await store.noteJournal(try journal.record(entry))
        } catch {
            throw StoreError(
                code: .journalFailed,
                message: "done, but not recorded in the operations journal \(journal.path), so a restore from an "
                    + "earlier backup would not do it again: \(error)")
        }
    }

    /// The timestamp of a server-side change made now (see ``ServerClock``).
    private func stamp(_ now: Int64) async throws -> HLCTimestamp {
        try await store.serverStamp(wallMillis: now, maxAheadMillis: ServerClock.defaultMaxAheadMillis)
    }

    /// Records an administrative action in the audit log.
    func audit(_ action: String, clients: [String] = [], details: [String: String] = [:]) async throws {
        try await store.appendAudit(AuditEntry(
            at: wallMillis(), actor: actor, action: "admin.\(action)", clientIds: clients, details: details))
    }

    /// Starts a new generation of the audit key (see ``AuditKey/rotated()``) and returns the key: the key
    /// file gets the generation, then the log the record of the rotation, chained under the old generation
    /// (a later generation is valid in the chain only after that record; should this process stop between
    /// the two, the next entry of any process writes the record first). `StoreError` `invalidInput` when
    /// the store has no key.
    public func rotateAuditKey() async throws -> AuditKey {
        try await store.checkAuditKey()
        guard let key = store.auditKey else {
            throw StoreError(code: .invalidInput, message: "this database has no audit key to rotate")
        }
        let rotated = try key.rotated()
        try await audit("auditKeyRotated", details: ["generation": String(rotated.generation)])
        return rotated
    }

    /// Creates a team and returns it; `StoreError` `invalidInput` when a team has that name already (case
    /// and diacritics aside).
    public func createTeam(name: String) async throws -> TeamRecord {
        try checkName(name, field: "team name")
        // Teams are named in commands (`--team noord`): two of one name could not be told apart.
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        if let existing = try await store.teams().first(where: {
            $0.name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) == folded
        }) {
            throw StoreError(code: .invalidInput, message: "there is a team called \(existing.name) already (\(existing.id))")
        }
        try await store.checkAuditKey()  // before acting: the action must not be left unaudited
        let now = wallMillis()
        let team = TeamRecord(id: Identifier.make(wallMillis: now), name: name, createdAt: now)
        try await store.createTeam(team)
        try await audit("teamCreate", details: ["team": team.id])
        var entry = JournalEntry(kind: .teamCreate, at: now)
        entry.team = team
        try await journal(entry)
        return team
    }

    /// Creates a professional in one or more teams and returns them.
    public func createProfessional(name: String, discipline: Discipline, teamIds: [String]) async throws
        -> Professional
    {
        try checkName(name, field: "professional name")
        guard !teamIds.isEmpty else { throw StoreError(code: .invalidInput, message: "a professional needs a team") }
        try await store.checkAuditKey()  // before acting: the action must not be left unaudited
        let now = wallMillis()
        let professional = Professional(id: Identifier.make(wallMillis: now), name: name, discipline: discipline)
        try await store.createProfessional(professional, teamIds: teamIds, createdAt: now)
        try await audit(
            "professionalCreate",
            details: ["professional": professional.id, "discipline": discipline.rawValue, "teams": teamIds.joined(separator: ",")])
        var entry = JournalEntry(kind: .professionalCreate, at: now)
        entry.professional = professional
        entry.teamIds = teamIds
        try await journal(entry)
        return professional
    }

    /// Registers a client in a team: a `client.register` change in the log. Returns the client id.
    public func createClient(name: String, teamId: String) async throws -> String {
        try checkName(name, field: "client name")
        try await store.checkAuditKey()  // before acting: the action must not be left unaudited
        let now = wallMillis()
        let clientId = Identifier.make(wallMillis: now)
        let event = CaseEvent.clientRegistered(ClientRegistration(name: name, teamId: teamId))
        let change = Change(
            id: Identifier.make(wallMillis: now), clientId: clientId, entityType: event.entityType,
            entityId: clientId, operation: event.operation, payload: event.payload,
            hlc: try await stamp(now), authorId: Change.administratorId, authorDiscipline: nil,
            deviceId: Change.serverDeviceId)
        try await store.registerClient(ClientRecord(id: clientId, teamId: teamId, createdAt: now), registration: change)
        try await audit("clientCreate", clients: [clientId], details: ["team": teamId])
        var entry = JournalEntry(kind: .clientRegister, at: now)
        entry.clientId = clientId
        entry.teamId = teamId
        entry.change = change
        try await journal(entry)
        return clientId
    }

    /// Moves a client to another team: a `client.move` change in the log.
    ///
    /// Professionals of the new team receive the client's whole history on their next sync; those who lose
    /// the client have it removed from their replica on their next sync, after their pending writes about it
    /// were pushed (writes made before the move are accepted, later ones are refused).
    public func moveClient(_ clientId: String, toTeam teamId: String) async throws {
        guard Identifier.isValid(clientId) else { throw StoreError(code: .notFound, message: "no client with id \(clientId)") }
        guard Identifier.isValid(teamId) else { throw StoreError(code: .notFound, message: "no team with id \(teamId)") }
        try await store.checkAuditKey()  // before acting: the action must not be left unaudited
        let now = wallMillis()
        let event = CaseEvent.clientMoved(teamId: teamId)
        let change = Change(
            id: Identifier.make(wallMillis: now), clientId: clientId, entityType: event.entityType, entityId: clientId,
            operation: event.operation, payload: event.payload, hlc: try await stamp(now),
            authorId: Change.administratorId, authorDiscipline: nil, deviceId: Change.serverDeviceId)
        try await store.moveClient(clientId, toTeam: teamId, change: change)
        try await audit("clientMove", clients: [clientId], details: ["team": teamId])
        var entry = JournalEntry(kind: .clientMove, at: now)
        entry.clientId = clientId
        entry.teamId = teamId
        entry.change = change
        try await journal(entry)
    }

    /// Erases a client (AVG article 17): the content of every change about them is removed from the server,
    /// and every replica holding them removes them on its next sync. Returns how many changes were removed.
    ///
    /// - Parameter reason: Why (for the audit log, e.g. the request's reference); one line, no personal data.
    public func eraseClient(_ clientId: String, reason: String) async throws -> Int {
        try checkName(reason, field: "reason")
        guard Identifier.isValid(clientId) else { throw StoreError(code: .notFound, message: "no client \(clientId) to erase") }
        try await store.checkAuditKey()  // before acting: the action must not be left unaudited
        let now = wallMillis()
        let event = CaseEvent.clientErased
        let tombstone = Change(
            id: Identifier.make(wallMillis: now), clientId: clientId, entityType: event.entityType, entityId: clientId,
            operation: event.operation, payload: event.payload, hlc: try await stamp(now),
            authorId: Change.administratorId, authorDiscipline: nil, deviceId: Change.serverDeviceId)
        let removed: Int
        do {
            removed = try await erase(clientId, tombstone: tombstone, at: now, reason: reason)
        } catch let error as StoreError where error == .erased(clientId) {
            throw StoreError(code: error.code, message: "client \(clientId) was erased before; nothing of it is left to erase")
        }
        var entry = JournalEntry(kind: .clientErase, at: now)
        entry.clientId = clientId
        entry.change = tombstone
        entry.reason = reason
        do {
            if let journal { try await store.noteJournal(try journal.recordErasure(entry)) }
        } catch {
            throw StoreError(
                code: .journalFailed,
                message: "the client is erased, but the operations journal \(journal?.path ?? "") could not record it or "
                    + "remove the client's name: a restore from an earlier backup would not erase the client again: \(error)")
        }
        return removed
    }

    /// Erases on the store, with its audit entry in the same transaction.
    func erase(_ clientId: String, tombstone: Change, at now: Int64, reason: String) async throws -> Int {
        let actor = self.actor
        return try await store.eraseClient(clientId, tombstone: tombstone, at: now) { removed in
            AuditEntry(
                at: now, actor: actor, action: "admin.clientErase", clientIds: [clientId],
                details: ["changesRemoved": String(removed), "reason": reason])
        }
    }

    /// Revokes a device: its next request is answered with `deviceRevoked`, and it wipes its replica.
    public func revokeDevice(_ deviceId: String) async throws {
        try await store.checkAuditKey()  // before acting: the action must not be left unaudited
        let now = wallMillis()
        guard try await store.revokeDevice(deviceId, at: now) else {
            throw StoreError(code: .notFound, message: "no device \(deviceId)")
        }
        try await audit("deviceRevoke", details: ["device": deviceId])
        var entry = JournalEntry(kind: .deviceRevoke, at: now)
        entry.deviceId = deviceId
        try await journal(entry)
    }

    /// Stops serving pull cursors older than `keepMillis`: devices that have not synced since then rebuild
    /// their replica from the start of the log (keeping their own writes). Returns the new horizon.
    public func compact(keepMillis: Int64) async throws -> Int64 {
        try await store.checkAuditKey()
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
        try await store.checkAuditKey()  // before acting: the action must not be left unaudited
        let now = wallMillis()
        try await store.saveEnrollmentCode(
            hash: Secrets.hash(Secrets.normalizeEnrollmentCode(code)), professionalId: professionalId,
            createdAt: now, expiresAt: now + validForMillis)
        try await audit("enrollmentCodeIssue", details: ["professional": professionalId, "validForMillis": String(validForMillis)])
        return code
    }

    private func checkName(_ name: String, field: String) throws {
        do throws(CaseworkError) {
            try TextRules.checkName(name, field: field)
        } catch {
            throw StoreError(code: .invalidInput, message: error.message)
        }
    }
}
