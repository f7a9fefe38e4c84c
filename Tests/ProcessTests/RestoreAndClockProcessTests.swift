import Foundation
import SamenspelTestSupport
import SyncServer
import Testing

/// Operations as an operator does them, with the real binary: `admin restore` after a day of work, and
/// admin commands run on a host whose clock is ten days fast.
@Suite(.serialized) struct RestoreAndClockProcessTests {
    typealias Storage = OperationsProcessTests.Storage
    typealias Office = OperationsProcessTests.Office

    /// `libfaketime`'s wrapper, to run a command with a wrong clock (Debian package `faketime`).
    static let faketime = ["/usr/bin/faketime", "/usr/local/bin/faketime"].first { FileManager.default.isExecutableFile(atPath: $0) }
    /// In CI the clock test must run: there `faketime` missing is a failure, not a reason to skip.
    static var faketimeRequired: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    static func bytes(_ folder: String) -> Data {
        var data = Data()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            data.append(FileManager.default.contents(atPath: folder + "/" + name) ?? Data())
        }
        return data
    }

    @Test func adminRestore_keepsRevocationsAndErasures_redoesTheRest_andTheLaptopsSendBackTheirWrites() async throws {
        let folder = try TemporaryDirectory("restore-cli")
        defer { folder.remove() }
        let storage = try await Storage.make("sqlite", folder)
        var office = try await Office.open(storage)
        let dir = folder.path
        let teams = try storage.admin(["team", "list", "--format", "json"])
        let team = try #require(
            (try JSONSerialization.jsonObject(with: Data(teams.utf8)) as? [String: Any])?["id"] as? String)
        let bram = try storage.admin(["client", "create", "--name", "Bram", "--team", team])
        try Samenspel.output(["sync", "--replica", "laptop-b"], in: dir)
        let secret = "Bram: beslag op uitkering"
        try Samenspel.output(["note", "add", "--replica", "laptop-b", "--client", bram, "--text", secret], in: dir)
        try Samenspel.output(["sync", "--replica", "laptop-b"], in: dir)
        try Samenspel.output(["admin", "--data", "srv", "backup", "--to", "backup.sqlite"], in: dir)

        // After the backup: a note, a new client with a note, an erasure and a revocation.
        let note = "Na de back-up geschreven"
        try Samenspel.output(["note", "add", "--replica", "laptop-a", "--client", office.client, "--text", note], in: dir)
        let fatma = try storage.admin(["client", "create", "--name", "Fatma", "--team", team])
        try Samenspel.output(["sync", "--replica", "laptop-a"], in: dir)
        try Samenspel.output(["note", "add", "--replica", "laptop-a", "--client", fatma, "--text", "Eerste gesprek"], in: dir)
        try Samenspel.output(["sync", "--replica", "laptop-a"], in: dir)
        // (Payloads are sealed at rest: the server's notes are counted, not searched for their text.)
        let notesOfTheClient = "entity_type = 'note' AND client_id = '\(office.client)'"
        let notesBeforeTheRestore = try await storage.count(notesOfTheClient)
        _ = try storage.admin(["client", "erase", bram, "--reason", "AVG-2026-121"])
        let status = try Samenspel.output(["status", "--replica", "laptop-b"], in: dir)
        let device = try #require(status.split(separator: "\n").first { $0.hasPrefix("device:") }?.split(separator: " ").last.map(String.init))
        _ = try storage.admin(["device", "revoke", device])

        // Restoring while the server runs is refused: the database is in use.
        let busy = try Samenspel.run(["admin", "--data", "srv", "restore", "--from", "backup.sqlite"], in: dir)
        #expect(busy.status != 0 && busy.err.contains("stop it first"), "\(busy.err)")
        Samenspel.terminate(office.server)
        let restore = try Samenspel.run(["admin", "--data", "srv", "restore", "--from", "backup.sqlite"], in: dir)
        #expect(restore.status == 0, "\(restore.err)")
        for expected in ["redone: client \(bram) erased again", "redone: device \(device) revoked again",
                         "redone: client \(fatma) registered again", "replaced", "laptops send back"]
        {
            #expect(restore.err.contains(expected), "\(restore.err)")
        }
        #expect(!Self.bytes(folder.appending("srv")).isEmpty)
        let live = [SQLiteSyncStore.fileName, SQLiteSyncStore.fileName + "-wal"].map {
            FileManager.default.contents(atPath: folder.appending("srv/" + $0)) ?? Data()
        }.reduce(Data(), +)
        #expect(live.range(of: Data(secret.utf8)) == nil, "the erasure was redone before anything could serve it")

        try await office.restart()
        let synced = try Samenspel.run(["sync", "--replica", "laptop-a"], in: dir)
        #expect(synced.status == 0 && (synced.out + synced.err).contains("restored from a backup"), "\(synced)")
        try Samenspel.output(["sync", "--replica", "laptop-a"], in: dir)
        let revoked = try Samenspel.run(["sync", "--replica", "laptop-b"], in: dir)
        #expect(revoked.status != 0 && revoked.err.contains("revoked"), "still revoked: \(revoked.err)")
        let journey = try Samenspel.output(["journey", "--replica", "laptop-a", "--client", office.client, "--format", "json"], in: dir)
        #expect(journey.contains(note))
        let fatmaJourney = try Samenspel.output(["journey", "--replica", "laptop-a", "--client", fatma, "--format", "json"], in: dir)
        #expect(fatmaJourney.contains("Eerste gesprek"))
        #expect(try await storage.count(notesOfTheClient) == notesBeforeTheRestore, "the note sent back, once")
        #expect(try await storage.count("client_id = '\(bram)' AND operation <> 'erase'") == 0)
        let help = try Samenspel.output(["admin", "restore", "--help"], in: dir)
        #expect(help.contains("revoked") && help.contains("erased") && help.contains("journal"))
        Samenspel.terminate(office.server)
    }

    @Test(.enabled(if: faketime != nil || faketimeRequired, "needs faketime (Debian package faketime; always runs in CI)"))
    func anAdministratorsHostTenDaysFast_doesNotFreezeTheLaptops() async throws {
        let faketime = try #require(Self.faketime, "faketime is not installed")
        let folder = try TemporaryDirectory("clock-cli")
        defer { folder.remove() }
        let dir = folder.path
        /// An admin command on a host whose clock runs ten days fast.
        func fastAdmin(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: faketime)
            process.arguments = ["-f", "+10d", Samenspel.binary, "admin", "--data", "srv"] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: dir)
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw ProcessFailure(description: "admin \(arguments) failed") }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let team = try fastAdmin(["team", "create", "--name", "Noord"])
        let sanne = try fastAdmin(["professional", "create", "--name", "Sanne", "--discipline", "clientManager", "--team", team])
        let jaap = try fastAdmin(["client", "create", "--name", "Jaap", "--team", team])
        let code = try fastAdmin(["enroll", "--professional", sanne])
        let port = freeLoopbackPort()
        let server = try Samenspel.start(["serve", "--data", "srv", "--port", "\(port)"], in: dir)
        defer { Samenspel.terminate(server) }
        try await waitForHealth(port: port)
        try Samenspel.output(["enroll", "--replica", "laptop", "--server", "http://127.0.0.1:\(port)", "--code", code, "--scrypt-log-n", "10"], in: dir)
        try Samenspel.output(["sync", "--replica", "laptop"], in: dir)
        // The laptop holds Jaap's registration, stamped ten days ahead; its own writes are stamped now.
        try Samenspel.output(["note", "add", "--replica", "laptop", "--client", jaap, "--text", "Intake"], in: dir)
        let first = try Samenspel.run(["sync", "--replica", "laptop"], in: dir)
        #expect(first.status == 0, "\(first.err)")
        let kees = try fastAdmin(["client", "create", "--name", "Kees", "--team", team])
        try Samenspel.output(["sync", "--replica", "laptop"], in: dir)
        try Samenspel.output(["note", "add", "--replica", "laptop", "--client", kees, "--text", "Kennismaking"], in: dir)
        try Samenspel.output(["note", "add", "--replica", "laptop", "--client", jaap, "--text", "Vervolg"], in: dir)
        let second = try Samenspel.run(["sync", "--replica", "laptop"], in: dir)
        #expect(second.status == 0, "every laptop write is accepted: \(second.err)")
        let status = try Samenspel.output(["status", "--replica", "laptop"], in: dir)
        #expect(status.contains("pending:      0") && status.contains("rejected:     0"), "\(status)")
    }
}
