import NIOConcurrencyHelpers
import Testing

@testable import SyncServer

/// Audit entries of concurrent requests share transactions: every caller returns only once its item was
/// written, items keep their order, and a failed batch fails its callers while the next one is written.
@Suite struct GroupCommitTests {
    /// What a fake store wrote: its batches.
    final class Written: Sendable {
        let batches = NIOLockedValueBox<[[Int]]>([])
        let failing = NIOLockedValueBox<Set<Int>>([])

        func write(_ items: [Int]) async throws {
            try await Task.sleep(for: .milliseconds(5))  // a commit takes a while; others queue meanwhile
            if !failing.withLockedValue({ $0.isDisjoint(with: items) }) { throw CancellationError() }
            batches.withLockedValue { $0.append(items) }
        }
    }

    @Test func concurrentItems_shareBatches_andEachCallerReturnsAfterItsItemWasWritten() async throws {
        let commit = GroupCommit<Int>(maxBatch: 50)
        let written = Written()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for item in 0..<200 {
                group.addTask {
                    try await commit.submit(item, write: written.write)
                    #expect(written.batches.withLockedValue { $0.joined().contains(item) }, "returned before written")
                }
            }
            try await group.waitForAll()
        }
        let batches = written.batches.withLockedValue { $0 }
        #expect(batches.joined().sorted() == Array(0..<200), "every item once")
        #expect(batches.count < 200 && batches.allSatisfy { $0.count <= 50 }, "\(batches.map(\.count))")
    }

    /// A batch can hold the record of a key rotation and an entry after it (the rotation is audited while
    /// requests come in): the entry follows that record under the new generation, with no second record.
    @Test(arguments: Backend.databases) func aBatchWithARotationsRecord_chainsTheEntriesAfterItUnderTheNewKey(
        _ backend: Backend
    ) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { _ in
            let rotated = try #require(fixture.store.auditKey).rotated()
            let batch = [
                AuditEntry(at: 1, actor: "admin", action: AuditChain.rotationAction,
                           details: ["generation": String(rotated.generation)]),
                AuditEntry(at: 2, actor: "professional", action: "pull"),
                AuditEntry(at: 3, actor: "professional", action: "digest"),
            ]
            switch fixture.store {
            case let sqlite as SQLiteSyncStore: try await sqlite.appendAudit(batch: batch)
            case let postgres as PostgresSyncStore: try await postgres.appendAudit(batch: batch)
            default: Issue.record("unknown store")
            }
            let entries = try await fixture.store.auditEntries(clientId: nil, actor: nil)
            #expect(entries.filter { $0.action == AuditChain.rotationAction }.count == 1, "\(entries.map(\.action))")
            #expect(entries.suffix(2).map(\.action) == ["pull", "digest"])
            #expect(entries.suffix(2).allSatisfy { $0.hash?.hasPrefix("h\(rotated.generation):") == true })
            #expect(try await fixture.store.verifyAudit().isIntact)
        }
    }

    @Test func aFailedBatch_failsItsCallers_andTheNextBatchIsWritten() async throws {
        let commit = GroupCommit<Int>(maxBatch: 1)
        let written = Written()
        written.failing.withLockedValue { $0 = [1] }
        try await commit.submit(0, write: written.write)
        await #expect(throws: CancellationError.self) { try await commit.submit(1, write: written.write) }
        try await commit.submit(2, write: written.write)
        #expect(written.batches.withLockedValue { $0 } == [[0], [2]])
    }
}
