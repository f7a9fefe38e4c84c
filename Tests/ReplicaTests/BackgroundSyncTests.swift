import Casework
import ChangeLog
import Foundation
@testable import Replica
import SamenspelTestSupport
import SyncProtocol
import Testing

/// The sync that runs beside an app: offline it backs off, online it sends at once when asked, it reports
/// progress and state, and it stops when its task is cancelled or the server wiped the replica.
@Suite struct BackgroundSyncTests {
    @Test func offline_itSaysSo_andOnceOnline_syncNowSendsThePendingWrites() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        fixture.transport.state.withLock { $0.failure = ReplicaError(code: ReplicaError.serverUnreachable, message: "down") }
        _ = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "Offline geschreven"))
        let background = BackgroundSync(replica: fixture.replica, interval: 3600, transport: fixture.transport)
        let run = Task { await background.run() }
        defer { run.cancel() }
        try await eventually { await background.state.connection == .offline }
        let offline = await background.state
        #expect(offline.lastError?.code == ReplicaError.serverUnreachable)
        #expect(offline.nextAttemptAt != nil)
        #expect(try await fixture.replica.status().pendingChanges == 1)
        let behind = { try await fixture.replica.pool.writeWithoutTransaction { db in try SearchIndex.isBehind(db: db) } }
        #expect(try await behind(), "written, not yet indexed for search")

        fixture.transport.state.withLock { $0.failure = nil }
        await background.syncNow()
        // A retry may already be under way when the server comes back; "sync now" then runs one more sync
        // after it. Wait for the quiet state after both.
        try await eventually {
            let state = await background.state
            return state.connection == .online && state.progress == nil
        }
        let online = await background.state
        #expect(online.lastError == nil)
        #expect(online.lastSuccessAt != nil)
        // Sent (the scripted server also records the refused offline attempt), and acknowledged: the outbox
        // is empty only once the server accepted it.
        let sent = fixture.transport.state.withLock { $0.pushed.flatMap { $0 } }
        #expect(sent.contains { $0.payload["text"] == .string("Offline geschreven") })
        #expect(try await fixture.replica.status().pendingChanges == 0)
        #expect(try await behind() == false, "indexed after the sync, before anyone searches")
    }

    @Test func stateFollowers_seeEverySync_startAndEnd() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        let background = BackgroundSync(replica: fixture.replica, interval: 3600, transport: fixture.transport)
        let states = await background.states()
        let run = Task { await background.run() }
        defer { run.cancel() }
        var seen: [BackgroundSync.State] = []
        for await state in states {
            seen.append(state)
            if state.connection == .online && state.progress == nil { break }
        }
        #expect(seen.first?.connection == .unknown)
        #expect(seen.contains { $0.progress != nil })
        #expect(seen.last?.lastSuccessAt != nil)
    }

    @Test func backoff_neverWaitsLongerThanTheInterval() {
        #expect(BackgroundSync.backoff(RetryPolicy(initialDelay: 1, maxDelay: 600), interval: 5).maxDelay == 5)
        #expect(BackgroundSync.backoff(RetryPolicy(initialDelay: 1, maxDelay: 60), interval: 3600).maxDelay == 60)
        #expect(BackgroundSync.backoff(RetryPolicy(initialDelay: 2, maxDelay: 60), interval: 1).maxDelay == 2)
    }

    @Test func cancellingTheTask_stopsItWhileItWaits() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        let background = BackgroundSync(replica: fixture.replica, interval: 3600, transport: fixture.transport)
        let run = Task { await background.run() }
        try await eventually { await background.state.connection == .online }
        let started = ContinuousClock.now
        run.cancel()
        await run.value
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aRevokedDevice_isWiped_andTheBackgroundSyncStops() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        fixture.transport.state.withLock {
            $0.failure = ReplicaError(code: ErrorCode.deviceRevoked, message: "revoked", httpStatus: 403)
        }
        let background = BackgroundSync(replica: fixture.replica, interval: 1, transport: fixture.transport)
        await background.run()  // returns by itself
        let state = await background.state
        #expect(state.wiped)
        #expect(state.nextAttemptAt == nil)
        #expect(throws: ReplicaError.self) { try fixture.reopen() }
    }
}
