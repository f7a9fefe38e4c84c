import Casework
import ChangeLog
import Foundation
import Logging
import Replica
import SamenspelTestSupport
import SyncServer
import Testing

/// The whole path over real loopback HTTP: a real server on a real SQLite file, real replicas.
@Suite struct ThreeReplicasEndToEndTests {
    struct Office {
        let folder: TemporaryDirectory
        let store: SQLiteSyncStore
        let admin: Administration
        let team: TeamRecord
        let client: String
        let logger: Logger

        init() async throws {
            folder = try TemporaryDirectory("e2e")
            store = try SQLiteSyncStore(directory: folder.appending("server"))
            admin = Administration(store: store)
            team = try await admin.createTeam(name: "Noord")
            client = try await admin.createClient(name: "Jaap", teamId: team.id)
            var logger = Logger(label: "e2e")
            logger.logLevel = .critical
            self.logger = logger
        }

        func start(port: Int = 0) async throws -> RunningServer {
            try await RunningServer.start(store: store, configuration: .init(port: port), logger: logger)
        }

        func laptop(_ professional: Professional, _ name: String, server: RunningServer) async throws -> Replica {
            let code = try await admin.issueEnrollmentCode(professionalId: professional.id)
            return try await Replica.enroll(in: folder.appending(name), serverURL: server.baseURL, code: code, passphrase: TestPassphrase.text, cost: .lowest)
        }
    }

    @Test func replicasWriteOffline_sync_andEndWithByteIdenticalJourneys_withEveryWriteOnce() async throws {
        let office = try await Office()
        defer { office.folder.remove() }
        var server = try await office.start()
        let people = [("Sanne", Discipline.clientManager), ("Ahmed", .incomeConsultant), ("Petra", .accountManager)]
        var replicas: [Replica] = []
        for (name, discipline) in people {
            let professional = try await office.admin.createProfessional(
                name: name, discipline: discipline, teamIds: [office.team.id])
            replicas.append(try await office.laptop(professional, name, server: server))
        }
        for replica in replicas { try await replica.sync() }
        await server.stop()

        // Offline: every kind of write, from every discipline.
        var written: Set<String> = []
        for (index, replica) in replicas.enumerated() {
            let noteId = try await replica.addNote(
                clientId: office.client,
                NoteContent(text: "Note \(index) with \"quotes\", ümlauts and a newline\nsecond line",
                            behaviour: Discipline.allCases[index].focus, determinants: [.skills]))
            written.insert(noteId)
            written.insert(try await replica.reviseNote(noteId: noteId, text: "Note \(index), revised"))
            for determinant in [Determinant.selfEfficacy, .practicalBarriers] {
                written.insert(try await replica.recordAssessment(
                    clientId: office.client,
                    Assessment(determinant: determinant, score: .known(index + 1), behaviour: Discipline.allCases[index].focus)))
            }
            let interventionId = try await replica.startIntervention(
                clientId: office.client,
                InterventionPlan(kind: "kind\(index)", valence: Valence.allCases[index], targets: [.attitude], behaviour: nil))
            written.insert(interventionId)
            if index == 1 { written.insert(try await replica.endIntervention(interventionId: interventionId)) }
        }
        for replica in replicas {
            await #expect { try await replica.sync() } throws: { ($0 as? ReplicaError)?.code == ReplicaError.serverUnreachable }
            #expect(try await replica.status().pendingChanges > 0)
        }

        server = try await office.start(port: server.port)
        for _ in 0..<2 {
            for replica in replicas { try await replica.sync() }
        }
        var outputs: [String] = []
        for replica in replicas {
            #expect(try await replica.status().pendingChanges == 0)
            let journey = try await replica.journey(clientId: office.client)
            outputs.append(journey.canonicalJSON())
            let noteRevisions = journey.notes.flatMap(\.revisions).map(\.changeId)
            let entities = Set(journey.timeline.map(\.entityId))
            // Every write exactly once: each id appears in the timeline (as a change or an entity) and no change twice.
            #expect(Set(journey.timeline.map(\.changeId)).count == journey.timeline.count)
            let expectedCount = 1 + 3 * (2 + 2 + 1) + 1  // registration, 3 × (note, revision, 2 assessments, start), 1 end
            #expect(journey.timeline.count == expectedCount)
            let changeIds = Set(journey.timeline.map(\.changeId))
            let missing = written.filter { !entities.contains($0) && !changeIds.contains($0) }
            #expect(missing.isEmpty)
            #expect(noteRevisions.count == 6)
        }
        #expect(Set(outputs).count == 1)

        // A laptop enrolled afterwards gets the whole history in one initial pull, and the same journey.
        let latecomer = try await office.admin.createProfessional(
            name: "Karim", discipline: .clientManager, teamIds: [office.team.id])
        let newLaptop = try await office.laptop(latecomer, "Karim", server: server)
        try await newLaptop.sync()
        #expect(try await newLaptop.journey(clientId: office.client).canonicalJSON() == outputs[0])
        await server.stop()
    }

    @Test func concurrentEditsOnTwoLaptops_keepBothVersions_everywhere() async throws {
        let office = try await Office()
        defer { office.folder.remove() }
        let server = try await office.start()
        let sanne = try await office.admin.createProfessional(name: "Sanne", discipline: .clientManager, teamIds: [office.team.id])
        let ahmed = try await office.admin.createProfessional(name: "Ahmed", discipline: .incomeConsultant, teamIds: [office.team.id])
        let laptop = try await office.laptop(sanne, "laptop", server: server)
        let tablet = try await office.laptop(sanne, "tablet", server: server)
        let colleague = try await office.laptop(ahmed, "ahmed", server: server)
        try await laptop.sync()
        let noteId = try await laptop.addNote(clientId: office.client, NoteContent(text: "original"))
        try await laptop.sync()
        try await tablet.sync()
        // Both devices edit the same version without seeing each other's edit.
        _ = try await laptop.reviseNote(noteId: noteId, text: "from the laptop")
        _ = try await tablet.reviseNote(noteId: noteId, text: "from the tablet")
        for replica in [laptop, tablet, colleague, laptop, tablet] { try await replica.sync() }
        var outputs: Set<String> = []
        for replica in [laptop, tablet, colleague] {
            let journey = try await replica.journey(clientId: office.client)
            let note = try #require(journey.notes.first)
            #expect(note.conflicted)
            #expect(Set(note.revisions.filter(\.isHead).map(\.text)) == ["from the laptop", "from the tablet"])
            outputs.insert(journey.canonicalJSON())
        }
        #expect(outputs.count == 1)
        // Editing the conflicted note resolves it, everywhere.
        _ = try await tablet.reviseNote(noteId: noteId, text: "merged by hand")
        for replica in [tablet, laptop, colleague] { try await replica.sync() }
        for replica in [laptop, tablet, colleague] {
            let note = try #require(try await replica.journey(clientId: office.client).notes.first)
            #expect(!note.conflicted)
            #expect(note.current.text == "merged by hand")
            #expect(note.revisions.count == 4)
        }
        await server.stop()
    }
}
