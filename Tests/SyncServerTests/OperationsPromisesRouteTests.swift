import Casework
import ChangeLog
import Foundation
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

/// What operations must not break, route by route and on both backends: the caseload is checked against
/// what the server knows rather than the device's clock, an erasure reaches every team that held the client
/// together with its audit entry, refusals that depend on what the server holds are not final, and every
/// answer says which history (restore epoch) it comes from.
@Suite struct OperationsPromisesRouteTests {
    /// Every notice a device gets, pulling from `cursor` to the end (where `cursor` is left).
    static func notices(_ api: API, _ device: Device, from cursor: inout String?) async throws -> [ScopeNotice] {
        var notices: [ScopeNotice] = []
        while true {
            let page = try await api.pull(after: cursor, as: device)
            notices += page.scope.map { [$0] } ?? []
            cursor = page.cursor
            if !page.hasMore { return notices }
        }
    }

    static func notices(_ api: API, _ device: Device) async throws -> [ScopeNotice] {
        var cursor: String?
        return try await notices(api, device, from: &cursor)
    }

    @Test(arguments: Backend.all) func aDeviceEnrolledAfterTheMove_cannotBackdateAWriteAboutTheClient(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            try await api.admin.moveClient(fixture.jaap, toTeam: fixture.otherTeam.id)
            // Sanne's team lost Jaap. A laptop enrolled for her now stamps a note 1.5 s before the move.
            let fresh = try await api.enroll(fixture.sanne)
            var backdated = ChangeFactory(wallMillis: WallClock.millis() - 1_500)
            let note = backdated.make(.noteAdded(NoteContent(text: "backdated")), client: fixture.jaap, by: fresh.author)
            #expect(try await api.push([note], as: fresh).results.first?.error?.code == ErrorCode.outOfScope)
            let outsider = try await api.enroll(fixture.outsider)
            #expect(try await !api.pullAll(as: outsider).contains { $0.id == note.id }, "the new team never sees it")
        }
    }

    @Test(arguments: Backend.all) func aDeviceThatWasSentTheMove_cannotBackdateAWrite_butOneOfflineSinceBeforeItCan(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let told = try await api.enroll(fixture.sanne)
            let offline = try await api.enroll(fixture.sanne)
            var before = ChangeFactory(wallMillis: WallClock.millis() - 2_000)
            let written = before.make(.noteAdded(NoteContent(text: "at the kitchen table")), client: fixture.jaap, by: offline.author)
            try await api.admin.moveClient(fixture.jaap, toTeam: fixture.otherTeam.id)
            #expect(try await Self.notices(api, told).contains(ScopeNotice(clientId: fixture.jaap, access: .revoked)))
            var backdated = ChangeFactory(wallMillis: WallClock.millis() - 1_500)
            let forged = backdated.make(.noteAdded(NoteContent(text: "backdated")), client: fixture.jaap, by: told.author)
            #expect(try await api.push([forged], as: told).results.first?.error?.code == ErrorCode.outOfScope)
            // The laptop offline since before the move has not been told: what it wrote then is accepted.
            #expect(try await api.push([written], as: offline).results.first?.status == .accepted)
        }
    }

    @Test(arguments: Backend.all) func anErasure_isToldToEveryTeamThatEverHeldTheClient(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let outsider = try await api.enroll(fixture.outsider)
            var (sanneAt, outsiderAt): (String?, String?) = (nil, nil)
            try await api.admin.moveClient(fixture.jaap, toTeam: fixture.otherTeam.id)
            #expect(try await Self.notices(api, sanne, from: &sanneAt) == [ScopeNotice(clientId: fixture.jaap, access: .revoked)])
            #expect(try await Self.notices(api, outsider, from: &outsiderAt) == [ScopeNotice(clientId: fixture.jaap, access: .granted)])
            _ = try await api.admin.eraseClient(fixture.jaap, reason: "AVG-2026-118")
            // Sanne's laptop, a former holder, may still keep refused writes about Jaap: it is told too.
            #expect(try await Self.notices(api, sanne, from: &sanneAt) == [ScopeNotice(clientId: fixture.jaap, access: .erased)])
            #expect(try await Self.notices(api, outsider, from: &outsiderAt) == [ScopeNotice(clientId: fixture.jaap, access: .erased)])
            // A laptop of the former team enrolled after the erasure holds nothing of Jaap: it is not told of it.
            let later = try await api.enroll(fixture.ahmed)
            #expect(try await !Self.notices(api, later).contains(ScopeNotice(clientId: fixture.jaap, access: .erased)))
        }
    }

    @Test(arguments: Backend.databases) func anErasure_andItsAuditEntry_areOneTransaction(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            var factory = ChangeFactory(wallMillis: WallClock.millis())
            _ = try await api.push(
                [factory.make(.noteAdded(NoteContent(text: "schulden")), client: fixture.jaap, by: sanne.author)], as: sanne)
            // The audit log cannot take the erasure's entry: the erasure must not happen unrecorded.
            switch fixture.backend {
            case .memory:
                Issue.record("a database test")
            case .sqlite:
                try await fixture.rawExecute(
                    """
                    CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log WHEN NEW.action = 'admin.clientErase'
                    BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END
                    """)
            case .postgres:
                try await fixture.rawExecute(
                    """
                    CREATE FUNCTION audit_fails() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN IF NEW.action = 'admin.clientErase' THEN RAISE EXCEPTION 'audit unavailable'; END IF;
                    RETURN NEW; END $$
                    """)
                try await fixture.rawExecute(
                    "CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_fails()")
            }
            await #expect(throws: (any Error).self) { try await api.admin.eraseClient(fixture.jaap, reason: "AVG-2026-119") }
            #expect(try await fixture.store.clients().first { $0.id == fixture.jaap }?.erasedAt == nil)
            let history = try await api.raw(.get, "/v1/clients/\(fixture.jaap)/changes", token: sanne.token)
            #expect(history.status == .ok, "not erased: the client is still there")
            try await fixture.rawExecute("DROP TRIGGER audit_fails" + (fixture.backend == .postgres ? " ON audit_log" : ""))
            #expect(try await api.admin.eraseClient(fixture.jaap, reason: "AVG-2026-119") == 2)
            #expect(try await fixture.store.auditEntries(clientId: fixture.jaap, actor: nil).contains { $0.action == "admin.clientErase" })
        }
    }

    @Test func aPushWhileAnotherProcessHoldsTheSQLiteWriteLock_isRefusedAsBusy_andStoresNothing() async throws {
        let fixture = try await ServerFixture(.sqlite)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            var factory = ChangeFactory(wallMillis: WallClock.millis())
            let note = factory.make(.noteAdded(NoteContent(text: "huisbezoek")), client: fixture.jaap, by: sanne.author)
            // Another process (an admin command, a backup) holds the write lock past the busy timeout (10 s):
            // held until the push was answered, however long a loaded machine takes to send it.
            let refused = try await SQLiteWriteLock.holding(path: fixture.folder.appending(SQLiteSyncStore.fileName)) {
                try await api.send(.post, "/v1/push", PushRequest(changes: [note]), token: sanne.token)
            }
            #expect(refused.status == .serviceUnavailable)
            #expect(try api.decode(ErrorBody.self, refused).error.code == ErrorCode.unavailable)
            #expect(refused.headers[.retryAfter] == "1")
            #expect(try await api.pullAll(as: sanne).allSatisfy { $0.id != note.id }, "nothing of the refused push was stored")
            #expect(try await api.push([note], as: sanne).results.map(\.status) == [.accepted])
        }
    }

    @Test(.enabled(if: PostgresTestDatabase.enabled, "needs PostgreSQL: set SAMENSPEL_POSTGRES_URL (always runs in CI)"))
    func aPushThatCannotGetTheLogLockInTime_isRefusedAsUnavailable_storesNothing_andItsWaitIsCounted() async throws {
        let fixture = try await ServerFixture(.postgres, postgresLimits: .init(lockTimeoutSeconds: 1))
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            var factory = ChangeFactory(wallMillis: WallClock.millis())
            let note = factory.make(.noteAdded(NoteContent(text: "huisbezoek")), client: fixture.jaap, by: sanne.author)
            // A stuck writer holds the log lock for longer than the lock timeout.
            try await PostgresTestDatabase.holdingLogLock(on: fixture.database!.url) {
                let refused = try await api.send(.post, "/v1/push", PushRequest(changes: [note]), token: sanne.token)
                #expect(refused.status == .serviceUnavailable)
                #expect(try api.decode(ErrorBody.self, refused).error.code == ErrorCode.unavailable)
                #expect(refused.headers[.retryAfter] != nil)
                try await Task.sleep(for: .seconds(0.5))
            }
            #expect(try await api.pullAll(as: sanne).allSatisfy { $0.id != note.id }, "nothing of the refused push was stored")
            #expect(try await api.push([note], as: sanne).results.map(\.status) == [.accepted])
            let metrics = PrometheusText(String(decoding: try await api.raw(.get, "/metrics").body.readableBytesView, as: UTF8.self))
            #expect((metrics["samenspel_db_log_lock_waits_total"] ?? 0) >= 1)
            #expect((metrics["samenspel_db_log_lock_wait_seconds_total"] ?? 0) > 0)
        }
    }

    @Test(arguments: Backend.all) func aRevisionOfANoteTheServerLacks_waits_andIsAcceptedOnceTheNoteArrives(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            var factory = ChangeFactory(wallMillis: WallClock.millis())
            let note = factory.make(.noteAdded(NoteContent(text: "home visit")), client: fixture.jaap, by: sanne.author)
            let edit = factory.make(
                .noteRevised(NoteContent(text: "home visit, agreed"), supersedes: [note.id]), client: fixture.jaap,
                entity: note.entityId, by: sanne.author)
            // A server restored from a backup that predates the note: the edit arrives first.
            #expect(try await api.push([edit], as: sanne).results.first?.error?.code == ErrorCode.unknownEntity)
            let later = try await api.push([note, edit], as: sanne)
            #expect(later.results.map(\.status) == [.accepted, .accepted])
        }
    }

    @Test(arguments: Backend.all) func everyAnswer_carriesTheRestoreEpoch_whichARestoreChanges(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        let before = try await fixture.store.epoch()
        #expect(before.count == 32)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            #expect(try await api.pull(as: sanne).epoch == before)
            #expect(try await api.push([], as: sanne).epoch == before)
            let digest = try api.decode(DigestResponse.self, try await api.raw(.get, "/v1/digest", token: sanne.token))
            #expect(digest.epoch == before)
            let renewed = try await fixture.store.renewEpoch()
            #expect(renewed != before && renewed.count == 32)
            #expect(try await fixture.store.epoch() == renewed)
            // Read for every answer: instances on one database never disagree about it.
            #expect(try await api.pull(as: sanne).epoch == renewed)
        }
    }

    @Test func aBackupCopy_hasARestoreEpochOfItsOwn() async throws {
        let folder = try TemporaryDirectory("epoch")
        defer { folder.remove() }
        let store = try SQLiteSyncStore(directory: folder.appending("live"))
        _ = try await store.backup(to: folder.appending("backup.sqlite"))
        try FileManager.default.createDirectory(atPath: folder.appending("copy"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: folder.appending("backup.sqlite"), toPath: folder.appending("copy/" + SQLiteSyncStore.fileName))
        // Restored by copying the file, without `admin restore`: replicas still see an epoch they never saw.
        let copy = try SQLiteSyncStore(directory: folder.appending("copy"))
        #expect(try await copy.epoch() != (try await store.epoch()))
    }
}
