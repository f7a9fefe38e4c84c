import Casework
import ChangeLog
import Foundation
import GRDB
import Logging
import Replica
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

/// Access changes, skewed clocks, server restores and expired cursors, over real loopback HTTP.
@Suite struct SyncRobustnessTests {
    struct Setup {
        let office: ThreeReplicasEndToEndTests.Office
        let server: RunningServer
        let otherTeam: TeamRecord

        init() async throws {
            office = try await ThreeReplicasEndToEndTests.Office()
            server = try await office.start()
            otherTeam = try await office.admin.createTeam(name: "Zuid")
        }

        func professional(_ name: String, _ discipline: Discipline, team: String? = nil) async throws -> Professional {
            try await office.admin.createProfessional(name: name, discipline: discipline, teamIds: [team ?? office.team.id])
        }

        func laptop(_ professional: Professional, _ name: String, clock: SkewedClock? = nil) async throws -> Replica {
            let code = try await office.admin.issueEnrollmentCode(professionalId: professional.id)
            return try await Replica.enroll(
                in: office.folder.appending(name), serverURL: server.baseURL, code: code, passphrase: TestPassphrase.text, cost: .lowest,
                wallMillis: clock?.now ?? WallClock.millis)
        }

        func finish() async {
            await server.stop()
            office.folder.remove()
        }
    }

    @Test func movingAClient_movesItsWholeHistory_andRemovesItFromTheOldTeamsLaptops() async throws {
        let setup = try await Setup()
        let sanne = try await setup.laptop(try await setup.professional("Sanne", .clientManager), "sanne")
        let olaf = try await setup.laptop(try await setup.professional("Olaf", .clientManager, team: setup.otherTeam.id), "olaf")
        let client = setup.office.client
        try await sanne.sync()
        let secret = "Schulden bij drie schuldeisers, betalingsregeling loopt"
        _ = try await sanne.addNote(clientId: client, NoteContent(text: secret))
        try await sanne.sync()
        // Written offline before the move: accepted. Written after it: refused, kept in the rejected list.
        _ = try await sanne.addNote(clientId: client, NoteContent(text: "Nog voor de overdracht geschreven"))
        try await olaf.sync()
        #expect(try await olaf.clients().isEmpty)

        try await setup.office.admin.moveClient(client, toTeam: setup.otherTeam.id)
        let report = try await sanne.sync()
        #expect(report.pushed == 1)
        #expect(report.removedClients == [client])
        #expect(try await sanne.clients().isEmpty)
        let sannesFiles = try Self.bytes(of: setup.office.folder.appending("sanne"))
        #expect(sannesFiles.range(of: Data(secret.utf8)) == nil, "the note text is gone from Sanne's files")

        let olafReport = try await olaf.sync()
        #expect(olafReport.pulled >= 4)
        let journey = try await olaf.journey(clientId: client)
        #expect(journey.notes.map(\.current.text).contains(secret))
        #expect(journey.notes.count == 2)
        #expect(journey.client.teamId == setup.otherTeam.id)
        await setup.finish()
    }

    @Test func writesAfterLosingAccess_endInTheRejectedList_notSilentlyLost() async throws {
        let setup = try await Setup()
        let sanne = try await setup.laptop(try await setup.professional("Sanne", .clientManager), "sanne")
        try await sanne.sync()
        try await setup.office.admin.moveClient(setup.office.client, toTeam: setup.otherTeam.id)
        try await Task.sleep(for: .milliseconds(5))
        let late = try await sanne.addNote(clientId: setup.office.client, NoteContent(text: "after the move"))
        let report = try await sanne.sync()
        #expect(report.rejected.map(\.change.entityId) == [late])
        let status = try await sanne.status()
        #expect(status.rejected.map(\.code) == [ErrorCode.outOfScope])
        #expect(status.clientCount == 0)
        #expect(try await sanne.acknowledgeRejected(nil) == 1)
        #expect(try await sanne.status().rejected.isEmpty)
        await setup.finish()
    }

    @Test func aLaptopDaysAhead_isRestamped_andCannotWinLaterEdits() async throws {
        let setup = try await Setup()
        let ahead = SkewedClock(skew: 0)
        let sanne = try await setup.professional("Sanne", .clientManager)
        let fast = try await setup.laptop(sanne, "fast", clock: ahead)
        let correct = try await setup.laptop(sanne, "correct")
        let client = setup.office.client
        try await correct.sync()
        _ = try await fast.sync()
        // After its last sync the laptop's clock jumps three days ahead, and it writes offline.
        ahead.advance(by: 3 * 86_400_000)
        let noteId = try await fast.addNote(clientId: client, NoteContent(text: "written on the fast laptop"))
        let report = try await fast.sync()
        #expect(report.pushed == 1)
        #expect(report.restamped == 1)
        try await correct.sync()
        let journey = try await correct.journey(clientId: client)
        let stamped = try #require(journey.timeline.last { $0.entityId == noteId })
        #expect(abs(stamped.hlc.wallMillis - WallClock.millis()) < 120_000, "re-stamped near the server's time")

        // Later, the correct laptop edits the note; the fast laptop edits it afterwards, still offline.
        _ = try await correct.reviseNote(noteId: noteId, text: "edited on the correct laptop")
        // Clock corrections are as precise as a request's round trip: edits further apart than that keep their order.
        try await Task.sleep(for: .milliseconds(300))
        _ = try await fast.reviseNote(noteId: noteId, text: "edited later on the fast laptop")
        try await correct.sync()
        try await fast.sync()
        try await correct.sync()
        let note = try #require(await correct.journey(clientId: client).notes.first { $0.id == noteId })
        #expect(note.conflicted)
        #expect(note.current.text == "edited later on the fast laptop",
                "the later edit (in real time) shows as current: \(note.revisions.map { "\($0.text) \($0.at)" })")
        let fastJourney = try await fast.journey(clientId: client).canonicalJSON()
        #expect(fastJourney == (try await correct.journey(clientId: client).canonicalJSON()))
        // Read today, as views do: the fast laptop's day is the server's, so it signals nothing the other does not.
        #expect(try await fast.readToday() == (try await correct.readToday()), "the clock corrected by the server")
        let fastToday = try await fast.journey(clientId: client, readAt: try await fast.readToday()).canonicalJSON()
        #expect(fastToday == (try await correct.journey(clientId: client, readAt: try await correct.readToday()).canonicalJSON()))
        await setup.finish()
    }

    @Test func aServerRestoredFromAnOlderBackup_getsBackEveryWrite_fromTheReplicas() async throws {
        let setup = try await Setup()
        let office = setup.office
        let sanne = try await setup.laptop(try await setup.professional("Sanne", .clientManager), "sanne")
        let ahmed = try await setup.laptop(try await setup.professional("Ahmed", .incomeConsultant), "ahmed")
        let client = office.client
        try await sanne.sync()
        _ = try await sanne.addNote(clientId: client, NoteContent(text: "before the backup"))
        for replica in [sanne, ahmed] { try await replica.sync() }
        let backup = office.folder.appending("backup")
        try FileManager.default.createDirectory(atPath: backup, withIntermediateDirectories: true)
        let summary = try await office.store.backup(to: backup + "/" + SQLiteSyncStore.fileName)
        #expect(summary.changes == 2)  // Jaap's registration and the note
        _ = try await sanne.addNote(clientId: client, NoteContent(text: "after the backup, Sanne"))
        _ = try await ahmed.recordAssessment(clientId: client, Assessment(determinant: .context, score: .known(2)))
        for replica in [sanne, ahmed, sanne] { try await replica.sync() }
        let before = try await sanne.journey(clientId: client).canonicalJSON()

        // Disaster: the server is restored from the backup; the writes after it are gone from the server.
        await setup.server.stop()
        // Onto a data folder of its own: the audit key, the master key and the key store go with the backup
        // (Deploy/README.md).
        let live = office.folder.appending("server")
        let restored = try SQLiteSyncStore(
            directory: backup, auditKeyPath: AuditKey.defaultPath(dataDirectory: live),
            masterKey: try MasterKey.load(.file(MasterKey.defaultPath(dataDirectory: live))),
            keyStorePath: live + "/samenspel-keys.sqlite")
        let server = try await RunningServer.start(
            store: restored, configuration: .init(port: setup.server.port), logger: office.logger)
        for replica in [sanne, ahmed, sanne, ahmed] { try await replica.sync() }
        let after = try await sanne.journey(clientId: client).canonicalJSON()
        #expect(after == before)
        #expect(try await ahmed.journey(clientId: client).canonicalJSON() == before)
        await server.stop()
        office.folder.remove()
    }

    @Test func aServerWithLowerLimits_getsEveryWrite_inSmallerBatches() async throws {
        let office = try await ThreeReplicasEndToEndTests.Office()
        defer { office.folder.remove() }
        let limits = ServerConfiguration.Limits(maxRequestBytes: 64 * 1024, maxPushChanges: 10, maxPageChanges: 4)
        let server = try await RunningServer.start(
            store: office.store, configuration: .init(port: 0, limits: try limits.validated()), logger: office.logger)
        let sanne = try await office.laptop(
            try await office.admin.createProfessional(name: "Sanne", discipline: .clientManager, teamIds: [office.team.id]),
            "sanne", server: server)
        let ahmed = try await office.laptop(
            try await office.admin.createProfessional(name: "Ahmed", discipline: .incomeConsultant, teamIds: [office.team.id]),
            "ahmed", server: server)
        _ = try await sanne.sync()
        // 35 notes of ~3 kB: more than ten per push, and more than 64 kB in one body.
        for index in 0..<35 {
            _ = try await sanne.addNote(
                clientId: office.client, NoteContent(text: "note \(index) " + String(repeating: "x", count: 3000)))
        }
        let pushed = try await sanne.sync()
        #expect(pushed.pushed == 35 && pushed.rejected.isEmpty)
        let pulled = try await ahmed.sync()
        #expect(pulled.pulled == 36 && pulled.pages >= 9)  // pages of at most four
        #expect(try await ahmed.journey(clientId: office.client).canonicalJSON()
            == (try await sanne.journey(clientId: office.client).canonicalJSON()))
        await server.stop()
    }

    @Test func aReplicaBehindTheHorizon_rebuilds_keepingItsUnpushedWrites() async throws {
        let setup = try await Setup()
        let sanne = try await setup.laptop(try await setup.professional("Sanne", .clientManager), "sanne")
        let ahmed = try await setup.laptop(try await setup.professional("Ahmed", .incomeConsultant), "ahmed")
        let client = setup.office.client
        try await sanne.sync()
        try await ahmed.sync()
        _ = try await ahmed.addNote(clientId: client, NoteContent(text: "while Sanne is away"))
        try await ahmed.sync()
        let offline = try await sanne.addNote(clientId: client, NoteContent(text: "written during a long absence"))
        _ = try await setup.office.admin.compact(keepMillis: -60_000)
        let report = try await sanne.sync()
        #expect(report.rebuilt)
        try await ahmed.sync()
        let sanneJourney = try await sanne.journey(clientId: client)
        #expect(sanneJourney.notes.map(\.id).contains(offline))
        #expect(sanneJourney.notes.count == 2)
        #expect(try await ahmed.journey(clientId: client).canonicalJSON() == sanneJourney.canonicalJSON())
        await setup.finish()
    }

    @Test func concurrentContactAndInterventionChanges_areListedAsConflicts_andResolvedByEditingAgain() async throws {
        let setup = try await Setup()
        let client = setup.office.client
        let sanne = try await setup.laptop(try await setup.professional("Sanne", .clientManager), "sanne")
        let karim = try await setup.laptop(try await setup.professional("Karim", .clientManager), "karim")
        try await sanne.sync()
        let training = try await sanne.startIntervention(
            clientId: client,
            InterventionPlan(kind: "applicationTraining", valence: .facilitating, targets: [.skills], behaviour: .jobSearch))
        try await sanne.sync()
        try await karim.sync()
        // Offline on both laptops: the phone number and the intervention change differently.
        _ = try await sanne.setContact(clientId: client, .phone, to: "06 1111 1111")
        _ = try await karim.setContact(clientId: client, .phone, to: "06 2222 2222")
        _ = try await karim.setContact(clientId: client, .address, to: "Dorpsstraat 1")
        _ = try await sanne.endIntervention(interventionId: training)
        _ = try await karim.updateIntervention(interventionId: training, status: .active, targets: [.skills, .selfRegulation])
        for replica in [sanne, karim, sanne] { try await replica.sync() }
        let conflicts = try await sanne.conflicts()
        #expect(Set(conflicts.map(\.kind)) == [.contact, .intervention])
        #expect(conflicts.first { $0.kind == .contact }?.field == .phone)
        #expect(Set(conflicts.first { $0.kind == .contact }?.versions.map(\.summary) ?? []) == ["06 1111 1111", "06 2222 2222"])
        #expect(try await karim.conflicts() == conflicts)

        _ = try await karim.setContact(clientId: client, .phone, to: "06 3333 3333")
        _ = try await karim.updateIntervention(interventionId: training, status: .ended)
        for replica in [karim, sanne] { try await replica.sync() }
        #expect(try await sanne.conflicts().isEmpty)
        let journey = try await sanne.journey(clientId: client)
        #expect(journey.client.contact.map(\.current.value) == ["06 3333 3333", "Dorpsstraat 1"])
        #expect(journey.interventions.first?.status == .ended)
        await setup.finish()
    }

    /// Every byte of the files in a folder.
    static func bytes(of folder: String) throws -> Data {
        var data = Data()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            data.append(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
        }
        return data
    }
}
