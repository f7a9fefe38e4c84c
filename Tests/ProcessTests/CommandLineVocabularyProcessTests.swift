import Foundation
import SamenspelTestSupport
import Testing

/// One vocabulary across the CLI, through the real binary: names where ids are asked, a version, `--lang`
/// everywhere, no database made by a typo, and a failed sync that says what waits safely.
@Suite struct CommandLineVocabularyProcessTests {
    @Test func version_namesTheBuildAndTheProtocol() throws {
        let folder = try TemporaryDirectory("cli")
        defer { folder.remove() }
        let version = try Samenspel.output(["--version"], in: folder.path)
        #expect(version.hasPrefix("samenspel ") && version.contains("sync protocol 1"), "\(version)")
    }

    @Test func everyCommandWithLabels_takesLang() throws {
        let folder = try TemporaryDirectory("cli")
        defer { folder.remove() }
        for command in [["app"], ["journey", "--client", "0192d3c4-0000-7000-8000-000000000001"]] {
            let result = try Samenspel.run(command + ["--replica", "nowhere", "--lang", "en"], in: folder.path)
            #expect(result.status != 0)
            #expect(!result.err.contains("Unknown option"), "\(command[0]): \(result.err)")
            #expect(result.err.contains("nowhere"), "the error is about the missing replica: \(result.err)")
        }
    }

    @Test func aMistypedDataFolder_isRefused_andNoDatabaseIsMade_butTheFirstTeamCreatesOne() throws {
        let folder = try TemporaryDirectory("cli")
        defer { folder.remove() }
        for command in [["team", "list"], ["client", "list"], ["audit", "verify"], ["backup", "--to", "b.sqlite"]] {
            let result = try Samenspel.run(["admin", "--data", "srv-typo"] + command, in: folder.path)
            #expect(result.status != 0 && result.err.contains("no Samenspel database in srv-typo"), "\(command): \(result.err)")
            #expect(!FileManager.default.fileExists(atPath: folder.appending("srv-typo/samenspel-server.sqlite")))
        }
        let team = try Samenspel.output(["admin", "--data", "srv", "team", "create", "--name", "Noord"], in: folder.path)
        #expect(try Samenspel.output(["admin", "--data", "srv", "team", "list"], in: folder.path).contains(team))
        try Samenspel.output(["admin", "--data", "other", "--create", "team", "list"], in: folder.path)
        #expect(FileManager.default.fileExists(atPath: folder.appending("other/samenspel-server.sqlite")))
    }

    @Test func namesServeForIds_andASyncWithTheServerAway_saysTheWritesWaitSafely() async throws {
        let folder = try TemporaryDirectory("cli")
        defer { folder.remove() }
        let dir = folder.path
        // Names (or their first letters) where ids are asked, from the first command on.
        for team in ["Werk en Inkomen Noord", "Werk en Inkomen Zuid"] {
            try Samenspel.output(["admin", "--data", "srv", "team", "create", "--name", team], in: dir)
        }
        let enroll = try Samenspel.run(["admin", "--data", "srv", "enroll", "--professional", "nobody"], in: dir)
        #expect(enroll.status != 0 && enroll.err.contains("no professional's name"), "\(enroll.err)")
        let ambiguous = try Samenspel.run(["admin", "--data", "srv", "client", "create", "--name", "Jaap", "--team", "werk"], in: dir)
        #expect(ambiguous.status != 0 && ambiguous.err.contains("fits 2 teams"), "\(ambiguous.err)")
        let twice = try Samenspel.run(["admin", "--data", "srv", "team", "create", "--name", "werk en inkomen noord"], in: dir)
        #expect(twice.status != 0 && twice.err.contains("there is a team called Werk en Inkomen Noord already"), "\(twice.err)")
        try Samenspel.output(["admin", "--data", "srv", "client", "create", "--name", "Jaap de Vries", "--team", "noord"], in: dir)
        try Samenspel.output(["admin", "--data", "srv", "client", "create", "--name", "Zoë Bakker", "--team", "Noord"], in: dir)
        try Samenspel.output(
            ["admin", "--data", "srv", "professional", "create", "--name", "Sanne", "--discipline", "clientManager", "--team", "noord"],
            in: dir)
        let port = freeLoopbackPort()
        let server = try Samenspel.start(["serve", "--data", "srv", "--port", "\(port)"], in: dir)
        try await waitForHealth(port: port)
        let code = try Samenspel.output(["admin", "--data", "srv", "enroll", "--professional", "sanne"], in: dir)
        try Samenspel.output(["enroll", "--replica", "laptop", "--server", "http://127.0.0.1:\(port)", "--code", code], in: dir)
        try Samenspel.output(["sync", "--replica", "laptop"], in: dir)
        Samenspel.killNine(server)
        for (client, text) in [("jaap", "Huisbezoek"), ("zoe", "Belafspraak")] {
            let note = try Samenspel.run(["note", "add", "--replica", "laptop", "--client", client, "--text", text], in: dir)
            #expect(note.status == 0 && note.err.contains("client: "), "says whom it found: \(note.err)")
        }
        let journey = try Samenspel.output(["journey", "--replica", "laptop", "--client", "Jaap de Vries"], in: dir)
        #expect(journey.contains("Jaap de Vries") && journey.contains("Huisbezoek") && !journey.contains("Belafspraak"))
        let sync = try Samenspel.run(["sync", "--replica", "laptop"], in: dir)
        #expect(sync.status == 1)
        #expect(sync.err.contains("2 write(s) wait safely on this laptop"), "\(sync.err)")
    }
}
