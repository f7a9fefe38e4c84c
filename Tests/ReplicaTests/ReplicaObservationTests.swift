import Casework
import ChangeLog
import Foundation
@testable import Replica
import SamenspelTestSupport
import Synchronization
import SyncProtocol
import Testing

/// What an app needs to follow a replica: which writes are not yet sent, a revision that moves with every
/// change, and the progress of a sync.
@Suite struct ReplicaObservationTests {
    @Test func pendingWrites_areKnownPerClient_untilTheServerHasThem() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        let noteId = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "Nog niet verstuurd"))
        let journey = try await fixture.replica.journey(clientId: fixture.client)
        let changeId = try #require(journey.notes.first { $0.id == noteId }?.current.changeId)
        #expect(try await fixture.replica.pendingChangeIds(clientId: fixture.client) == [changeId])
        #expect(try await fixture.replica.pendingCountsByClient() == [fixture.client: 1])
        try await fixture.replica.sync(using: fixture.transport)
        #expect(try await fixture.replica.pendingChangeIds(clientId: fixture.client).isEmpty)
        #expect(try await fixture.replica.pendingCountsByClient().isEmpty)
    }

    @Test func revisions_announceAWrite_andASync() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        var revisions = fixture.replica.revisions().makeAsyncIterator()
        let first = try #require(try await revisions.next())
        _ = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "Een"))
        let afterWrite = try #require(try await revisions.next())
        #expect(afterWrite.changeCount == first.changeCount + 1)
        #expect(afterWrite.pendingChanges == first.pendingChanges + 1)
        try await fixture.replica.sync(using: fixture.transport)
        var latest = afterWrite
        while latest.pendingChanges > 0 {
            latest = try #require(try await revisions.next())
        }
        #expect(latest.pendingChanges == 0)
        #expect(try await fixture.replica.revision() == latest)
    }

    @Test func progress_isReportedPerPage_thenVerifying() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        var factory = ChangeFactory()
        let changes = (0..<25).map { index in
            factory.make(.noteAdded(NoteContent(text: "Notitie \(index)")), client: fixture.client, by: fixture.colleague)
        }
        fixture.transport.queuePages(changes, size: 10)
        let seen = Mutex<[SyncProgress]>([])
        let report = try await fixture.replica.sync(using: fixture.transport) { progress in seen.withLock { $0.append(progress) } }
        let progress = seen.withLock { $0 }
        #expect(progress.first?.phase == .pushing)
        #expect(progress.filter { $0.phase == .pulling }.map(\.report.pages) == [1, 2, 3])
        #expect(progress.filter { $0.phase == .pulling }.last?.report.pulled == 25)
        #expect(progress.last?.phase == .verifying)
        #expect(report.pulled == 25)
    }
}
