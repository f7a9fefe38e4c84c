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
/// a laptop while it pushes, another while it pulls. Afterwards one sync each converges with nothing lost
/// and nothing doubled, and every push batch was stored whole or not at all.
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
            try Samenspel.output(["enroll", "--replica", replica, "--server", "http://127.0.0.1:\(port)", "--code", code], in: dir)
            try Samenspel.output(["sync", "--replica", replica], in: dir)
        }

        // Laptop A writes 3,000 notes offline (through the library, for speed): six push batches.
        let noteCount = 3000
        do {
            let laptop = try Replica(directory: folder.appending("laptop-a"))
            for index in 0..<noteCount {
                _ = try await laptop.addNote(clientId: client, NoteContent(text: "note \(index): " + String(repeating: "tekst ", count: 20)))
            }
        }

        // 1. The server is killed while laptop A pushes.
        let firstSync = try Samenspel.start(["sync", "--replica", "laptop-a"], in: dir)
        try await Task.sleep(for: .milliseconds(400))
        Samenspel.killNine(server)
        firstSync.waitUntilExit()
        let storedAfterKill = try storedNotes(folder)
        print("kill -9 of the server during a push: \(storedAfterKill) of \(noteCount) notes stored")
        #expect(storedAfterKill % Replica.pushBatchSize == 0 || storedAfterKill == noteCount,
                "a batch is stored whole or not at all (found \(storedAfterKill))")

        server = try Samenspel.start(["serve", "--data", "srv", "--port", "\(port)"], in: dir)
        try await waitForHealth(port: port)
        // 2. Laptop A is killed while it pushes the rest.
        let secondSync = try Samenspel.start(["sync", "--replica", "laptop-a"], in: dir)
        try await Task.sleep(for: .milliseconds(300))
        Samenspel.killNine(secondSync)
        try Samenspel.output(["sync", "--replica", "laptop-a"], in: dir)
        #expect(try storedNotes(folder) == noteCount)

        // 3. Laptop B is killed while it pulls, then syncs again.
        let pull = try Samenspel.start(["sync", "--replica", "laptop-b"], in: dir)
        try await Task.sleep(for: .milliseconds(300))
        Samenspel.killNine(pull)
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

    /// How many notes the server's database holds.
    private func storedNotes(_ folder: TemporaryDirectory) throws -> Int {
        let queue = try DatabaseQueue(path: folder.appending("srv/" + SQLiteSyncStore.fileName))
        return try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM changes WHERE entity_type = 'note'") ?? 0 }
    }
}
