import Casework
import Foundation
import Logging
import JourneyViews
import Replica
import SyncServer

/// The worked example of DOMAIN.md, told with the real server and three real replicas.
struct JaapStory {
    let folder: String
    let logger: Logger
    /// Where the HTML journey is written, if anywhere.
    let htmlPath: String?
    /// The language of the journey's labels.
    let language: Language
    /// Whether to colour the text (a terminal).
    let colors: Bool

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
            InterventionPlan(kind: "vacancyMatch", valence: .facilitating, targets: [.context],
                             behaviour: .employerConnection, status: .planned))
        say("   - Petra (account manager) finds a vacancy that fits and plans a match; she notes the childcare barrier")

        say("4. Ahmed tries to sync while the server is unreachable:")
        do {
            try await ahmed.sync()
            say("   unexpected: the sync succeeded")
        } catch let error as ReplicaError {
            let pending = try await ahmed.status().pendingChanges
            say("   sync failed cleanly: \(error.message); \(pending) writes wait safely on the laptop")
        }

        server = try await RunningServer.start(store: store, configuration: .init(port: server.port), logger: logger)
        try await syncAll(laptops, rounds: 2, heading: "5. The server is back. Every laptop syncs twice:")
        let before = try await sanne.journey(clientId: jaap)
        say("")
        say("6. Together the journey shows what no single laptop did: a sanction announced to someone who doubts")
        say("   he can and is stuck, with nothing to support him. Samenspel raises a signal (nothing is blocked):")
        say("")
        print(indent(JourneyTextFormatter(language: language, colors: colors).formatForceField(before)), terminator: "")
        say("")

        say("7. Sanne starts coaching Jaap on self-efficacy, and writes down how Jaap sees it himself:")
        _ = try await sanne.startIntervention(
            clientId: jaap,
            InterventionPlan(kind: "selfEfficacyCoaching", valence: .supportive, targets: [.selfEfficacy, .attitude],
                             behaviour: .jobSearch))
        _ = try await sanne.recordClientView(
            clientId: jaap,
            Assessment(determinant: .selfEfficacy, score: .known(2), behaviour: .jobSearch,
                       explanation: "Jaap: there is no work in my field, so why try"))
        try await syncAll(laptops, rounds: 1, heading: "   Sanne and Ahmed sync:")
        let partway = try await ahmed.journey(clientId: jaap)
        say("   One support is not the combination the article asks for. The signal stays, at a lower severity,")
        say("   and names what is still missing:")
        say("")
        print(indent(JourneyTextFormatter(language: language, colors: colors).formatSignals(partway)), terminator: "")
        say("")
        say("8. Sanne refers Jaap to Petra, who answers from her own laptop and completes the combination:")
        let referral = try await sanne.addReferral(
            clientId: jaap, Referral(to: .accountManager, reason: "Ready to apply for a concrete logistics vacancy"))
        _ = try await sanne.reviseNote(
            noteId: visit,
            text: """
                Home visit. Jaap's field collapsed with COVID-19 and his skills no longer match the market. He \
                stopped looking for vacancies and missed the application training we agreed on. His friends tell \
                him to wait until things get better. Agreed: coaching on self-efficacy twice a week, the \
                application training again with a weekly plan, and we look at alternatives in logistics together.
                """)
        _ = try await sanne.addGoal(
            clientId: jaap,
            SubGoal(title: "Apply for two logistics vacancies a week", behaviour: .jobSearch,
                    targets: [.selfEfficacy, .skills], owner: .discipline(.clientManager), due: CalendarDate("2027-02-01")))
        _ = try await sanne.startIntervention(
            clientId: jaap,
            InterventionPlan(kind: "applicationTraining", valence: .facilitating, targets: [.skills, .selfRegulation],
                             behaviour: .jobSearch))
        say("   - Sanne revises her note, sets a sub-goal, restarts the application training with a weekly plan")
        say("     (skills and self-regulation) and refers Jaap to the account manager")
        try await syncAll([laptops[0], laptops[2]], rounds: 1, heading: "   Sanne and Petra sync:")
        _ = try await petra.answerReferral(referralId: referral, ReferralAnswer(status: .accepted))
        _ = try await petra.startIntervention(
            clientId: jaap,
            InterventionPlan(kind: "barrierRemoval", valence: .facilitating, targets: [.practicalBarriers, .context],
                             behaviour: .employerConnection))
        say("   - Petra accepts the referral and arranges childcare for the early shift (removal of practical barriers)")
        _ = try await ahmed.addAgreement(
            clientId: jaap,
            Agreement(text: "Jaap attends the coaching every Tuesday and Thursday", responsible: .client,
                      due: CalendarDate("2027-01-15"), behaviour: .compliance))
        say("   - Ahmed records the agreement with Jaap; the announced sanction stays")
        try await syncAll(laptops, rounds: 2, heading: "9. Everyone syncs again:")

        var outputs: [String] = []
        for laptop in laptops {
            let journey = try await laptop.replica.journey(clientId: jaap)
            outputs.append(journey.canonicalJSON())
            say("")
            say("══ Jaap's journey as \(laptop.name) sees it ══")
            print(JourneyTextFormatter(language: language, colors: colors).format(journey), terminator: "")
        }
        await server.stop()
        let after = try await sanne.journey(clientId: jaap)
        let identical = Set(outputs).count == 1
        say("")
        say("10. With the combination complete the signal has cleared, and the sanction now stimulates rather than "
            + "paralyses: \(before.forceField.signals.count) signal(s) before, \(partway.forceField.signals.count) with one "
            + "support, \(after.forceField.signals.count) now. The canonical journey JSON is "
            + "\(identical ? "byte-identical" : "DIFFERENT") on all three laptops (\(outputs[0].utf8.count) bytes).")
        if let htmlPath {
            let html = JourneyHTMLRenderer(language: language).render(after)
            guard FileManager.default.createFile(atPath: htmlPath, contents: Data(html.utf8), attributes: [.posixPermissions: 0o600])
            else {
                throw CLIError("cannot write \(htmlPath)")
            }
            say("   The journey as a web page, to open in a browser or print: \(htmlPath)")
        } else {
            say("   To keep the journey as a web page to open or print: samenspel demo --html jaap.html")
        }
        say("   Demo took \(seconds(since: started)).")
        if !identical { throw CLIError("the demo went wrong: the laptops did not converge") }
        let raised = before.forceField.signals.filter { $0.rule == .correctiveWithoutSupport && $0.severity == .high }
        let lowered = partway.forceField.signals.filter { $0.rule == .correctiveWithoutSupport && $0.severity == .medium }
        guard raised.count == 1, lowered.count == 1,
            !after.forceField.signals.contains(where: { $0.rule == .correctiveWithoutSupport })
        else {
            throw CLIError(
                "the demo went wrong: the sanction alone must raise one high signal, one support a medium one, "
                    + "and the combination must clear it")
        }
    }

    private func syncAll(_ laptops: [Laptop], rounds: Int, heading: String) async throws {
        say(heading)
        for round in 1...rounds {
            for laptop in laptops {
                let report = try await laptop.replica.sync()
                say("   round \(round), \(laptop.name): pushed \(report.pushed), pulled \(report.pulled)")
            }
        }
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "   " + $0 }
            .joined(separator: "\n")
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
