import Casework
import ChangeLog
import Foundation
import Replica
import SamenspelTestSupport
import SyncProtocol
import Testing

/// Offline search on real replicas synced with a real server over loopback: what is found, how words are
/// matched, and that search respects everything sync respects.
@Suite struct SearchEndToEndTests {
    @Test func findsEveryKindOfWriting_byTheStartOfWords_regardlessOfCaseAndDiacritics() async throws {
        let setup = try await SyncRobustnessTests.Setup()
        let client = setup.office.client
        let sanne = try await setup.laptop(try await setup.professional("Sanne", .clientManager), "sanne")
        let ahmed = try await setup.laptop(try await setup.professional("Ahmed", .incomeConsultant), "ahmed")
        for replica in [sanne, ahmed] { try await replica.sync() }
        let note = try await sanne.addNote(clientId: client, NoteContent(text: "Huisbezoek: schulden bij de Energieleverancier, crèche geregeld"))
        let agreement = try await sanne.addAgreement(
            clientId: client, Agreement(text: "Meldt zich bij de schuldhulp van de gemeente", responsible: .client))
        let goal = try await sanne.addGoal(
            clientId: client, SubGoal(title: "Zelf een baan bij Albert Heijn vinden", behaviour: .jobSearch, targets: [.selfEfficacy],
                                      owner: .client))
        let referral = try await sanne.addReferral(clientId: client, Referral(to: .incomeConsultant, reason: "Vraag over bijzondere bijstand"))
        let intervention = try await ahmed.startIntervention(
            clientId: client, InterventionPlan(kind: "debtCounselling", valence: .facilitating, targets: [.practicalBarriers], behaviour: .compliance))
        try await sanne.sync()
        try await ahmed.sync()
        try await sanne.sync()

        func found(_ query: String, on replica: Replica = sanne, client: String? = nil) async throws -> [String] {
            try await replica.search(query, clientId: client).hits.map(\.entityId)
        }
        #expect(try await found("energieleverancier") == [note], "case does not matter")
        #expect(try await found("CRECHE") == [note], "diacritics do not matter")
        #expect(try await found("schuld").sorted() == [note, agreement, intervention].sorted(),
                "the start of a word: schulden, schuldhulp, schuldhulpverlening (the intervention's Dutch name)")
        #expect(try await found("debt counselling") == [intervention], "the English name and the code too")
        #expect(try await found("albert heijn") == [goal])
        #expect(try await found("bijstand") == [referral])
        #expect(try await found("schuld gemeente") == [agreement], "every word must occur")
        #expect(try await found("fietsenmaker").isEmpty)
        #expect(try await found("schuld", on: ahmed).sorted() == [note, agreement, intervention].sorted(), "the colleague's replica finds the same")

        // Newest first, with the words around the match marked, who wrote it and about whom.
        let results = try await sanne.search("schuld")
        #expect(results.total == 3 && results.hits.map(\.at) == results.hits.map(\.at).sorted(by: >))
        let hit = try #require(results.hits.first { $0.entityId == note })
        #expect(hit.entityType == "note" && hit.clientId == client && hit.clientName == "Jaap")
        #expect(hit.authorName == "Sanne" && hit.authorDiscipline == .clientManager)
        #expect(hit.snippet.filter(\.matched).map(\.text) == ["schulden"], "\(hit.snippet)")
        #expect(hit.snippetText.contains("Huisbezoek: schulden bij de Energieleverancier"))
        let limited = try await sanne.search("schuld", limit: 1)
        #expect(limited.hits.count == 1 && limited.total == 3)

        // FTS5 syntax typed by a professional is just words; nothing to search for is a clear error.
        #expect(try await found("-gemeente schuld*") == [agreement], "not NOT, not a prefix operator: words")
        #expect(try await found("\"schuld OR fietsenmaker").isEmpty, "OR is a word too")
        #expect(try await found("\"energie-leverancier\"").isEmpty, "a hyphen splits words; both must occur in sequence")
        await #expect { try await sanne.search("  \" * ") } throws: { ($0 as? ReplicaError)?.code == ReplicaError.invalidQuery }
        await #expect { try await sanne.search("schuld", clientId: Identifier.make(wallMillis: WallClock.millis())) } throws: {
            ($0 as? ReplicaError)?.code == ReplicaError.unknownClient
        }
        await setup.finish()
    }

    @Test func aRevisedNote_isFoundByItsNewWords_andConcurrentVersionsByEither() async throws {
        let setup = try await SyncRobustnessTests.Setup()
        let client = setup.office.client
        let sanne = try await setup.laptop(try await setup.professional("Sanne", .clientManager), "sanne")
        let other = try await setup.laptop(try await setup.professional("Sanne", .clientManager), "sanne-2")
        for replica in [sanne, other] { try await replica.sync() }
        let note = try await sanne.addNote(clientId: client, NoteContent(text: "Gesprek met de woningcorporatie"))
        _ = try await sanne.reviseNote(noteId: note, text: "Gesprek met de verhuurder")
        #expect(try await sanne.search("woningcorporatie").hits.isEmpty, "replaced words are not found")
        #expect(try await sanne.search("verhuurder").hits.map(\.entityId) == [note])

        // An agreement edited on two laptops at once: both versions are current, both are found.
        let agreement = try await sanne.addAgreement(clientId: client, Agreement(text: "Belt de verhuurder", responsible: .client))
        try await sanne.sync()
        try await other.sync()
        _ = try await sanne.updateAgreement(agreementId: agreement) { $0.text = "Belt de huismeester" }
        _ = try await other.updateAgreement(agreementId: agreement) { $0.text = "Belt de buurtconciërge" }
        for replica in [sanne, other, sanne] { try await replica.sync() }
        for replica in [sanne, other] {
            #expect(try await replica.search("huismeester").hits.map(\.entityId) == [agreement])
            #expect(try await replica.search("buurtconcierge").hits.map(\.entityId) == [agreement])
        }
        await setup.finish()
    }

    @Test func searchRespectsScope_disciplineNotes_eviction_andErasure_andLeavesNoWordsInTheFiles() async throws {
        let setup = try await SyncRobustnessTests.Setup()
        let client = setup.office.client
        let ahmed = try await setup.laptop(try await setup.professional("Ahmed", .incomeConsultant), "ahmed")
        let sanne = try await setup.laptop(try await setup.professional("Sanne", .clientManager), "sanne")
        for replica in [ahmed, sanne] { try await replica.sync() }
        // Only the income consultants see this note: not found on the client manager's laptop.
        let own = try await ahmed.addNote(
            clientId: client, NoteContent(text: "Inkomen via uitzendbureau Flexwerkers", visibility: .discipline))
        _ = try await ahmed.addNote(clientId: client, NoteContent(text: "Gesprek over de energierekening"))
        try await ahmed.sync()
        try await sanne.sync()
        #expect(try await ahmed.search("uitzendbureau").hits.map(\.entityId) == [own])
        #expect(try await sanne.search("uitzendbureau").hits.isEmpty)
        #expect(try await sanne.search("energierekening").total == 1)

        // The client moves to another team: gone from Sanne's search, and its words from her files.
        try await setup.office.admin.moveClient(client, toTeam: setup.otherTeam.id)
        #expect(try await sanne.sync().removedClients == [client])
        #expect(try await sanne.search("energierekening").total == 0)
        let word = Data("energierekening".utf8)  // as the index keeps it: lower case
        #expect(try SyncRobustnessTests.bytes(of: setup.office.folder.appending("sanne")).range(of: word) == nil)

        // Erased: gone from every replica that held it, from its search and its index's files.
        let olaf = try await setup.laptop(try await setup.professional("Olaf", .incomeConsultant, team: setup.otherTeam.id), "olaf")
        try await olaf.sync()
        #expect(try await olaf.search("uitzendbureau").total == 1, "the other team's income consultant finds it now")
        #expect(try await setup.office.admin.eraseClient(client, reason: "verzoek klant") >= 2)
        for (replica, name) in [(ahmed, "ahmed"), (olaf, "olaf")] {
            try await replica.sync()
            #expect(try await replica.search("uitzendbureau energierekening flexwerkers").total == 0)
            let files = try SyncRobustnessTests.bytes(of: setup.office.folder.appending(name))
            for word in ["uitzendbureau", "flexwerkers", "energierekening"] {
                #expect(files.range(of: Data(word.utf8)) == nil, "\(word) in \(name)'s files")
            }
        }
        await setup.finish()
    }
}
