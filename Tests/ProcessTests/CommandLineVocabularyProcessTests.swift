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
        try Samenspel.output(["enroll", "--replica", "laptop", "--server", "http://127.0.0.1:\(port)", "--code", code, "--scrypt-log-n", "10"], in: dir)
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

    @Test func datesAsTyped_catalogueDefaults_listsWithNames_disciplineFilter_andErasureOnlyByTheWholeName() async throws {
        let folder = try TemporaryDirectory("cli")
        defer { folder.remove() }
        let dir = folder.path
        @discardableResult func admin(_ arguments: [String]) throws -> String {
            try Samenspel.output(["admin", "--data", "srv"] + arguments, in: dir)
        }
        func objects(_ jsonLines: String) throws -> [[String: Any]] {
            try jsonLines.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }
        try admin(["team", "create", "--name", "Noord"])
        try admin(["team", "create", "--name", "Zuid"])
        let jaap = try admin(["client", "create", "--name", "Jaap de Vries", "--team", "Noord"])
        try admin(["client", "create", "--name", "Jaapje Smit", "--team", "Noord"])
        try admin(["professional", "create", "--name", "Sanne", "--discipline", "clientManager", "--team", "noord"])

        // Lists: a header and names for people, JSON lines for scripts.
        let table = try admin(["client", "list"]).split(separator: "\n")
        #expect(table.first?.hasPrefix("ID ") == true && table.first?.contains("NAME") == true, "\(table)")
        #expect(table.contains { $0.contains(jaap) && $0.contains("Jaap de Vries") && $0.contains("Noord") }, "\(table)")
        let listed = try objects(try admin(["client", "list", "--format", "json"]))
        #expect(listed.count == 2 && listed.contains { $0["id"] as? String == jaap && $0["name"] as? String == "Jaap de Vries" })

        let port = freeLoopbackPort()
        let server = try Samenspel.start(["serve", "--data", "srv", "--port", "\(port)"], in: dir)
        defer { Samenspel.killNine(server) }
        try await waitForHealth(port: port)
        let code = try admin(["enroll", "--professional", "sanne"])
        // Enrolling fetches the caseload at once: the client can be written about without a `sync` first.
        let enrolled = try Samenspel.run(
            ["enroll", "--replica", "laptop", "--server", "http://127.0.0.1:\(port)", "--code", code, "--scrypt-log-n", "10"], in: dir)
        #expect(enrolled.status == 0 && enrolled.err.contains("fetched your caseload: 2 clients"), "\(enrolled.err)")
        let onLaptop = ["--replica", "laptop", "--client", "jaap de"]

        // Dates as professionals type them; a day that does not exist is named as such, and nothing is written.
        let agreement = ["agreement", "add"] + onLaptop + ["--text", "Solliciteert twee keer", "--responsible", "client"]
        let wrongDay = try Samenspel.run(agreement + ["--due", "31-02-2027"], in: dir)
        #expect(wrongDay.status != 0 && wrongDay.err.contains("31-02-2027 does not exist: February 2027 has 28 days"), "\(wrongDay.err)")
        let notADate = try Samenspel.run(agreement + ["--due", "volgende week"], in: dir)
        #expect(notADate.status != 0 && notADate.err.contains("is not a date"), "\(notADate.err)")
        let dutch = try Samenspel.run(["journey"] + onLaptop + ["--lang", "nl", "--from", "29-02-2027"], in: dir)
        #expect(dutch.status != 0 && dutch.err.contains("29-02-2027 bestaat niet: februari 2027 heeft 28 dagen."), "\(dutch.err)")
        try Samenspel.output(agreement + ["--due", "15-1-2027"], in: dir)

        // The catalogue's valence and targets, unless said otherwise; an own kind must say them.
        try Samenspel.output(["intervention", "start"] + onLaptop + ["--kind", "barrierRemoval"], in: dir)
        let own = try Samenspel.run(["intervention", "start"] + onLaptop + ["--kind", "eigenAanpak"], in: dir)
        #expect(own.status != 0 && own.err.contains("not in the catalogue"), "\(own.err)")
        try Samenspel.output(["note", "add"] + onLaptop + ["--text", "Huisbezoek"], in: dir)

        // Offline search: the words around the match (marked), whose file it is, and how to open it.
        let search = try Samenspel.run(["search"] + onLaptop + ["--query", "HUISBEZ"], in: dir)
        #expect(search.status == 0 && search.out.contains("[Huisbezoek]") && search.out.contains("Jaap de Vries · note"), "\(search.out)")
        #expect(search.out.contains("samenspel journey --client \(jaap)") && search.err.contains("1 hit, newest first"), "\(search.err)")
        let hit = try #require(try objects(try Samenspel.output(["search", "--replica", "laptop", "--query", "huisbezoek", "--format", "json"], in: dir)).first)
        #expect(hit["clientId"] as? String == jaap && hit["entityType"] as? String == "note" && hit["matched"] as? [String] == ["Huisbezoek"])
        let nothing = try Samenspel.run(["search", "--replica", "laptop", "--query", "fietsenmaker"], in: dir)
        #expect(nothing.status == 0 && nothing.out.isEmpty && nothing.err.contains("nothing found"))
        let noWords = try Samenspel.run(["search", "--replica", "laptop", "--query", "\" *"], in: dir)
        #expect(noWords.status != 0 && noWords.err.contains("at least one word"), "\(noWords.err)")

        let journey = try #require(
            try JSONSerialization.jsonObject(
                with: Data(try Samenspel.output(["journey"] + onLaptop + ["--format", "json"], in: dir).utf8)) as? [String: Any])
        let plan = try #require(journey["plan"] as? [String: Any])
        #expect((plan["agreements"] as? [[String: Any]])?.map { $0["due"] as? String } == ["2027-01-15"])
        let interventions = try #require(journey["interventions"] as? [[String: Any]])
        #expect(interventions.first?["valence"] as? String == "facilitating")
        #expect(interventions.first?["targets"] as? [String] == ["context", "practicalBarriers"])

        // --discipline narrows the notes, the plan and the interventions too, not only the timeline.
        for (discipline, count) in [("clientManager", 1), ("incomeConsultant", 0)] {
            let filtered = try #require(
                try JSONSerialization.jsonObject(
                    with: Data(try Samenspel.output(
                        ["journey"] + onLaptop + ["--format", "json", "--discipline", discipline], in: dir).utf8)) as? [String: Any])
            #expect((filtered["notes"] as? [Any])?.count == count, "\(discipline)")
            #expect((filtered["interventions"] as? [Any])?.count == count, "\(discipline)")
            #expect((filtered["timeline"] as? [Any])?.isEmpty == (count == 0), "\(discipline)")
        }

        // Moving takes a name; erasing only the whole name or the id, since it cannot be undone.
        try admin(["client", "move", "jaap de", "--team", "Zuid"])
        try admin(["client", "move", "--client", "jaap de", "--team", "Noord"])
        let partial = try Samenspel.run(["admin", "--data", "srv", "client", "erase", "jaap de", "--reason", "AVG-17"], in: dir)
        #expect(partial.status != 0 && partial.err.contains("give the whole name or the id"), "\(partial.err)")
        #expect(try objects(try admin(["client", "list", "--format", "json"])).allSatisfy { $0["erasedAt"] is NSNull })
        try admin(["client", "erase", "jaap de vries", "--reason", "AVG-17"])
        let afterwards = try objects(try admin(["client", "list", "--format", "json"]))
        let erased = try #require(afterwards.first { $0["id"] as? String == jaap })
        #expect(erased["name"] is NSNull && erased["erasedAt"] is String && erased["teamId"] as? String != nil)
    }

    /// The hand-overs and the client's voice through the command line, between two laptops on a real server:
    /// a referral answered only by the discipline referred to, the client's own view and goal, a vacancy.
    @Test func referralsVacanciesAndTheClientsOwnView_travelBetweenTwoLaptops() async throws {
        let folder = try TemporaryDirectory("cli-handover")
        defer { folder.remove() }
        let dir = folder.path
        @discardableResult func admin(_ arguments: [String]) throws -> String {
            try Samenspel.output(["admin", "--data", "srv"] + arguments, in: dir)
        }
        try admin(["team", "create", "--name", "Noord"])
        try admin(["client", "create", "--name", "Jaap de Vries", "--team", "Noord"])
        try admin(["professional", "create", "--name", "Sanne", "--discipline", "clientManager", "--team", "Noord"])
        try admin(["professional", "create", "--name", "Petra", "--discipline", "accountManager", "--team", "Noord"])
        let port = freeLoopbackPort()
        let server = try Samenspel.start(["serve", "--data", "srv", "--port", "\(port)"], in: dir)
        defer { Samenspel.killNine(server) }
        try await waitForHealth(port: port)
        for (name, laptop) in [("sanne", "sanne"), ("petra", "petra")] {
            let code = try admin(["enroll", "--professional", name])
            try Samenspel.output(["enroll", "--replica", laptop, "--server", "http://127.0.0.1:\(port)", "--code", code, "--scrypt-log-n", "10"], in: dir)
            try Samenspel.output(["sync", "--replica", laptop], in: dir)
        }
        let sanne = ["--replica", "sanne", "--client", "jaap"]
        let petra = ["--replica", "petra", "--client", "jaap"]

        let own = try Samenspel.run(["referral", "add"] + sanne + ["--to", "clientManager", "--reason", "x"], in: dir)
        #expect(own.status != 0 && own.err.contains("another discipline than your own"), "\(own.err)")
        let referral = try Samenspel.output(
            ["referral", "add"] + sanne + ["--to", "accountManager", "--reason", "Klaar voor een vacature"], in: dir)
        try Samenspel.output(["assess"] + sanne + ["--determinant", "selfEfficacy", "--score", "1"], in: dir)
        try Samenspel.output(
            ["assess"] + sanne + ["--determinant", "selfEfficacy", "--score", "4", "--source", "client",
                                  "--explanation", "Jaap: ik kan het best"], in: dir)
        try Samenspel.output(
            ["goal", "add"] + sanne + ["--title", "Werk in de buurt", "--behaviour", "jobSearch", "--target", "attitude",
                                       "--owner", "client"], in: dir)
        try Samenspel.output(["sync", "--replica", "sanne"], in: dir)
        try Samenspel.output(["sync", "--replica", "petra"], in: dir)

        // Only the discipline referred to answers; declining needs a reason.
        let notMine = try Samenspel.run(["referral", "accept", referral, "--replica", "sanne"], in: dir)
        #expect(notMine.status != 0 && notMine.err.contains("addressed to"), "\(notMine.err)")
        let bare = try Samenspel.run(["referral", "decline", referral, "--replica", "petra"], in: dir)
        #expect(bare.status != 0 && bare.err.contains("--reason"), "\(bare.err)")
        try Samenspel.output(["referral", "accept", referral, "--replica", "petra", "--reason", "Gesprek gepland"], in: dir)
        let vacancy = try Samenspel.output(
            ["vacancy", "add"] + petra + ["--employer", "Logistiek BV", "--title", "Orderpicker", "--contact", "P. de Vries"],
            in: dir)
        try Samenspel.output(["vacancy", "update", vacancy, "--replica", "petra", "--status", "applied"], in: dir)
        try Samenspel.output(["sync", "--replica", "petra"], in: dir)
        try Samenspel.output(["sync", "--replica", "sanne"], in: dir)

        let text = try Samenspel.output(["journey"] + sanne + ["--lang", "nl"], in: dir)
        for expected in ["[aangenomen] klantmanager → accountmanager: Klaar voor een vacature", "Gesprek gepland",
                         "[gesolliciteerd] Orderpicker · Logistiek BV", "de klant zelf", "de klant ziet het anders",
                         "Werk in de buurt"] {
            #expect(text.contains(expected) || text.lowercased().contains(expected.lowercased()), "\(expected)")
        }
        let json = try #require(
            try JSONSerialization.jsonObject(
                with: Data(try Samenspel.output(["journey"] + sanne + ["--format", "json"], in: dir).utf8)) as? [String: Any])
        let referrals = try #require(json["referrals"] as? [[String: Any]])
        #expect(referrals.first?["status"] as? String == "accepted")
        #expect((json["plan"] as? [String: Any]).flatMap { ($0["subGoals"] as? [[String: Any]])?.first?["owner"] as? String } == "client")
        let signals = try #require((json["forceField"] as? [String: Any])?["signals"] as? [[String: Any]])
        #expect(signals.contains { $0["rule"] as? String == "clientViewDiffers" })
    }
}
