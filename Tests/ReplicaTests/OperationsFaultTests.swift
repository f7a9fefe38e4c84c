import Casework
import ChangeLog
import Foundation
import GRDB
@testable import Replica
import SamenspelTestSupport
import SyncProtocol
import Testing

/// What a replica does when the server's operations change the ground under it: a server restored from a
/// backup, a write it cannot place yet, a timestamp from a host whose clock ran days ahead, an erasure
/// applied by a sync that then fails.
@Suite struct OperationsFaultTests {
    @Test func aWriteTheServerCannotPlaceYet_waits_andIsSentAgain_insteadOfBeingRejected() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        let note = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "Huisbezoek"))
        try await fixture.replica.sync(using: fixture.transport)
        let edit = try await fixture.replica.reviseNote(noteId: note, text: "Huisbezoek, afspraken")
        // The server lost the note (restored from a backup) and cannot place the edit yet.
        fixture.transport.state.withLock { state in
            state.pushAnswer = { $0.map { PushResult(id: $0.id, status: .rejected, error: ErrorDetail(code: ErrorCode.unknownEntity, message: "no such note")) } }
        }
        let report = try await fixture.replica.sync(using: fixture.transport)
        #expect(report.rejected.isEmpty && report.waiting == 1)
        let status = try await fixture.replica.status()
        #expect(status.rejected.isEmpty)
        #expect(status.pendingChanges == 1 && status.waiting.map(\.change.id) == [edit] && status.waiting[0].code == ErrorCode.unknownEntity)
        #expect(try await fixture.replica.journey(clientId: fixture.client).notes.first?.current.text == "Huisbezoek, afspraken")
        #expect(fixture.transport.state.withLock { $0.pushed.count } == 2, "sent once per sync, not in a loop")
        // Once the server has the note again, the edit goes through.
        fixture.transport.state.withLock { state in state.pushAnswer = { $0.map { PushResult(id: $0.id, status: .accepted) } } }
        let later = try await fixture.replica.sync(using: fixture.transport)
        #expect(later.pushed == 1 && later.waiting == 0)
        #expect(try await fixture.replica.status().pendingChanges == 0)
    }

    @Test func aServerThatWentBack_getsEveryWriteOfThisLaptopAgain_beforeTheReplicaPullsFromTheStart() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        fixture.transport.state.withLock { $0.epoch = "before" }
        let note = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "Intake"))
        try await fixture.replica.sync(using: fixture.transport)
        fixture.transport.state.withLock { state in
            state.pushed = []
            state.pullCursors = []
            state.epoch = "after-the-restore"
        }
        let report = try await fixture.replica.sync(using: fixture.transport)
        #expect(report.serverRestored && report.rebuilt)
        let (pushed, cursors) = fixture.transport.state.withLock { ($0.pushed, $0.pullCursors) }
        #expect(pushed.flatMap { $0 }.map(\.entityId).contains(note), "the acknowledged note is sent again")
        #expect(cursors.last == .some(nil), "and the log is pulled from its start")
        #expect(try await fixture.replica.status().pendingChanges == 0)
        // The epoch is remembered: the next sync sends nothing again.
        fixture.transport.state.withLock { $0.pushed = [] }
        #expect(try await !fixture.replica.sync(using: fixture.transport).serverRestored)
        #expect(fixture.transport.state.withLock { $0.pushed.isEmpty })
    }

    @Test func aTimestampDaysAhead_isKeptAndShown_butDoesNotDragThisLaptopsClock() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        // The administrator's host ran ten days fast when it wrote this (a move, say).
        let ahead = HLCTimestamp(wallMillis: fixture.wall.now() + 10 * 86_400_000, logical: 0)
        let future = Change(
            id: Identifier.make(wallMillis: ahead.wallMillis), clientId: fixture.client, entityType: "client",
            entityId: fixture.client, operation: "setContact",
            payload: CaseEvent.contactSet(ContactUpdate(field: .phone, value: "06 1234 5678"), supersedes: []).payload,
            hlc: ahead, authorId: fixture.colleague.professional.id,
            authorDiscipline: fixture.colleague.professional.discipline.rawValue, deviceId: fixture.colleague.deviceId)
        fixture.transport.queuePages([future], size: 10, professionals: [fixture.colleague.professional])
        try await fixture.replica.sync(using: fixture.transport)
        let journey = try await fixture.replica.journey(clientId: fixture.client)
        #expect(journey.timeline.contains { $0.changeId == future.id }, "kept and shown where it sorts")
        let note = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "na het gesprek"))
        let stamp = try #require(try await fixture.replica.journey(clientId: fixture.client).timeline.first { $0.entityId == note }?.hlc)
        #expect(stamp.wallMillis < fixture.wall.now() + 60_000, "stamped now, not ten days ahead: \(stamp)")
    }

    @Test func anErasePage_leavesNoTextInTheFiles_evenWhenTheRestOfTheSyncFails() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        let secret = "Beslaglegging op loon, drie schuldeisers"
        _ = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: secret))
        try await fixture.replica.sync(using: fixture.transport)
        #expect(try SyncRobustnessFiles.bytes(of: fixture.folder.path).range(of: Data(secret.utf8)) == nil, "sealed at rest")
        #expect(try fixture.rows("SELECT count(*) FROM client_keys WHERE owner = '\(fixture.client)'") == [["1"]])
        fixture.transport.state.withLock { state in
            state.issuedCursors += 1
            state.pages.append(PullResponse(
                changes: [], cursor: "p\(state.issuedCursors)", hasMore: false, professionals: [],
                serverTime: fixture.transport.serverTime, scope: ScopeNotice(clientId: fixture.client, access: .erased)))
            state.digestFailure = ReplicaError(code: ReplicaError.serverUnreachable, message: "the connection dropped")
        }
        await #expect(throws: ReplicaError.self) { try await fixture.replica.sync(using: fixture.transport) }
        #expect(try SyncRobustnessFiles.bytes(of: fixture.folder.path).range(of: Data(secret.utf8)) == nil)
        // Crypto-shredded: with the passphrase too, what is left of the client in free pages cannot be read.
        #expect(try fixture.rows("SELECT count(*) FROM client_keys WHERE owner = '\(fixture.client)'") == [["0"]])
        let wal = (try FileManager.default.attributesOfItem(atPath: fixture.databasePath + "-wal")[.size] as? NSNumber)?.intValue
        #expect(wal == 0)
        #expect(try fixture.rows("SELECT scrub_owed FROM sync_state") == [["0"]])
    }
}

/// Reading every file of a folder, for byte-level checks.
enum SyncRobustnessFiles {
    static func bytes(of folder: String) throws -> Data {
        var data = Data()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            data.append(FileManager.default.contents(atPath: folder + "/" + name) ?? Data())
        }
        return data
    }
}
