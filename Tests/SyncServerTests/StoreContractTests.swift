import Casework
import ChangeLog
import SamenspelTestSupport
import SyncProtocol
@testable import SyncServer
import Testing

/// The storage contract (``SyncStore``) called directly, without routes, on every backend: the in-memory
/// reference store, SQLite and PostgreSQL must answer alike. Each refusal is a typed ``StoreError`` and
/// leaves what is stored as it was (every method commits completely or not at all).
@Suite struct StoreContractTests {
    /// What a refusal must leave as it was.
    struct Stored: Equatable {
        let teams: [TeamRecord]
        let professionals: [ProfessionalRecord]
        let clients: [ClientRecord]
        let logEnd: Int64
        let devices: [DeviceRecord]

        init(_ store: any SyncStore) async throws {
            teams = try await store.teams()
            professionals = try await store.professionals()
            clients = try await store.clients()
            logEnd = try await store.logEnd()
            devices = try await store.devices()
        }
    }

    /// A server-side change about `clientId` (registration, move, erasure), stamped by the store's clock.
    static func serverChange(_ event: CaseEvent, client clientId: String, store: any SyncStore) async throws -> Change {
        let now = WallClock.millis()
        return Change(
            id: Identifier.make(wallMillis: now), clientId: clientId, entityType: event.entityType, entityId: clientId,
            operation: event.operation, payload: event.payload,
            hlc: try await store.serverStamp(wallMillis: now, maxAheadMillis: 60_000), authorId: Change.administratorId,
            authorDiscipline: nil, deviceId: Change.serverDeviceId)
    }

    /// Runs `body` and expects the store error `code`.
    static func expectRefusal(
        _ code: ErrorCode, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            try await body()
            Issue.record("expected \(code), but it was done", sourceLocation: sourceLocation)
        } catch let error as StoreError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected StoreError \(code), got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: Backend.all) func directoryRefusals_areTyped_andStoreNothing(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { _ in
            let store = fixture.store
            let before = try await Stored(store)
            let unknownTeam = Identifier.make(wallMillis: WallClock.millis())
            let unknownClient = Identifier.make(wallMillis: WallClock.millis())
            let ghost = Professional(id: Identifier.make(wallMillis: WallClock.millis()), name: "Geest", discipline: .clientManager)
            await Self.expectRefusal(ErrorCode.notFound) {
                try await store.createProfessional(ghost, teamIds: [fixture.team.id, unknownTeam], createdAt: 1)
            }
            let newcomer = Identifier.make(wallMillis: WallClock.millis())
            let registration = try await Self.serverChange(
                .clientRegistered(ClientRegistration(name: "Nieuw", teamId: unknownTeam)), client: newcomer, store: store)
            await Self.expectRefusal(ErrorCode.notFound) {
                try await store.registerClient(ClientRecord(id: newcomer, teamId: unknownTeam, createdAt: 1), registration: registration)
            }
            let toUnknown = try await Self.serverChange(.clientMoved(teamId: unknownTeam), client: fixture.jaap, store: store)
            await Self.expectRefusal(ErrorCode.notFound) { try await store.moveClient(fixture.jaap, toTeam: unknownTeam, change: toUnknown) }
            let ofUnknown = try await Self.serverChange(.clientMoved(teamId: fixture.team.id), client: unknownClient, store: store)
            await Self.expectRefusal(ErrorCode.notFound) { try await store.moveClient(unknownClient, toTeam: fixture.team.id, change: ofUnknown) }
            let toOwnTeam = try await Self.serverChange(.clientMoved(teamId: fixture.team.id), client: fixture.jaap, store: store)
            await Self.expectRefusal(ErrorCode.invalidInput) { try await store.moveClient(fixture.jaap, toTeam: fixture.team.id, change: toOwnTeam) }
            let tombstone = try await Self.serverChange(.clientErased, client: unknownClient, store: store)
            await Self.expectRefusal(ErrorCode.notFound) {
                _ = try await store.eraseClient(unknownClient, tombstone: tombstone, at: 1) { _ in
                    AuditEntry(at: 1, actor: "admin", action: "admin.clientErase")
                }
            }
            #expect(try await Stored(store) == before)
            #expect(try await store.holdsChange(registration.id) == false)
        }
    }

    @Test(arguments: Backend.all) func anIdStoredTwice_isRefused_andChangesNothing(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { _ in
            let store = fixture.store
            let now = WallClock.millis()
            try await store.saveEnrollmentCode(hash: "code", professionalId: fixture.sanne.id, createdAt: now, expiresAt: now + 60_000)
            let laptop = NewDevice(id: Identifier.make(wallMillis: now), name: "laptop", tokenHash: "token-hash")
            #expect(try await store.redeemEnrollmentCode(hash: "code", device: laptop, now: now) == fixture.sanne)
            let before = try await Stored(store)
            await Self.expectRefusal(ErrorCode.invalidInput) {
                try await store.createTeam(TeamRecord(id: fixture.team.id, name: "Andere naam", createdAt: now))
            }
            await Self.expectRefusal(ErrorCode.invalidInput) {
                try await store.createProfessional(fixture.ahmed, teamIds: [fixture.otherTeam.id], createdAt: now)
            }
            await Self.expectRefusal(ErrorCode.invalidInput) {
                try await store.saveEnrollmentCode(hash: "code", professionalId: fixture.ahmed.id, createdAt: now, expiresAt: now + 1)
            }
            // A second code redeemed for a device id that exists: refused, and the code is not spent.
            try await store.saveEnrollmentCode(hash: "second", professionalId: fixture.ahmed.id, createdAt: now, expiresAt: now + 60_000)
            let sameId = NewDevice(id: laptop.id, name: "kopie", tokenHash: "other-hash")
            await Self.expectRefusal(ErrorCode.invalidInput) {
                _ = try await store.redeemEnrollmentCode(hash: "second", device: sameId, now: now)
            }
            #expect(try await Stored(store) == before)
            let fresh = NewDevice(id: Identifier.make(wallMillis: now), name: "nieuw", tokenHash: "fresh-hash")
            #expect(try await store.redeemEnrollmentCode(hash: "second", device: fresh, now: now) == fixture.ahmed)
        }
    }

    @Test(arguments: Backend.all) func anErasure_leavesOnlyItsTombstone_andRefusesEverythingAfter(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { _ in
            let store = fixture.store
            let registration = try #require(try await store.logActivity(after: 0, limit: 100).first { $0.clientId == fixture.jaap })
            let move = try await Self.serverChange(.clientMoved(teamId: fixture.otherTeam.id), client: fixture.jaap, store: store)
            try await store.moveClient(fixture.jaap, toTeam: fixture.otherTeam.id, change: move)
            #expect(try await store.holdsChange(move.id))
            let end = try await store.logEnd()
            let moved = try #require(try await store.logActivity(after: end - 1, limit: 10).first)
            #expect(moved.position == end && moved.clientId == fixture.jaap && moved.changesScope)
            #expect(moved.teamId == fixture.otherTeam.id)

            let tombstone = try await Self.serverChange(.clientErased, client: fixture.jaap, store: store)
            let removed = try await store.eraseClient(fixture.jaap, tombstone: tombstone, at: 7) { count in
                AuditEntry(at: 7, actor: "admin", action: "admin.clientErase", clientIds: [fixture.jaap], details: ["changes": String(count)])
            }
            #expect(removed == 2, "the registration and the move")
            #expect(try await store.holdsChange(move.id) == false)
            #expect(try await store.holdsChange(tombstone.id))
            #expect(try await store.logEnd() == end + 1, "positions are never reused")
            let left = try await store.logActivity(after: 0, limit: 100).filter { $0.clientId == fixture.jaap }
            #expect(left.map(\.position) == [end + 1] && left.first?.position != registration.position)
            let client = try #require(try await store.clients().first { $0.id == fixture.jaap })
            #expect(client.erasedAt == 7 && client.name == nil)
            let audited = try await store.auditEntries(clientId: fixture.jaap, actor: "admin")
            #expect(audited.last?.details["changes"] == "2")
            #expect(try await store.verifyAudit().isIntact)

            let before = try await Stored(store)
            let again = try await Self.serverChange(.clientErased, client: fixture.jaap, store: store)
            await Self.expectRefusal(ErrorCode.clientErased) {
                _ = try await store.eraseClient(fixture.jaap, tombstone: again, at: 8) { _ in
                    AuditEntry(at: 8, actor: "admin", action: "admin.clientErase")
                }
            }
            let back = try await Self.serverChange(.clientMoved(teamId: fixture.team.id), client: fixture.jaap, store: store)
            await Self.expectRefusal(ErrorCode.clientErased) { try await store.moveClient(fixture.jaap, toTeam: fixture.team.id, change: back) }
            #expect(try await Stored(store) == before)
            let sanne = Principal(deviceId: "none", professional: fixture.sanne, teamIds: [fixture.team.id])
            #expect(try await store.digests(for: sanne).clients[fixture.jaap] == nil)
            await Self.expectRefusal(ErrorCode.outOfScope) {
                _ = try await store.clientChanges(for: sanne, clientId: fixture.jaap, after: 0, limit: 10)
            }
        }
    }

    @Test(arguments: Backend.all) func devices_enrollOnce_revokeOnce_andRestoreOnlyWhatIsMissing(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { _ in
            let store = fixture.store
            let now = WallClock.millis()
            await Self.expectRefusal(ErrorCode.notFound) {
                try await store.saveEnrollmentCode(hash: "unknown-professional", professionalId: "nobody", createdAt: now, expiresAt: now + 1)
            }
            try await store.saveEnrollmentCode(hash: "code", professionalId: fixture.sanne.id, createdAt: now, expiresAt: now + 60_000)
            try await store.saveEnrollmentCode(hash: "expired", professionalId: fixture.sanne.id, createdAt: now, expiresAt: now)
            let laptop = NewDevice(id: Identifier.make(wallMillis: now), name: "laptop", tokenHash: "token-hash")
            #expect(try await store.redeemEnrollmentCode(hash: "expired", device: laptop, now: now) == nil)
            #expect(try await store.redeemEnrollmentCode(hash: "code", device: laptop, now: now) == fixture.sanne)
            let second = NewDevice(id: Identifier.make(wallMillis: now), name: "tweede", tokenHash: "other-hash")
            #expect(try await store.redeemEnrollmentCode(hash: "code", device: second, now: now) == nil, "a code works once")
            #expect(try await store.devices().map(\.id) == [laptop.id])

            guard case .valid(let principal)? = try await store.authenticate(tokenHash: "token-hash", now: now) else {
                Issue.record("the enrolled device's token does not authenticate")
                return
            }
            #expect(principal.deviceId == laptop.id && principal.professional == fixture.sanne)
            #expect(principal.teamIds == [fixture.team.id])
            #expect(try await store.authenticate(tokenHash: "no-such-hash", now: now) == nil)
            #expect(try await store.status(activeSince: now).activeDevices == 1)

            #expect(try await store.revokeDevice("no-such-device", at: now) == false)
            #expect(try await store.revokeDevice(laptop.id, at: now + 1))
            await Self.expectRefusal(ErrorCode.invalidInput) { _ = try await store.revokeDevice(laptop.id, at: now + 2) }
            guard case .revoked(let deviceId)? = try await store.authenticate(tokenHash: "token-hash", now: now) else {
                Issue.record("a revoked device's token is not told to wipe")
                return
            }
            #expect(deviceId == laptop.id)
            #expect(try await store.devices().first?.revokedAt == now + 1)

            // After a restore, the journal re-creates what the database lacks, and nothing else.
            #expect(try await store.restoreDevice(laptop, professionalId: fixture.sanne.id, enrolledAt: now, codeHash: "code") == false)
            await Self.expectRefusal(ErrorCode.notFound) {
                _ = try await store.restoreDevice(second, professionalId: "nobody", enrolledAt: now, codeHash: nil)
            }
            try await store.saveEnrollmentCode(hash: "spent-later", professionalId: fixture.ahmed.id, createdAt: now, expiresAt: now + 60_000)
            #expect(try await store.restoreDevice(second, professionalId: fixture.ahmed.id, enrolledAt: now, codeHash: "spent-later"))
            let third = NewDevice(id: Identifier.make(wallMillis: now), name: "derde", tokenHash: "third-hash")
            #expect(try await store.redeemEnrollmentCode(hash: "spent-later", device: third, now: now) == nil, "a code spent after the backup stays spent")
            #expect(try await store.devices().map(\.id).sorted() == [laptop.id, second.id].sorted())
        }
    }

    @Test(arguments: Backend.all) func theServerClock_neverGoesBack_andIsNotDraggedFarAhead(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { _ in
            let store = fixture.store
            let now = WallClock.millis()
            let first = try await store.serverStamp(wallMillis: now, maxAheadMillis: 60_000)
            let behind = try await store.serverStamp(wallMillis: now - 30_000, maxAheadMillis: 60_000)
            #expect(behind > first, "a host clock set back (within the allowed drift) does not move stamps back")
            let later = try await store.serverStamp(wallMillis: now + 10, maxAheadMillis: 60_000)
            #expect(later > behind)
            // A stamp far ahead (an administrator's clock a day fast) is not followed by later writes.
            let dayAhead = try await store.serverStamp(wallMillis: now + 86_400_000, maxAheadMillis: 60_000)
            let afterIt = try await store.serverStamp(wallMillis: now + 20, maxAheadMillis: 60_000)
            #expect(afterIt.wallMillis < dayAhead.wallMillis && afterIt > later)
        }
    }

    @Test(arguments: Backend.all) func operationsFacts_epochJournalAndHorizon(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { _ in
            let store = fixture.store
            let epoch = try await store.epoch()
            #expect(!epoch.isEmpty)
            #expect(try await store.epoch() == epoch, "the epoch stays while the history continues")
            let renewed = try await store.renewEpoch()
            #expect(renewed != epoch)
            #expect(try await store.epoch() == renewed)

            #expect(try await store.journalMark() == nil)
            try await store.noteJournal(JournalMark(journalId: "j1", entries: 5))
            try await store.noteJournal(JournalMark(journalId: "j1", entries: 3))
            #expect(try await store.journalMark() == JournalMark(journalId: "j1", entries: 5), "never lowered")
            try await store.noteJournal(JournalMark(journalId: "j2", entries: 1))
            #expect(try await store.journalMark() == JournalMark(journalId: "j2", entries: 1), "a new journal starts over")

            // The horizon: positions received before a time stop being served, the start of the log never.
            let end = try await store.logEnd()
            #expect(end > 0)
            let sanne = Principal(deviceId: "none", professional: fixture.sanne, teamIds: [fixture.team.id])
            _ = try await store.pull(for: sanne, after: PullPosition(position: 1), limit: 10)
            #expect(try await store.advanceHorizon(receivedBefore: 0) == 0)
            #expect(try await store.advanceHorizon(receivedBefore: WallClock.millis() + 60_000) == end)
            #expect(try await store.advanceHorizon(receivedBefore: 0) == end, "the horizon never moves back")
            await Self.expectRefusal(ErrorCode.cursorExpired) {
                _ = try await store.pull(for: sanne, after: PullPosition(position: 1), limit: 10)
            }
            await Self.expectRefusal(ErrorCode.cursorExpired) {
                _ = try await store.pull(for: sanne, after: PullPosition(position: end + 1), limit: 10)
            }
            let fromStart = try await store.pull(for: sanne, after: .start, limit: 10)
            #expect(fromStart.changes.map(\.clientId) == [fixture.jaap], "the start is always served, within the caseload")
            #expect(fromStart.professionals.isEmpty, "the registration's author is the administrator")
        }
    }
}
