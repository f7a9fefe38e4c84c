import Casework
import ChangeLog
import Foundation
import SyncProtocol

/// What a replay of the operations journal did to a restored database.
public struct JournalReplay: Hashable, Sendable {
    /// The operations done again, one readable line each (ids only, no names).
    public var reapplied: [String] = []
    /// Operations that could not be done again, and why.
    public var failed: [String] = []

    /// An empty replay.
    public init() {}
}

extension Administration {
    /// Why a journal cannot bring a database up to date: it is missing, another journal, or shorter than the
    /// one the database recorded to (entries since the backup are lost). `code` `journalIncomplete`.
    static func incomplete(_ journal: OperationsJournal, _ message: String) -> StoreError {
        StoreError(
            code: .journalIncomplete,
            message: "the operations journal \(journal.path) \(message), so what was done since the backup cannot be "
                + "redone from it. Redo by hand, before the server serves: every erasure and device revocation since "
                + "the backup (admin client erase, admin device revoke — the erasure requests' records and the audit "
                + "log of the replaced database say which), then registrations, moves and enrollments")
    }

    /// Checks that `contents` covers everything the database recorded to its journal, `recorded` (see
    /// ``JournalMark``).
    static func checkCoverage(_ contents: JournalContents, recorded: JournalMark?, of journal: OperationsJournal) throws {
        guard let recorded else { return }
        guard let mark = contents.mark else { throw Self.incomplete(journal, "is missing or empty") }
        guard mark.journalId == recorded.journalId else {
            throw Self.incomplete(journal, "is journal \(mark.journalId), not \(recorded.journalId) that this database recorded to")
        }
        guard mark.entries >= recorded.entries else {
            throw Self.incomplete(
                journal, "has \(mark.entries) entries, fewer than the \(recorded.entries) this database had seen")
        }
    }

    /// Does again every operation of `journal` that the database lacks — after a restore from a backup made
    /// before them — with the same ids and timestamps: teams, professionals, client registrations and moves,
    /// device enrollments, revocations and erasures, and which devices were told of a client's loss.
    /// Operations the database has are skipped, so a replay is safe to run at any time; on a database that is
    /// up to date it does nothing. Each operation redone is audited (`admin.redo`, erasures as
    /// `admin.clientErase`), and so is the replay when it did anything.
    ///
    /// - Throws: `StoreError` `journalIncomplete` (before changing anything) when the journal does not cover
    ///   what the database recorded to it: missing, another journal, or shorter — unless `requireCoverage` is
    ///   `false`, for an operator who redoes by hand what the journal lacks.
    public func reapply(_ journal: OperationsJournal, requireCoverage: Bool = true) async throws -> JournalReplay {
        let contents = try journal.read()
        let recorded = try await store.journalMark()
        if requireCoverage { try Self.checkCoverage(contents, recorded: recorded, of: journal) }
        // The database recorded every entry of the journal, and every entry reads: nothing to redo or report,
        // and no need to read the whole directory (every server start comes here).
        let unreadable = contents.entries.contains { $0.kind == .unreadable }
        guard !contents.entries.isEmpty, recorded != contents.mark || unreadable else { return JournalReplay() }
        var teams = Set(try await store.teams().map(\.id))
        var professionals = Set(try await store.professionals().map(\.professional.id))
        var clients = Dictionary(try await store.clients().map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        var devices = Dictionary(try await store.devices().map { ($0.id, $0.revokedAt != nil) }, uniquingKeysWith: { $1 })
        var replay = JournalReplay()
        for (number, entry) in contents.entries.enumerated() {
            do {
                if let line = try await reapply(
                    entry, teams: &teams, professionals: &professionals, clients: &clients, devices: &devices)
                {
                    replay.reapplied.append(line)
                    if entry.kind != .clientErase, entry.kind != .deviceRevoke {
                        try await audit("redo", clients: entry.clientId.map { [$0] } ?? [], details: ["operation": line])
                    }
                }
            } catch {
                replay.failed.append("\(entry.kind.rawValue) of \(CalendarTime.iso8601(millis: entry.at)): \(error)")
            }
            if entry.kind == .unreadable {
                replay.failed.append("entry \(number + 1) of the journal could not be read (cut off by a crash?)")
            }
        }
        if let mark = contents.mark { try await store.noteJournal(mark) }
        if !replay.reapplied.isEmpty || !replay.failed.isEmpty {
            try await store.appendAudit(AuditEntry(
                at: wallMillis(), actor: actor, action: "admin.journalReplay",
                details: ["reapplied": String(replay.reapplied.count), "failed": String(replay.failed.count), "journal": journal.path]))
        }
        return replay
    }

    private func reapply(
        _ entry: JournalEntry, teams: inout Set<String>, professionals: inout Set<String>,
        clients: inout [String: ClientRecord], devices: inout [String: Bool]
    ) async throws -> String? {
        switch entry.kind {
        case .teamCreate:
            guard let team = entry.team, !teams.contains(team.id) else { return nil }
            try await store.createTeam(team)
            teams.insert(team.id)
            return "team \(team.id) created again"
        case .professionalCreate:
            guard let professional = entry.professional, !professionals.contains(professional.id) else { return nil }
            try await store.createProfessional(professional, teamIds: entry.teamIds ?? [], createdAt: entry.at)
            professionals.insert(professional.id)
            return "professional \(professional.id) created again"
        case .clientRegister:
            guard let clientId = entry.clientId, let teamId = entry.teamId, let change = entry.change,
                clients[clientId] == nil
            else { return nil }
            let record = ClientRecord(id: clientId, teamId: teamId, createdAt: entry.at)
            // (One erased after the backup too has no key any more: it is registered without content, and its
            // erasure, later in the journal, is done again.)
            try await store.registerClient(record, registration: change)
            clients[clientId] = record
            return "client \(clientId) registered again"
        case .clientMove:
            guard let clientId = entry.clientId, let teamId = entry.teamId, let change = entry.change,
                let client = clients[clientId], client.erasedAt == nil, try await !store.holdsChange(change.id)
            else { return nil }
            try await store.moveClient(clientId, toTeam: teamId, change: change)
            clients[clientId] = ClientRecord(id: clientId, teamId: teamId, createdAt: client.createdAt)
            return "client \(clientId) moved to team \(teamId) again"
        case .clientErase:
            guard let clientId = entry.clientId, let tombstone = entry.change, let client = clients[clientId],
                client.erasedAt == nil
            else { return nil }
            let removed = try await erase(
                clientId, tombstone: tombstone, at: entry.at,
                reason: "done again after a restore: " + (entry.reason ?? ""))
            clients[clientId]?.erasedAt = entry.at
            return "client \(clientId) erased again (\(removed) changes removed)"
        case .deviceEnroll:
            guard let deviceId = entry.deviceId, let professionalId = entry.professionalId, let hash = entry.tokenHash,
                devices[deviceId] == nil
            else { return nil }
            _ = try await store.restoreDevice(
                NewDevice(id: deviceId, name: entry.deviceName, tokenHash: hash), professionalId: professionalId,
                enrolledAt: entry.at, codeHash: entry.codeHash)
            devices[deviceId] = false
            return "device \(deviceId) enrolled again"
        case .deviceRevoke:
            guard let deviceId = entry.deviceId, devices[deviceId] == false else { return nil }
            _ = try await store.revokeDevice(deviceId, at: entry.at)
            devices[deviceId] = true
            try await audit("deviceRevoke", details: ["device": deviceId, "reason": "done again after a restore"])
            return "device \(deviceId) revoked again"
        case .deviceTold:
            // Idempotent; only what a restore took back is said.
            guard let deviceId = entry.deviceId, let clientId = entry.clientId, devices[deviceId] != nil else { return nil }
            try await store.markTold(deviceId: deviceId, clientId: clientId)
            return nil
        case .journal, .unreadable:
            return nil
        }
    }
}
