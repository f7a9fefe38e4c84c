import Casework
import Foundation
import Logging
import Replica
import SyncServer

/// The worked example of DOMAIN.md, told with the real server and three real replicas.
struct JaapStory {
    let folder: String
    let logger: Logger

    struct Laptop {
        let name: String
        let replica: Replica
    }

    func tell() async throws {
        let started = ContinuousClock.now
        let dataFolder = folder + "/server"
        let store = try SQLiteSyncStore(directory: dataFolder)
        let admin = Administration(store: store)
        var server = try await RunningServer.start(store: store, configuration: .init(port: 0), logger: logger)
        say("1. The office runs a Samenspel server at \(server.baseURL) (data in \(dataFolder)).")

        let team = try await admin.createTeam(name: "Werk en Inkomen Noord")
        let people: [(String, Discipline)] = [
            ("Sanne Bakker", .clientManager), ("Ahmed El Amrani", .incomeConsultant), ("Petra de Jong", .accountManager),
        ]
        var laptops: [Laptop] = []
        for (name, discipline) in people {
            let professional = try await admin.createProfessional(name: name, discipline: discipline, teamIds: [team.id])
            let code = try await admin.issueEnrollmentCode(professionalId: professional.id)
            let replica = try await Replica.enroll(
                in: folder + "/laptop-" + name.split(separator: " ")[0].lowercased(), serverURL: server.baseURL,
                code: code, deviceName: "laptop of \(name)")
            laptops.append(Laptop(name: "\(name) (\(discipline.label))", replica: replica))
        }
        let jaap = try await admin.createClient(name: "Jaap", teamId: team.id)
        say("2. An administrator registers Jaap in team '\(team.name)' and enrolls three laptops:")
        for laptop in laptops {
            try await laptop.replica.sync()
            say("   - \(laptop.name): enrolled and synced")
        }

        await server.stop()
        say("3. The connection is gone. Everyone works offline, on home visits and in the field:")
        let (sanne, ahmed, petra) = (laptops[0].replica, laptops[1].replica, laptops[2].replica)

        let visit = try await sanne.addNote(
            clientId: jaap,
            NoteContent(
                text: """
                    Home visit. Jaap's field collapsed with COVID-19 and his skills no longer match the market. \
                    He stopped looking for vacancies and missed the application training we agreed on. His \
                    friends tell him to wait until things get better.
                    """,
                behaviour: .jobSearch, determinants: [.attitude, .selfEfficacy, .socialPressure, .skills]))
        for (determinant, score) in [(Determinant.attitude, 2), (.selfEfficacy, 1), (.socialPressure, 2), (.skills, 2)] {
            _ = try await sanne.recordAssessment(
                clientId: jaap, Assessment(determinant: determinant, score: .known(score), behaviour: .jobSearch))
        }
        say("   - Sanne (client manager) writes up her home visit and assesses attitude, self-efficacy, social pressure and skills")

        _ = try await ahmed.addNote(
            clientId: jaap,
            NoteContent(
                text: """
                    Jaap did not keep his job-search obligations and skipped the agreed training. I told him \
                    that his benefit may be reduced if this continues.
                    """,
                behaviour: .compliance, determinants: [.selfRegulation]))
        _ = try await ahmed.recordAssessment(
            clientId: jaap, Assessment(determinant: .selfRegulation, score: .known(2), behaviour: .compliance))
        _ = try await ahmed.recordAssessment(
            clientId: jaap, Assessment(determinant: .context, score: .known(1), behaviour: .compliance))
        _ = try await ahmed.startIntervention(
            clientId: jaap,
            InterventionPlan(kind: "sanctionAnnouncement", valence: .corrective, targets: [.socialPressure],
                             behaviour: .compliance))
        say("   - Ahmed (income consultant) announces a possible sanction and assesses self-regulation and context")

        _ = try await petra.addNote(
            clientId: jaap,
            NoteContent(
                text: """
                    A logistics employer in the region has a vacancy that fits Jaap's experience. Childcare for \
                    the early shift is what stands in the way.
                    """,
                behaviour: .employerConnection, determinants: [.practicalBarriers]))
        _ = try await petra.recordAssessment(
            clientId: jaap, Assessment(determinant: .practicalBarriers, score: .known(2), behaviour: .employerConnection))
        _ = try await petra.startIntervention(
            clientId: jaap,
            InterventionPlan(kind: "barrierRemoval", valence: .facilitating, targets: [.practicalBarriers, .context],
                             behaviour: .employerConnection))
        _ = try await petra.startIntervention(
            clientId: jaap,
            InterventionPlan(kind: "vacancyMatch", valence: .facilitating, targets: [.skills],
                             behaviour: .employerConnection, status: .planned))
        say("   - Petra (account manager) finds a vacancy and starts removing the childcare barrier")

        let coaching = try await sanne.startIntervention(
            clientId: jaap,
            InterventionPlan(kind: "selfEfficacyCoaching", valence: .supportive, targets: [.selfEfficacy, .attitude],
                             behaviour: .jobSearch))
        _ = try await sanne.reviseNote(
            noteId: visit,
            text: """
                Home visit. Jaap's field collapsed with COVID-19 and his skills no longer match the market. He \
                stopped looking for vacancies and missed the application training we agreed on. His friends tell \
                him to wait until things get better. Agreed: coaching on self-efficacy twice a week, and we look \
                at alternatives in logistics together.
                """)
        say("   - Sanne starts self-efficacy coaching (id \(coaching.prefix(8))…) and revises her note")

        say("4. Ahmed tries to sync while the server is unreachable:")
        do {
            try await ahmed.sync()
            say("   unexpected: the sync succeeded")
        } catch let error as ReplicaError {
            let pending = try await ahmed.status().pendingChanges
            say("   sync failed cleanly: \(error.message); \(pending) writes wait safely on the laptop")
        }

        server = try await RunningServer.start(
            store: store, configuration: .init(port: server.port), logger: logger)
        say("5. The server is back. Every laptop syncs twice:")
        for round in 1...2 {
            for laptop in laptops {
                let report = try await laptop.replica.sync()
                say("   round \(round), \(laptop.name): pushed \(report.pushed), pulled \(report.pulled)")
            }
        }

        var outputs: [String] = []
        for laptop in laptops {
            let journey = try await laptop.replica.journey(clientId: jaap)
            outputs.append(journey.canonicalJSON())
            say("")
            say("══ Jaap's journey as \(laptop.name) sees it ══")
            print(JourneyTextFormatter().format(journey), terminator: "")
        }
        await server.stop()
        let identical = Set(outputs).count == 1
        say("")
        say(
            "6. The canonical journey JSON is \(identical ? "byte-identical" : "DIFFERENT") on all three laptops "
                + "(\(outputs[0].utf8.count) bytes). Demo took \(seconds(since: started)).")
        if !identical { throw ReplicaError(code: "demoDiverged", message: "the replicas did not converge") }
    }

    private func say(_ line: String) {
        print(line)
    }

    private func seconds(since start: ContinuousClock.Instant) -> String {
        let elapsed = ContinuousClock.now - start
        let value = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return String(format: "%.1f s", value)
    }
}
