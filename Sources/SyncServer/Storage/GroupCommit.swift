/// Writes what concurrent callers hand it in shared transactions ("group commit"): while one batch is being
/// written, the items that arrive wait and are written together in the next one. Each caller returns once
/// the transaction holding its item committed, or throws that transaction's error, so nothing is
/// acknowledged before it is stored.
///
/// The stores write audit entries this way: every pull, digest and client-history request appends one, and
/// the audit log's hash chain lets only one writer append at a time. One transaction per entry made
/// requests queue for the chain's lock and pay a commit (an fsync) each; a batch takes the lock once and
/// commits once, however many requests it serves.
actor GroupCommit<Item: Sendable> {
    typealias Writer = @Sendable ([Item]) async throws -> Void

    private let maxBatch: Int
    private var waiting: [(item: Item, write: Writer, done: CheckedContinuation<Void, any Error>)] = []
    private var writing = false

    /// Creates a group commit that writes batches of at most `maxBatch` items, one batch at a time.
    init(maxBatch: Int = 500) {
        self.maxBatch = maxBatch
    }

    /// Writes `item` with the next batch; returns when that batch committed. A batch is written in one
    /// transaction by the `write` of its first item (every caller of one store passes the same), which
    /// is held only while the item waits: the group commit keeps no reference to its store.
    func submit(_ item: Item, write: @escaping Writer) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            waiting.append((item, write, done))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(maxBatch))
            waiting.removeFirst(batch.count)
            do {
                try await batch[0].write(batch.map(\.item))
                for entry in batch { entry.done.resume() }
            } catch {
                for entry in batch { entry.done.resume(throwing: error) }
            }
        }
        writing = false
    }
}
