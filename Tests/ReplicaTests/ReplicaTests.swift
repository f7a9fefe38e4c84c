import Casework
import ChangeLog
import Foundation
import GRDB
@testable import Replica
import SamenspelTestSupport
import Synchronization
import SyncProtocol
import Testing

/// A replica enrolled through a scripted transport, holding one client.
struct ReplicaFixture {
    let folder: TemporaryDirectory
    let me = TestAuthor(name: "Sanne Bakker", discipline: .clientManager)
    let colleague = TestAuthor(name: "Ahmed El Amrani", discipline: .incomeConsultant)
    let client = Identifier.make(wallMillis: 1)
    let transport: ScriptedTransport
    let replica: Replica
    let wall: ManualClock

    init(wallMillis: Int64 = 1_764_400_100_000) async throws {
        folder = try TemporaryDirectory("replica")
        transport = ScriptedTransport(professional: me.professional, deviceId: me.deviceId)
        wall = ManualClock(wallMillis)
        replica = try await Replica.enroll(
            in: folder.path, serverURL: "http://127.0.0.1:9", code: "CODE", passphrase: TestPassphrase.text, cost: .lowest, transport: transport,
            wallMillis: wall.now)
        var factory = ChangeFactory()
        transport.queuePages([factory.register(client: client, name: "Jaap", team: Identifier.make(wallMillis: 2))], size: 10)
        try await replica.sync(using: transport)
    }

    var databasePath: String { folder.appending(Replica.fileName) }

    func reopen() throws -> Replica {
        try Replica(directory: folder.path, passphrase: TestPassphrase.text, wallMillis: wall.now)
    }

    /// Rows of a table, for comparing states.
    func rows(_ sql: String) throws -> [[String]] {
        let queue = try DatabaseQueue(path: databasePath)
        return try queue.read { db in
            try Row.fetchAll(db, sql: sql).map { row in row.databaseValues.map { $0.description } }
        }
    }
}

@Suite struct ReplicaTests {
    @Test func localWrite_recordsChangeOutboxAndProjection_andSurvivesReopen() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        let noteId = try await fixture.replica.addNote(
            clientId: fixture.client, NoteContent(text: "Home visit", behaviour: .jobSearch, determinants: [.skills]))
        let reopened = try fixture.reopen()
        let status = try await reopened.status()
        #expect(status.pendingChanges == 1)
        #expect(status.changeCount == 2)
        let journey = try await reopened.journey(clientId: fixture.client)
        #expect(journey.notes.map(\.id) == [noteId])
        #expect(journey.notes.first?.by.name == "Sanne Bakker")
        #expect(try fixture.rows("SELECT entity_type, revision_count FROM entities WHERE id = '\(noteId)'") == [["\"note\"", "1"]])
        #expect(try fixture.rows("SELECT change_count FROM clients") == [["2"]])
    }

    @Test func newestPendingWrite_growsWithEveryWrite_evenAfterASyncEmptiedTheOutbox() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        #expect(try await fixture.replica.newestPendingWrite() == nil)
        _ = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "eerste"))
        let first = try #require(try await fixture.replica.newestPendingWrite())
        try await fixture.replica.sync(using: fixture.transport)
        #expect(try await fixture.replica.newestPendingWrite() == nil)
        _ = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "tweede"))
        let second = try #require(try await fixture.replica.newestPendingWrite())
        // One write waits, as before the sync: a count would not tell them apart, the mark does.
        #expect(try await fixture.replica.status().pendingChanges == 1)
        #expect(second > first)
    }

    @Test func writeAboutAClientNotInTheReplica_isRefused_andStoresNothing() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        await #expect { try await fixture.replica.addNote(clientId: Identifier.make(wallMillis: 3), NoteContent(text: "x")) }
            throws: { ($0 as? ReplicaError)?.code == ReplicaError.unknownClient }
        // A typo says it is one, instead of suggesting the client is merely not synced.
        await #expect { try await fixture.replica.addNote(clientId: "jaap", NoteContent(text: "x")) }
            throws: { ($0 as? ReplicaError)?.message.contains("'jaap' is not a client id") == true }
        await #expect { try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "  ")) }
            throws: { ($0 as? ReplicaError)?.code == ErrorCode.invalidPayload }
        #expect(try await fixture.replica.status().pendingChanges == 0)
        #expect(try await fixture.replica.status().changeCount == 1)
    }

    @Test func revisingSomeoneElsesNote_isRefusedLocally() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        var factory = ChangeFactory()
        let theirs = factory.make(.noteAdded(NoteContent(text: "theirs")), client: fixture.client, by: fixture.colleague)
        fixture.transport.queuePages([theirs], size: 10, professionals: [fixture.colleague.professional])
        try await fixture.replica.sync(using: fixture.transport)
        await #expect { try await fixture.replica.reviseNote(noteId: theirs.entityId, text: "mine now") }
            throws: { ($0 as? ReplicaError)?.code == ErrorCode.notAuthor }
        #expect(try await fixture.replica.status().pendingChanges == 0)
    }

    @Test func revision_keepsTheOldText_andSupersedesTheCurrentRevision() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        let noteId = try await fixture.replica.addNote(
            clientId: fixture.client, NoteContent(text: "first", behaviour: .jobSearch, determinants: [.skills]))
        let revisionId = try await fixture.replica.reviseNote(noteId: noteId, text: "second")
        let note = try #require(try await fixture.replica.journey(clientId: fixture.client).notes.first)
        #expect(note.revisions.map(\.text) == ["first", "second"])
        #expect(note.current.changeId == revisionId)
        #expect(note.current.behaviour == .jobSearch && note.current.determinants == [.skills])
        #expect(!note.conflicted)
    }

    @Test func concurrentPlanUpdates_areListedAsConflicts_andAnUpdateSupersedesEveryVersion() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        let replica = fixture.replica
        let title = "Apply for three jobs a week"
        let goal = try await replica.addGoal(
            clientId: fixture.client, SubGoal(title: title, behaviour: .jobSearch, targets: [.skills], owner: .discipline(.clientManager)))
        let agreement = try await replica.addAgreement(
            clientId: fixture.client, Agreement(text: "Bring the payslips", responsible: .client))
        try await replica.sync(using: fixture.transport)
        let added = try await replica.journey(clientId: fixture.client).timeline
        let goalAdd = try #require(added.first { $0.entityId == goal }).changeId
        let agreementAdd = try #require(added.first { $0.entityId == agreement }).changeId

        // Offline, this laptop and a colleague's both change the versions they saw.
        let mine = (
            goal: try await replica.updateGoal(goalId: goal) { $0.status = .achieved },
            agreement: try await replica.updateAgreement(agreementId: agreement) { $0.status = .kept })
        var factory = ChangeFactory(wallMillis: fixture.wall.now())
        let theirs = (
            goal: factory.make(
                .goalUpdated(
                    SubGoal(title: title, behaviour: .jobSearch, targets: [.skills], owner: .discipline(.clientManager), status: .dropped),
                    supersedes: [goalAdd]),
                client: fixture.client, entity: goal, by: fixture.colleague),
            agreement: factory.make(
                .agreementUpdated(Agreement(text: "Bring the payslips", responsible: .client, status: .notKept),
                                  supersedes: [agreementAdd]),
                client: fixture.client, entity: agreement, by: fixture.colleague))
        fixture.transport.queuePages([theirs.goal, theirs.agreement], size: 10, professionals: [fixture.colleague.professional])
        try await replica.sync(using: fixture.transport)

        let conflicts = try await replica.conflicts()
        #expect(conflicts.map(\.kind) == [.goal, .agreement])
        #expect(conflicts.map(\.entityId) == [goal, agreement])
        #expect(Set(conflicts[0].versions.map(\.changeId)) == [mine.goal, theirs.goal.id])
        #expect(Set(conflicts[0].versions.map(\.summary)) == ["achieved: \(title)", "dropped: \(title)"])
        #expect(Set(conflicts[1].versions.map(\.changeId)) == [mine.agreement, theirs.agreement.id])
        #expect(Set(conflicts[1].versions.map(\.summary)) == ["kept: Bring the payslips", "not kept: Bring the payslips"])
        // In Dutch for the Dutch app: statuses as words, not codes.
        let dutch = try await replica.conflicts(in: .nl)
        #expect(Set(dutch[1].versions.map(\.summary)) == ["nagekomen: Bring the payslips", "niet nagekomen: Bring the payslips"])
        #expect(Set(conflicts[0].versions.map(\.by.name)) == ["Sanne Bakker", "Ahmed El Amrani"])
        let conflicted = try await replica.journey(clientId: fixture.client).plan
        #expect(conflicted.subGoals.map(\.conflicted) == [true] && conflicted.agreements.map(\.conflicted) == [true])

        // One more update supersedes both versions and resolves each conflict.
        let resolvedGoal = try await replica.updateGoal(goalId: goal) { $0.status = .open }
        let resolvedAgreement = try await replica.updateAgreement(agreementId: agreement) { $0.status = .lapsed }
        #expect(try await replica.conflicts().isEmpty)
        let journey = try await replica.journey(clientId: fixture.client)
        let supersedes = { (id: String) in Set(journey.timeline.first { $0.changeId == id }?.supersedes ?? []) }
        #expect(supersedes(resolvedGoal) == [mine.goal, theirs.goal.id])
        #expect(supersedes(resolvedAgreement) == [mine.agreement, theirs.agreement.id])
        #expect(journey.plan.subGoals.map(\.status) == [.open] && journey.plan.subGoals.map(\.conflicted) == [false])
        #expect(journey.plan.agreements.map(\.status) == [.lapsed] && journey.plan.agreements.map(\.conflicted) == [false])
    }

    @Test func clock_staysMonotonicAcrossReopen_whenTheWallClockGoesBack() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        _ = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "a"))
        fixture.wall.advance(by: -3_600_000)
        let reopened = try fixture.reopen()
        _ = try await reopened.addNote(clientId: fixture.client, NoteContent(text: "b"))
        let timeline = try await reopened.journey(clientId: fixture.client).timeline
        #expect(timeline.map(\.text) == [nil, "a", "b"])
        #expect(timeline[1].hlc < timeline[2].hlc)
    }

    @Test func serverTimeOfAPushResponse_isAbsorbed_soTheNextWriteSortsAfterIt() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        _ = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "pushed"))
        // 20 s ahead of this laptop's wall clock: too little to correct the wall clock (30 s), so only the
        // hybrid logical clock can carry it. Pull pages and digests answer with an older server time.
        let ahead = HLCTimestamp(wallMillis: fixture.wall.now() + 20_000, logical: 3)
        fixture.transport.state.withLock { $0.pushServerTime = ahead }
        let report = try await fixture.replica.sync(using: fixture.transport)
        #expect(report.pushed == 1)
        let next = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "after the push"))
        let stamped = try #require(try await fixture.replica.journey(clientId: fixture.client).timeline.first { $0.entityId == next })
        #expect(stamped.hlc > ahead, "the write after the push sorts after the server's time")
    }

    @Test func serverTimeOfADigest_isAbsorbed_soTheNextWriteSortsAfterIt() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        let ahead = HLCTimestamp(wallMillis: fixture.wall.now() + 20_000, logical: 3)
        fixture.transport.state.withLock { $0.digestServerTime = ahead }
        try await fixture.replica.sync(using: fixture.transport)
        let next = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "after the digest"))
        let stamped = try #require(try await fixture.replica.journey(clientId: fixture.client).timeline.first { $0.entityId == next })
        #expect(stamped.hlc > ahead)
    }

    @Test func pulledPage_isAppliedAllOrNothing_whenTheTransactionFailsMidway() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        var factory = ChangeFactory()
        let notes = (0..<6).map { index in
            factory.make(.noteAdded(NoteContent(text: "n\(index)")), client: fixture.client, by: fixture.colleague)
        }
        // A real SQLite failure in the middle of the page: the third insert of the page aborts.
        let queue = try DatabaseQueue(path: fixture.databasePath)
        try await queue.write { db in
            try db.execute(sql: """
                CREATE TRIGGER injected_fault BEFORE INSERT ON changes
                WHEN (SELECT count(*) FROM changes) >= 3
                BEGIN SELECT RAISE(ABORT, 'injected fault'); END;
                """)
        }
        fixture.transport.queuePages(notes, size: 6, professionals: [fixture.colleague.professional])
        let before = try fixture.rows("SELECT id FROM changes ORDER BY id")
        let entitiesBefore = try fixture.rows("SELECT * FROM entities")
        let cursorBefore = try fixture.rows("SELECT cursor, hlc FROM sync_state")
        await #expect(throws: (any Error).self) { try await fixture.replica.sync(using: fixture.transport) }
        #expect(try fixture.rows("SELECT id FROM changes ORDER BY id") == before)
        #expect(try fixture.rows("SELECT cursor, hlc FROM sync_state") == cursorBefore)
        #expect(try fixture.rows("SELECT * FROM entities") == entitiesBefore)

        try await queue.write { db in try db.execute(sql: "DROP TRIGGER injected_fault") }
        let lastCursor = fixture.transport.queuePages(notes, size: 4, professionals: [fixture.colleague.professional])
        let report = try await fixture.replica.sync(using: fixture.transport)
        #expect(report.pulled == 6 && report.pages == 2)
        let journey = try await fixture.replica.journey(clientId: fixture.client)
        #expect(journey.notes.map(\.current.text) == notes.map { _ in "" }.enumerated().map { "n\($0.offset)" })
        #expect(try fixture.rows("SELECT cursor FROM sync_state") == [["\"\(lastCursor)\""]])
    }

    @Test func rejectedWrite_movesToTheRejectedList_withTheServersReason() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        let kept = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "kept"))
        let refused = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "refused"))
        fixture.transport.state.withLock { state in
            state.pushAnswer = { changes in
                changes.map { change in
                    change.entityId == refused
                        ? PushResult(id: change.id, status: .rejected, error: ErrorDetail(code: ErrorCode.outOfScope, message: "not yours"))
                        : PushResult(id: change.id, status: .accepted)
                }
            }
        }
        let report = try await fixture.replica.sync(using: fixture.transport)
        #expect(report.pushed == 1)
        #expect(report.rejected.map(\.change.entityId) == [refused])
        let status = try await fixture.replica.status()
        #expect(status.pendingChanges == 0)
        #expect(status.rejected.map(\.code) == [ErrorCode.outOfScope])
        #expect(status.rejected.first?.change.payload["text"] == .string("refused"))
        #expect(try await fixture.replica.journey(clientId: fixture.client).notes.map(\.id) == [kept])
    }

    @Test func unreachableServer_leavesTheReplicaExactlyAsItWas() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        _ = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "offline"))
        let tables = ["changes", "outbox", "sync_state", "entities", "clients", "rejected"]
        let before = try tables.map { try fixture.rows("SELECT * FROM \($0)") }
        fixture.transport.state.withLock {
            $0.failure = ReplicaError(code: ReplicaError.serverUnreachable, message: "cannot reach the server")
        }
        await #expect { try await fixture.replica.sync(using: fixture.transport) }
            throws: { ($0 as? ReplicaError)?.code == ReplicaError.serverUnreachable }
        #expect(try tables.map { try fixture.rows("SELECT * FROM \($0)") } == before)
    }

    @Test func duplicatesFromARetry_areAcknowledged_andNotPushedAgain() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        _ = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "once"))
        fixture.transport.state.withLock { state in
            state.pushAnswer = { $0.map { PushResult(id: $0.id, status: .duplicate) } }
        }
        let report = try await fixture.replica.sync(using: fixture.transport)
        #expect(report.duplicates == 1 && report.pushed == 0)
        try await fixture.replica.sync(using: fixture.transport)
        #expect(fixture.transport.state.withLock { $0.pushed.count } == 1)
    }

    @Test func pushBatches_stayUnderTheByteBudget() {
        let author = TestAuthor(name: "x", discipline: .clientManager)
        var factory = ChangeFactory()
        let text = String(repeating: "a", count: 30_000)
        let changes = (0..<300).map { _ in
            factory.make(.noteAdded(NoteContent(text: text)), client: Identifier.make(wallMillis: 1), by: author)
        }
        let batch = Replica.prefix(of: changes, maxBytes: Replica.pushBatchBytes)
        #expect(batch.count < changes.count && batch.count > 100)
        #expect(batch.map { $0.payload.canonicalText.utf8.count }.reduce(0, +) < ProtocolLimits.maxRequestBytes / 2)
        #expect(Replica.prefix(of: Array(changes.prefix(1)), maxBytes: 10).count == 1)
    }

    @Test func enrollment_thatFails_leavesNoReplica_andASecondEnrollmentIsRefused() async throws {
        let folder = try TemporaryDirectory("enroll")
        defer { folder.remove() }
        let transport = ScriptedTransport(professional: Professional(id: Identifier.make(wallMillis: 1), name: "S", discipline: .accountManager))
        transport.state.withLock {
            $0.failure = ReplicaError(code: ErrorCode.invalidEnrollmentCode, message: "the enrollment code is unknown")
        }
        let target = folder.appending("laptop")
        await #expect(throws: ReplicaError.self) {
            try await Replica.enroll(in: target, serverURL: "http://127.0.0.1:9", code: "x", passphrase: TestPassphrase.text, cost: .lowest, transport: transport)
        }
        #expect(!FileManager.default.fileExists(atPath: target + "/" + Replica.fileName))
        #expect(throws: ReplicaError.self) { try Replica(directory: target, passphrase: TestPassphrase.text) }
        transport.state.withLock { $0.failure = nil }
        _ = try await Replica.enroll(in: target, serverURL: "http://127.0.0.1:9", code: "x", passphrase: TestPassphrase.text, cost: .lowest, transport: transport)
        await #expect { try await Replica.enroll(in: target, serverURL: "http://127.0.0.1:9", code: "x", passphrase: TestPassphrase.text, cost: .lowest, transport: transport) }
            throws: { ($0 as? ReplicaError)?.code == ReplicaError.alreadyEnrolled }
        await #expect { try await Replica.enroll(in: folder.appending("b"), serverURL: "ftp://x", code: "x", passphrase: TestPassphrase.text, cost: .lowest, transport: transport) }
            throws: { ($0 as? ReplicaError)?.code == ReplicaError.invalidServerURL }
    }
}
