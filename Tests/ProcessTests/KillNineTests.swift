import Casework
import ChangeLog
import Foundation
import GRDB
import Replica
import SQLiteSupport
import SamenspelTestSupport
import SyncServer
import Testing

/// Real processes, killed with SIGKILL in the middle of syncs: the server while a push is being stored,
/// a laptop while it pushes, another while it pulls. Each kill waits until progress is visible in the
/// database files (some notes stored or pulled, not all), so it lands mid-sync. Afterwards one sync each
/// converges with nothing lost and nothing doubled, and every push batch was stored whole or not at all.
@Suite(.serialized) struct KillNineTests {
    @Test func killingServerAndLaptopsMidSync_losesAndDoublesNothing() async throws {
        let folder = try TemporaryDirectory("kill9")
        defer { folder.remove() }
        let dir = folder.path
        let port = freeLoopbackPort()
        let team = try Samenspel.output(["admin", "--data", "srv", "team", "create", "--name", "Noord"], in: dir)
        let sanne = try Samenspel.output(
            ["admin", "--data", "srv", "professional", "create", "--name", "Sanne", "--discipline", "clientManager", "--team", team], in: dir)
        let ahmed = try Samenspel.output(
            ["admin", "--data", "srv", "professional", "create", "--name", "Ahmed", "--discipline", "incomeConsultant", "--team", team], in: dir)
        let client = try Samenspel.output(["admin", "--data", "srv", "client", "create", "--name", "Jaap", "--team", team], in: dir)

        var server = try Samenspel.start(["serve", "--data", "srv", "--port", "\(port)"], in: dir)
        try await waitForHealth(port: port)
        for (professional, replica) in [(sanne, "laptop-a"), (ahmed, "laptop-b")] {
            let code = try Samenspel.output(["admin", "--data", "srv", "enroll", "--professional", professional], in: dir)
            try Samenspel.output(["enroll", "--replica", replica, "--server", "http://127.0.0.1:\(port)", "--code", code, "--scrypt-log-n", "10"], in: dir)
            try Samenspel.output(["sync", "--replica", replica], in: dir)
        }

        // Laptop A writes four push batches of notes offline (through the library, for speed).
        let noteCount = 4 * Replica.pushBatchSize
        do {
            let laptop = try Replica(directory: folder.appending("laptop-a"), passphrase: TestPassphrase.text)
            for index in 0..<noteCount {
                _ = try await laptop.addNote(clientId: client, NoteContent(text: "note \(index): " + String(repeating: "tekst ", count: 20)))
            }
        }
        let serverNotes = (path: folder.appending("srv/" + SQLiteSyncStore.fileName), sql: Self.countNotes)

        // 1. The server is killed while laptop A pushes: once it has stored a batch, with more to come.
        let firstSync = try Samenspel.start(["sync", "--replica", "laptop-a"], in: dir)
        let seenBeforeKill = try await waitForCount(serverNotes, above: 0, while: firstSync)
        Samenspel.killNine(server)
        firstSync.waitUntilExit()
        let storedAfterKill = try storedNotes(folder)
        print("kill -9 of the server during a push: \(seenBeforeKill) notes seen, \(storedAfterKill) of \(noteCount) stored")
        #expect(storedAfterKill > 0 && storedAfterKill < noteCount, "the server died in the middle of the sync")
        #expect(storedAfterKill % Replica.pushBatchSize == 0, "a batch is stored whole or not at all (found \(storedAfterKill))")
        #expect(firstSync.terminationStatus != 0, "the sync noticed that the server died")

        server = try Samenspel.start(["serve", "--data", "srv", "--port", "\(port)"], in: dir)
        try await waitForHealth(port: port)
        // 2. Laptop A is killed while it pushes the rest: once the server has stored more, before it has all.
        let secondSync = try Samenspel.start(["sync", "--replica", "laptop-a"], in: dir)
        let seenAtLaptopKill = try await waitForCount(serverNotes, above: storedAfterKill, while: secondSync)
        Samenspel.killNine(secondSync)
        let storedAtLaptopKill = try storedNotes(folder)
        print("kill -9 of laptop A during a push: \(seenAtLaptopKill) notes seen, \(storedAtLaptopKill) of \(noteCount) stored")
        #expect(secondSync.terminationReason == .uncaughtSignal, "laptop A was killed, it did not finish")
        #expect(storedAtLaptopKill < noteCount, "laptop A died in the middle of its push")
        try Samenspel.output(["sync", "--replica", "laptop-a"], in: dir)
        #expect(try storedNotes(folder) == noteCount)

        // 3. Laptop B is killed while it pulls (once it holds some of the notes, not all), then syncs again.
        let laptopBNotes = (path: folder.appending("laptop-b/" + Replica.fileName), sql: Self.countNotes)
        let pull = try Samenspel.start(["sync", "--replica", "laptop-b"], in: dir)
        let pulledBeforeKill = try await waitForCount(laptopBNotes, above: 0, while: pull)
        Samenspel.killNine(pull)
        let pulledAtKill = try await count(laptopBNotes)
        print("kill -9 of laptop B during a pull: \(pulledBeforeKill) notes seen, \(pulledAtKill) of \(noteCount) held")
        #expect(pull.terminationReason == .uncaughtSignal, "laptop B was killed, it did not finish")
        #expect(pulledAtKill < noteCount, "laptop B died in the middle of its pull")
        try Samenspel.output(["sync", "--replica", "laptop-b"], in: dir)
        try Samenspel.output(["sync", "--replica", "laptop-a"], in: dir)

        let journeyA = try Samenspel.output(["journey", "--replica", "laptop-a", "--client", client, "--format", "json"], in: dir)
        let journeyB = try Samenspel.output(["journey", "--replica", "laptop-b", "--client", client, "--format", "json"], in: dir)
        #expect(journeyA == journeyB)
        let timeline = try JSONDecoder().decode(ClientJourney.self, from: Data(journeyB.utf8)).timeline
        #expect(timeline.count == noteCount + 1)
        #expect(Set(timeline.map(\.changeId)).count == timeline.count)
        Samenspel.killNine(server)
    }

    static let countNotes = "SELECT count(*) FROM changes WHERE entity_type = 'note'"

    /// How many notes the server's database holds.
    private func storedNotes(_ folder: TemporaryDirectory) throws -> Int {
        let queue = try DatabaseQueue(path: folder.appending("srv/" + SQLiteSyncStore.fileName))
        return try queue.read { db in try Int.fetchOne(db, sql: Self.countNotes) ?? 0 }
    }

    /// A count in a SQLite file another process writes (in WAL mode, reading never blocks the writer).
    private func count(_ file: (path: String, sql: String)) async throws -> Int {
        let queue = try DatabaseQueue(path: file.path)
        return try await queue.read { db in try Int.fetchOne(db, sql: file.sql) ?? 0 }
    }

    /// Polls a count every few milliseconds until it exceeds `floor`, so a kill lands in the middle of a
    /// sync instead of after a guessed sleep; returns the count seen. Fails when `process` ends first or
    /// nothing moves within `seconds`.
    private func waitForCount(
        _ file: (path: String, sql: String), above floor: Int, while process: Process, seconds: Double = 120
    ) async throws -> Int {
        let queue = try DatabaseQueue(path: file.path)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let count = try await queue.read { db in try Int.fetchOne(db, sql: file.sql) ?? 0 }
            if count > floor { return count }
            guard process.isRunning else {
                throw ProcessFailure(description: "the sync ended before any progress was seen (count \(count))")
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        throw ProcessFailure(description: "no progress past \(floor) within \(seconds) s")
    }
}
