import Foundation
import GRDB
import NIOConcurrencyHelpers

/// Another process's hold on an SQLite database's write lock (an admin command, a backup), for tests of what
/// a server does while it cannot write.
public enum SQLiteWriteLock {
    /// Runs `body` while another connection holds the write lock of the database at `path`, released `seconds`
    /// after `body` returns. The lock is held for as long as `body` takes: a fixed hold was too short on a loaded
    /// machine, where a request may take seconds to reach the database and then found the lock released.
    public static func holding<T: Sendable>(
        path: String, releasedAfter seconds: Double = 0, _ body: @Sendable () async throws -> T
    ) async throws -> T {
        let queue = try DatabaseQueue(path: path)
        let locked = DispatchSemaphore(value: 0)
        let bodyReturned = DispatchSemaphore(value: 0)
        let released = NIOLockedValueBox<Result<Void, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        // A thread of its own, not a task: a task blocked in a wait holds one of the few threads of the
        // cooperative pool, and two such holders at once (tests run in parallel) starve the pool `body` needs.
        let holder = Thread {
            let outcome = Result {
                try queue.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        locked.signal()
                        bodyReturned.wait()
                        Thread.sleep(forTimeInterval: seconds)
                        return .commit
                    }
                }
            }
            if case .failure = outcome { locked.signal() }
            released.withLockedValue { $0 = outcome }
            done.signal()
        }
        holder.start()
        await Self.wait(locked)
        if case .failure(let error)? = released.withLockedValue({ $0 }) { throw error }
        let result: Result<T, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        bodyReturned.signal()
        await Self.wait(done)
        try released.withLockedValue { $0 }?.get()
        return try result.get()
    }

    /// Waits for a semaphore without blocking a thread of the cooperative pool.
    private static func wait(_ semaphore: DispatchSemaphore) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                semaphore.wait()
                continuation.resume()
            }
        }
    }
}
