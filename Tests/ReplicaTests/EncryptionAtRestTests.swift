import Casework
import ChangeLog
import Foundation
import GRDB
@testable import Replica
import SamenspelTestSupport
import SyncProtocol
import Testing

/// A laptop left on a train: whoever copies the replica folder reads nothing personal without the
/// passphrase, and nothing at all of a client that was erased or evicted, even with it.
@Suite struct EncryptionAtRestTests {
    /// Every byte of every file in the replica folder (the database, its -wal and -shm, the app's sessions).
    private func folderBytes(_ fixture: ReplicaFixture) throws -> Data {
        try SyncRobustnessFiles.bytes(of: fixture.folder.path)
    }

    @Test func aCopiedFolder_holdsNoNoteNameContactOrToken_whileTheJourneyShowsThem() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        var factory = ChangeFactory()
        // A colleague's client and note arrive by pull; this laptop writes a note and a phone number.
        let other = Identifier.make(wallMillis: 3)
        fixture.transport.queuePages(
            [
                factory.register(client: other, name: "Fatima Zahra Ouali", team: Identifier.make(wallMillis: 2)),
                factory.make(.noteAdded(NoteContent(text: "Schuldsanering loopt via de Kredietbank")), client: other, by: fixture.colleague),
            ], size: 10, professionals: [fixture.colleague.professional])
        try await fixture.replica.sync(using: fixture.transport)
        _ = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "Huisbezoek: Jaap slaapt slecht door de beslaglegging"))
        _ = try await fixture.replica.setContact(clientId: fixture.client, .phone, to: "06-48213377")
        let unsent = "Niet verzonden: wil zelf solliciteren bij de bakkerij"
        _ = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: unsent))

        let secrets = [
            "Schuldsanering", "Kredietbank", "Fatima Zahra", "Jaap", "beslaglegging", "06-48213377", "bakkerij",
            fixture.me.professional.name, fixture.colleague.professional.name, fixture.transport.token,
        ]
        // Also before the write-ahead log is checkpointed: -wal and -shm are part of the copy.
        for secret in secrets {
            #expect(try folderBytes(fixture).range(of: Data(secret.utf8)) == nil, "\(secret) is in the replica's files")
        }
        let journey = try await fixture.replica.journey(clientId: fixture.client)
        #expect(journey.timeline.contains { ($0.text ?? "").contains("beslaglegging") })
        #expect(try await fixture.replica.clients().map(\.name).contains("Fatima Zahra Ouali"))
        #expect(try await fixture.replica.search("kredietbank").hits.count == 1)

        // Reopened with the passphrase, the same; the unsent write still goes out with the sealed token.
        let reopened = try fixture.reopen()
        #expect(try await reopened.journey(clientId: fixture.client).timeline.contains { ($0.text ?? "").contains("bakkerij") })
        #expect(try await reopened.identity().professional.name == fixture.me.professional.name)
        let report = try await reopened.sync(using: fixture.transport)
        #expect(report.pushed == 3)
        #expect(fixture.transport.state.withLock { $0.pushTokens } == [fixture.transport.token])
        for secret in secrets {
            #expect(try folderBytes(fixture).range(of: Data(secret.utf8)) == nil, "\(secret) is in the replica's files")
        }
    }

    @Test func theInMemoryIndex_findsWhatAnotherProgramWroteOnTheSameReplica() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        _ = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "eerste gesprek over de fietsenmaker"))
        #expect(try await fixture.replica.search("fietsenmaker").total == 1)
        // The CLI writes while the app has the replica open: the app's index hears of it by the file.
        let other = try fixture.reopen()
        _ = try await other.addNote(clientId: fixture.client, NoteContent(text: "tweede gesprek, weer de fietsenmaker"))
        #expect(try await fixture.replica.search("fietsenmaker").total == 2)
        #expect(try await fixture.replica.search("tweede").total == 1)
    }

    @Test func anOwedRewrite_runsAtTheNextOpen_andLeavesNoFreePage() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        // Free pages with old content, and the rewrite owed (as after sealing, or a crash during it).
        try await DatabaseQueue(path: fixture.databasePath).write { db in
            try db.execute(sql: "CREATE TABLE leftover (text TEXT); INSERT INTO leftover VALUES (randomblob(200000)); DROP TABLE leftover")
            try db.execute(sql: "UPDATE sync_state SET rewrite_owed = 1")
        }
        func state() throws -> (owed: Int, free: Int) {
            try DatabaseQueue(path: fixture.databasePath).read { db in
                (try Int.fetchOne(db, sql: "SELECT rewrite_owed FROM sync_state") ?? -1,
                 try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? -1)
            }
        }
        #expect(try state().owed == 1 && state().free > 0)
        _ = try fixture.reopen()
        #expect(try state().owed == 0 && state().free == 0)
    }

    @Test func aWrongPassphrase_isRefused_andRepeatedTriesWait() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        func open(_ passphrase: String) throws -> Replica {
            try Replica(directory: fixture.folder.path, passphrase: passphrase, wallMillis: fixture.wall.now)
        }
        for attempt in 1...3 {
            #expect { try open("wrong \(attempt)") } throws: { error in
                (error as? ReplicaError)?.code == ReplicaError.wrongPassphrase
            }
        }
        // The third wrong one in a row starts the back-off: even the right passphrase waits now.
        #expect { try open(TestPassphrase.text) } throws: { error in
            let error = error as? ReplicaError
            return error?.code == ReplicaError.wrongPassphrase && error?.retryAfterSeconds == 1
        }
        fixture.wall.advance(by: 1_000)
        let replica = try open(TestPassphrase.text)
        #expect(try await !replica.journey(clientId: fixture.client).timeline.isEmpty)
        #expect(try fixture.rows("SELECT failed_attempts, retry_after FROM keyring") == [["0", "0"]], "a success resets the count")
        #expect { try open("") } throws: { error in (error as? ReplicaError)?.code == ReplicaError.passphraseRequired }
    }

    @Test func aNewPassphrase_replacesTheOld_andLockingForgetsTheKeys() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        _ = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "voor en na het wisselen"))
        try fixture.replica.changePassphrase(from: TestPassphrase.text, to: "een nieuwe zin", cost: .lowest)
        #expect(throws: ReplicaError.self) { try Replica(directory: fixture.folder.path, passphrase: TestPassphrase.text) }
        let reopened = try Replica(directory: fixture.folder.path, passphrase: "een nieuwe zin")
        #expect(try await reopened.search("wisselen").hits.count == 1)

        try reopened.lock()
        #expect(!reopened.isUnlocked)
        await #expect(throws: (any Error).self) { try await reopened.journey(clientId: fixture.client) }
        #expect(throws: ReplicaError.self) { try reopened.unlock(passphrase: TestPassphrase.text) }
        try reopened.unlock(passphrase: "een nieuwe zin")
        #expect(try await reopened.search("wisselen").hits.count == 1, "the index is built again after unlocking")
    }

    @Test func anEvictedClientsKey_staysForItsRefusedWrites_andIsShreddedWhenTheyAreAcknowledged() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        let other = Identifier.make(wallMillis: 4)
        var factory = ChangeFactory()
        fixture.transport.queuePages([factory.register(client: other, name: "Ander", team: Identifier.make(wallMillis: 2))], size: 10)
        try await fixture.replica.sync(using: fixture.transport)
        let pending = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "mine, unsent"))
        fixture.transport.state.withLock { state in
            state.pushAnswer = { _ in throw ReplicaError(code: ReplicaError.serverUnreachable, message: "down") }
            state.pages.append(PullResponse(
                changes: [], cursor: "p-revoked", hasMore: false, professionals: [], serverTime: fixture.transport.serverTime,
                scope: ScopeNotice(clientId: fixture.client, access: .revoked)))
        }
        let session = SyncSession(replica: fixture.replica, transport: fixture.transport, token: "sst_test", deviceId: fixture.me.deviceId)
        var report = SyncReport()
        try await session.pullUntilCaughtUp(&report)
        func keyOwners() throws -> Set<String> {
            try DatabaseQueue(path: fixture.databasePath).read { db in
                Set(try String.fetchAll(db, sql: "SELECT owner FROM client_keys"))
            }
        }
        #expect(try keyOwners() == [fixture.client, other], "kept for the refused write")
        let refused = try await fixture.replica.status().rejected
        #expect(refused.map(\.change.entityId) == [pending])
        #expect(refused.first?.change.payload["text"] == .string("mine, unsent"), "still readable until acknowledged")
        try await fixture.replica.acknowledgeRejected(nil)
        #expect(try keyOwners() == [other], "nothing of the client is left: its key is destroyed")
    }
}
