import Casework
import ChangeLog
import Foundation
import GRDB
@testable import Replica
import SamenspelTestSupport
import Synchronization
import SyncProtocol
import Testing

@Suite struct SyncFaultTests {
    @Test func writesRefusedAsClockAhead_areRestamped_afterWhatTheReplicaHasSeen_andSentAgain() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        fixture.wall.advance(by: 3 * 86_400_000)  // the laptop's clock jumps three days ahead after its last sync
        let first = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "one"))
        let second = try await fixture.replica.reviseNote(noteId: first, text: "two")
        let serverTime = fixture.transport.serverTime
        fixture.transport.state.withLock { state in
            state.pushAnswer = { changes in
                changes.map { change in
                    change.hlc.wallMillis > serverTime.wallMillis + 600_000
                        ? PushResult(id: change.id, status: .rejected, error: ErrorDetail(code: ErrorCode.clockAhead, message: "ahead"))
                        : PushResult(id: change.id, status: .accepted)
                }
            }
        }
        let report = try await fixture.replica.sync(using: fixture.transport)
        #expect(report.restamped == 2)
        #expect(report.pushed == 2)
        #expect(report.rejected.isEmpty)
        let sent = fixture.transport.state.withLock { $0.pushed }
        #expect(sent.count == 2)
        let resent = try #require(sent.last)
        #expect(Set(resent.map(\.entityId)) == [first])
        #expect(resent.map(\.id).contains(second))
        #expect(resent.allSatisfy { $0.hlc.wallMillis <= serverTime.wallMillis + 1 && $0.hlc > serverTime })
        #expect(resent[0].hlc < resent[1].hlc, "the order of writing is kept")
        // Later writes use the corrected clock.
        _ = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "three"))
        let journey = try await fixture.replica.journey(clientId: fixture.client)
        #expect(journey.timeline.allSatisfy { $0.hlc.wallMillis < serverTime.wallMillis + 60_000 }, "\(journey.timeline.map { "\($0.event) \($0.hlc)" }) server \(serverTime)")
    }

    @Test func idReusedForOwnWrite_adoptsTheServersVersion_insteadOfRejectingIt() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        let noteId = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "x"))
        fixture.transport.state.withLock { state in
            state.pushAnswer = { $0.map { PushResult(id: $0.id, status: .rejected, error: ErrorDetail(code: ErrorCode.idReused, message: "other content")) } }
        }
        let report = try await fixture.replica.sync(using: fixture.transport)
        #expect(report.rejected.isEmpty)
        let status = try await fixture.replica.status()
        #expect(status.rejected.isEmpty && status.pendingChanges == 0)
        #expect(try fixture.rows("SELECT count(*) FROM changes WHERE entity_id = '\(noteId)'") == [["0"]])
    }

    @Test func revokedClient_isRemoved_andPendingWritesAboutItGoToTheRejectedList() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        var factory = ChangeFactory()
        let theirs = factory.make(.noteAdded(NoteContent(text: "colleague's note")), client: fixture.client, by: fixture.colleague)
        fixture.transport.queuePages([theirs], size: 10, professionals: [fixture.colleague.professional])
        try await fixture.replica.sync(using: fixture.transport)
        // A write not yet pushed when the pull announces that the client left the caseload.
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
        #expect(report.removedClients == [fixture.client])
        #expect(try await fixture.replica.clients().isEmpty)
        let status = try await fixture.replica.status()
        #expect(status.changeCount == 0 && status.pendingChanges == 0)
        #expect(status.rejected.map(\.change.entityId) == [pending])
        #expect(status.rejected.first?.code == ErrorCode.outOfScope)
    }

    @Test func transientFailures_areRetriedWithBackoff_honouringRetryAfter() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        _ = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "x"))
        let failures = Mutex(2)
        fixture.transport.state.withLock { state in
            state.pushAnswer = { changes in
                if failures.withLock({ value in defer { value -= 1 }; return value > 0 }) {
                    throw ReplicaError(code: ErrorCode.unavailable, message: "busy", httpStatus: 503, retryAfterSeconds: 7)
                }
                return changes.map { PushResult(id: $0.id, status: .accepted) }
            }
        }
        let slept = Mutex<[Double]>([])
        let report = try await fixture.replica.sync(
            using: fixture.transport, retrying: RetryPolicy(initialDelay: 1, maxDelay: 4), for: 3600,
            sleep: { seconds in slept.withLock { $0.append(seconds) } })
        #expect(report.pushed == 1)
        let delays = slept.withLock { $0 }
        #expect(delays.count == 2)
        #expect(delays.allSatisfy { $0 >= 7 && $0 <= 8 }, "Retry-After 7 plus at most a second of jitter: \(delays)")
    }

    @Test func permanentFailures_areNotRetried() async throws {
        let fixture = try await ReplicaFixture()
        defer { fixture.folder.remove() }
        _ = try await fixture.replica.addNote(clientId: fixture.client, NoteContent(text: "x"))
        fixture.transport.state.withLock { state in
            state.pushAnswer = { _ in throw ReplicaError(code: ErrorCode.unauthorized, message: "revoked", httpStatus: 401) }
        }
        let attempts = Mutex(0)
        await #expect(throws: ReplicaError.self) {
            try await fixture.replica.sync(
                using: fixture.transport, retrying: RetryPolicy(), for: 3600,
                sleep: { _ in attempts.withLock { $0 += 1 } })
        }
        #expect(attempts.withLock { $0 } == 0)
    }
}

@Suite struct RetryPolicyTests {
    @Test func delays_growExponentially_withFullJitter_upToTheCap() {
        let policy = RetryPolicy(initialDelay: 1, maxDelay: 30, multiplier: 2)
        var generator = SeededGenerator(seed: 5)
        for attempt in 1...10 {
            let cap = min(30, pow(2, Double(attempt - 1)))
            let delays = (0..<200).map { _ in policy.delay(afterAttempt: attempt, retryAfterSeconds: nil, using: &generator) }
            #expect(delays.allSatisfy { $0 >= 0 && $0 <= cap })
            #expect(delays.max()! > cap * 0.8, "jitter spans the range")
            #expect(delays.min()! < cap * 0.2)
        }
    }

    @Test func retryAfter_isAFloor_withJitterOnTop() {
        var generator = SeededGenerator(seed: 6)
        let policy = RetryPolicy(initialDelay: 1, maxDelay: 2)
        // Laptops told to come back in 10 s spread over [10, 11] (at least a second of jitter), not all at 10.
        let short = (0..<200).map { _ in policy.delay(afterAttempt: 1, retryAfterSeconds: 10, using: &generator) }
        #expect(short.allSatisfy { $0 >= 10 && $0 <= 11 })
        #expect(short.max()! - short.min()! > 0.8, "jitter spans the second")
        #expect(Set(short).count > 150, "no two laptops retry at the same instant")
        // A long Retry-After spreads by a tenth of it.
        let long = (0..<200).map { _ in policy.delay(afterAttempt: 1, retryAfterSeconds: 60, using: &generator) }
        #expect(long.allSatisfy { $0 >= 60 && $0 <= 66 })
        #expect(long.max()! > 65 && long.min()! < 61)
        // A backoff longer than Retry-After is kept.
        let later = RetryPolicy(initialDelay: 100, maxDelay: 100, retryAfterSpread: 0)
        let delays = (0..<200).map { _ in later.delay(afterAttempt: 1, retryAfterSeconds: 1, using: &generator) }
        #expect(delays.allSatisfy { $0 >= 1 && $0 <= 100 } && delays.max()! > 50)
    }
}
