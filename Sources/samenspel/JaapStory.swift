import Casework
import Foundation
import Logging
import JourneyViews
import Replica
import SyncServer

/// The worked example of the source article (DOMAIN.md), told with the real server and three real replicas, in
/// English or Dutch: the lone sanction, one support (still a signal), then the full combination (cleared).
struct JaapStory {
    /// The demo laptops' passphrase (printed with `--keep`, to open one in the app). Their data is made up
    /// and their folder temporary, so they use the lowest passphrase cost.
    static let passphrase = "demo"
    let folder: String
    let logger: Logger
    /// Where the HTML journey is written, if anywhere.
    let htmlPath: String?
    /// The language of the story and of the journey's labels.
    let language: Language
    /// Whether to colour the text (a terminal).
    let colors: Bool

    struct Laptop {
        let name: String
        let replica: Replica
    }

    /// The three laptops, the server and the client the story is about.
    private struct Cast {
        let laptops: [Laptop]
        let jaap: String
        var sanne: Replica { laptops[0].replica }
        var ahmed: Replica { laptops[1].replica }
        var petra: Replica { laptops[2].replica }
    }

    func tell() async throws {
        let started = ContinuousClock.now
        let dataFolder = folder + "/server"
        let store = try SQLiteSyncStore(directory: dataFolder)
        var server = try await RunningServer.start(store: store, configuration: .init(port: 0), logger: logger)
        say("1. The office runs a Samenspel server at \(server.baseURL) (data in \(dataFolder)).",
            "1. Het kantoor draait een Samenspel-server op \(server.baseURL) (gegevens in \(dataFolder)).")
        let cast = try await enrol(Administration(store: store), server: server)

        await server.stop()
        say("3. The connection is gone. Everyone works offline, on home visits and in the field:",
            "3. De verbinding is weg. Iedereen werkt offline, op huisbezoek en onderweg:")
        let visit = try await workOffline(cast)
        try await trySyncOffline(cast.ahmed)

        server = try await RunningServer.start(store: store, configuration: .init(port: server.port), logger: logger)
        try await syncAll(cast.laptops, rounds: 2, heading: t(
            "5. The server is back. Every laptop syncs twice:", "5. De server is terug. Elke laptop synchroniseert twee keer:"))
        let before = try await signalRaised(cast)
        let partway = try await oneSupport(cast)
        try await combination(cast, visit: visit)
        try await syncAll(cast.laptops, rounds: 2, heading: t("9. Everyone syncs again:", "9. Iedereen synchroniseert opnieuw:"))
        let outputs = try await showJourneys(cast)
        await server.stop()
        let after = try await cast.sanne.journey(clientId: cast.jaap)
        let identical = Set(outputs).count == 1
        conclude(before: before, partway: partway, after: after, identical: identical, bytes: outputs[0].utf8.count)
        try writeHTML(after)
        say("   Demo took \(seconds(since: started)).", "   De demo duurde \(seconds(since: started)).")
        try check(before: before, partway: partway, after: after, identical: identical)
    }

    // MARK: The steps

    /// Step 2: the team, three professionals with their laptops, and Jaap.
    private func enrol(_ admin: Administration, server: RunningServer) async throws -> Cast {
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
                code: code, passphrase: Self.passphrase, cost: .lowest, deviceName: "laptop of \(name)")
            laptops.append(Laptop(name: "\(name) (\(discipline.label(in: language)))", replica: replica))
        }
        let jaap = try await admin.createClient(name: "Jaap", teamId: team.id)
        say("2. An administrator registers Jaap in team '\(team.name)' and enrolls three laptops:",
            "2. Een beheerder schrijft Jaap in bij team '\(team.name)' en koppelt drie laptops:")
        for laptop in laptops {
            try await laptop.replica.sync()
            say("   - \(laptop.name): enrolled and synced", "   - \(laptop.name): gekoppeld en gesynchroniseerd")
        }
        return Cast(laptops: laptops, jaap: jaap)
    }

    /// Step 3: each discipline works in its own puzzle piece; returns the id of Sanne's note.
    private func workOffline(_ cast: Cast) async throws -> String {
        let (jaap, sanne, ahmed, petra) = (cast.jaap, cast.sanne, cast.ahmed, cast.petra)
        let visit = try await sanne.addNote(
            clientId: jaap,
            NoteContent(text: t(Self.visitNote.en, Self.visitNote.nl), behaviour: .jobSearch,
                        determinants: [.attitude, .selfEfficacy, .socialPressure, .skills]))
        for (determinant, score) in [(Determinant.attitude, 2), (.selfEfficacy, 1), (.socialPressure, 2), (.skills, 2)] {
            _ = try await sanne.recordAssessment(
                clientId: jaap, Assessment(determinant: determinant, score: .known(score), behaviour: .jobSearch))
        }
        _ = try await sanne.addAgreement(
            clientId: jaap,
            Agreement(text: t("Jaap comes to the application training every week", "Jaap komt elke week naar de sollicitatietraining"),
                      responsible: .client, behaviour: .jobSearch, status: .notKept))
        say("   - Sanne (client manager) writes up her home visit, assesses attitude, self-efficacy, social pressure and",
            "   - Sanne (klantmanager) legt haar huisbezoek vast, schat houding, geloof in eigen kunnen, sociale druk en")
        say("     skills, and marks the agreed application training as not kept",
            "     vaardigheden in, en markeert de afgesproken sollicitatietraining als niet nagekomen")

        _ = try await ahmed.addNote(
            clientId: jaap,
            NoteContent(
                text: t("Jaap did not keep his job-search obligations and skipped the agreed training. I told him that his "
                            + "benefit may be reduced if this continues.",
                        "Jaap is zijn sollicitatieplicht niet nagekomen en sloeg de afgesproken training over. Ik heb hem "
                            + "gezegd dat zijn uitkering verlaagd kan worden als dit zo doorgaat."),
                behaviour: .compliance, determinants: [.selfRegulation]))
        _ = try await ahmed.recordAssessment(
            clientId: jaap, Assessment(determinant: .selfRegulation, score: .known(2), behaviour: .compliance))
        _ = try await ahmed.recordAssessment(
            clientId: jaap, Assessment(determinant: .context, score: .known(1), behaviour: .compliance))
        _ = try await ahmed.startIntervention(
            clientId: jaap,
            InterventionPlan(kind: "sanctionAnnouncement", valence: .corrective, targets: [.socialPressure],
                             behaviour: .compliance))
        say("   - Ahmed (income consultant) announces a possible sanction and assesses self-regulation and context",
            "   - Ahmed (inkomensconsulent) kondigt een mogelijke maatregel aan en schat zelfregulering en context in")

        _ = try await petra.addNote(
            clientId: jaap,
            NoteContent(
                text: t("A logistics employer in the region has a vacancy that fits Jaap's experience. Childcare for the "
                            + "early shift is what stands in the way.",
                        "Een logistiek bedrijf in de regio heeft een vacature die past bij Jaaps ervaring. Kinderopvang "
                            + "voor de vroege dienst staat in de weg."),
                behaviour: .employerConnection, determinants: [.practicalBarriers]))
        _ = try await petra.recordAssessment(
            clientId: jaap, Assessment(determinant: .practicalBarriers, score: .known(2), behaviour: .employerConnection))
        _ = try await petra.addVacancy(
            clientId: jaap,
            Vacancy(employer: "Logistiek Midden-Brabant", title: t("order picker, early shift", "orderpicker, vroege dienst"),
                    contact: "P. de Vries"))
        say("   - Petra (account manager) finds a vacancy that fits and records it; she notes the childcare barrier",
            "   - Petra (accountmanager) vindt een passende vacature en legt die vast; ze noteert de belemmering van de kinderopvang")
        return visit
    }

    /// Step 4: a sync without a server fails cleanly, and nothing is lost.
    private func trySyncOffline(_ ahmed: Replica) async throws {
        say("4. Ahmed tries to sync while the server is unreachable:",
            "4. Ahmed probeert te synchroniseren terwijl de server onbereikbaar is:")
        do {
            try await ahmed.sync()
            say("   unexpected: the sync succeeded", "   onverwacht: de synchronisatie lukte")
        } catch let error as ReplicaError {
            let pending = try await ahmed.status().pendingChanges
            say("   sync failed cleanly: \(error.message); \(pending) writes wait safely on the laptop",
                "   de synchronisatie mislukt netjes: de server is niet bereikbaar; \(pending) wijzigingen wachten veilig op de laptop")
        }
    }

    /// Step 6: together the laptops show the sanction alone, and the signal it raises.
    private func signalRaised(_ cast: Cast) async throws -> ClientJourney {
        let before = try await cast.sanne.journey(clientId: cast.jaap)
        say("")
        say("6. Together the journey shows what no single laptop did: a sanction announced to someone who doubts",
            "6. Samen laat de klantreis zien wat geen enkele laptop alleen deed: een maatregel aangekondigd bij iemand")
        say("   he can and is stuck, with nothing to support him. Samenspel raises a signal (nothing is blocked):",
            "   die weinig gelooft in eigen kunnen en vastzit, zonder steun. Samenspel geeft een signaal (niets wordt geblokkeerd):")
        say("")
        print(indent(JourneyTextFormatter(language: language, colors: colors).formatForceField(before)), terminator: "")
        say("")
        return before
    }

    /// Step 7: one support — coaching on self-efficacy — and the client's own view. The signal stays, lower.
    private func oneSupport(_ cast: Cast) async throws -> ClientJourney {
        say("7. Sanne starts coaching Jaap on self-efficacy, and writes down how Jaap sees it himself:",
            "7. Sanne begint Jaap te coachen op geloof in eigen kunnen, en legt vast hoe Jaap het zelf ziet:")
        _ = try await cast.sanne.startIntervention(
            clientId: cast.jaap,
            InterventionPlan(kind: "selfEfficacyCoaching", valence: .supportive, targets: [.selfEfficacy, .attitude],
                             behaviour: .jobSearch))
        _ = try await cast.sanne.recordClientView(
            clientId: cast.jaap,
            Assessment(determinant: .selfEfficacy, score: .known(2), behaviour: .jobSearch,
                       explanation: t("Jaap: there is no work in my field, so why try",
                                      "Jaap: in mijn vak is er toch geen werk, dus waarom zou ik het proberen")))
        try await syncAll(cast.laptops, rounds: 1, heading: t("   Everyone syncs:", "   Iedereen synchroniseert:"))
        let partway = try await cast.ahmed.journey(clientId: cast.jaap)
        say("   One support is not the combination the article asks for. The signal stays, at a lower severity,",
            "   Eén vorm van steun is niet de combinatie die het artikel vraagt. Het signaal blijft, minder zwaar,")
        say("   and names what is still missing:", "   en noemt wat nog ontbreekt:")
        say("")
        print(indent(JourneyTextFormatter(language: language, colors: colors).formatSignals(partway)), terminator: "")
        say("")
        return partway
    }

    /// Step 8: the full combination, as the article draws it, with a hand-over from Sanne to Petra.
    private func combination(_ cast: Cast, visit: String) async throws {
        let (jaap, sanne, ahmed, petra) = (cast.jaap, cast.sanne, cast.ahmed, cast.petra)
        say("8. Sanne refers Jaap to Petra, who answers from her own laptop and completes the combination:",
            "8. Sanne verwijst Jaap naar Petra, die vanaf haar eigen laptop antwoordt en de combinatie compleet maakt:")
        let referral = try await sanne.addReferral(
            clientId: jaap,
            Referral(to: .accountManager, reason: t("Ready to apply for a concrete logistics vacancy",
                                                    "Klaar om te solliciteren op een concrete vacature in de logistiek")))
        _ = try await sanne.reviseNote(noteId: visit, text: t(Self.visitNote.en, Self.visitNote.nl) + " " + t(
            "Agreed: coaching on self-efficacy twice a week, the application training again with a weekly plan, and we look "
                + "at alternatives in logistics together.",
            "Afgesproken: twee keer per week coaching op geloof in eigen kunnen, opnieuw de sollicitatietraining met een "
                + "weekplanning, en samen kijken we naar alternatieven in de logistiek."))
        _ = try await sanne.addGoal(
            clientId: jaap,
            SubGoal(title: t("Apply for two logistics vacancies a week", "Twee keer per week solliciteren in de logistiek"),
                    behaviour: .jobSearch, targets: [.selfEfficacy, .skills], owner: .discipline(.clientManager),
                    due: CalendarDate("2027-02-01")))
        _ = try await sanne.startIntervention(
            clientId: jaap,
            InterventionPlan(kind: "applicationTraining", valence: .facilitating, targets: [.skills, .selfRegulation],
                             behaviour: .jobSearch))
        say("   - Sanne revises her note, sets a sub-goal, restarts the application training with a weekly plan",
            "   - Sanne werkt haar notitie bij, stelt een subdoel, zet de sollicitatietraining opnieuw in met een weekplanning")
        say("     (skills and self-regulation) and refers Jaap to the account manager",
            "     (vaardigheden en zelfregulering) en verwijst Jaap naar de accountmanager")
        try await syncAll([cast.laptops[0], cast.laptops[2]], rounds: 1, heading: t(
            "   Sanne and Petra sync:", "   Sanne en Petra synchroniseren:"))
        _ = try await petra.answerReferral(referralId: referral, ReferralAnswer(status: .accepted))
        _ = try await petra.startIntervention(
            clientId: jaap,
            InterventionPlan(kind: "barrierRemoval", valence: .facilitating, targets: [.practicalBarriers, .context],
                             behaviour: .employerConnection))
        say("   - Petra accepts the referral and arranges childcare for the early shift (removal of practical barriers)",
            "   - Petra neemt de verwijzing aan en regelt kinderopvang voor de vroege dienst (wegnemen van praktische belemmeringen)")
        _ = try await ahmed.addAgreement(
            clientId: jaap,
            Agreement(text: t("Jaap attends the coaching every Tuesday and Thursday",
                              "Jaap komt elke dinsdag en donderdag naar de coaching"),
                      responsible: .client, due: CalendarDate("2027-01-15"), behaviour: .compliance))
        say("   - Ahmed records the agreement with Jaap; the announced sanction stays",
            "   - Ahmed legt de afspraak met Jaap vast; de aangekondigde maatregel blijft staan")
    }

    /// Step 9: the journey as each laptop sees it; returns each laptop's canonical JSON.
    private func showJourneys(_ cast: Cast) async throws -> [String] {
        var outputs: [String] = []
        for laptop in cast.laptops {
            let journey = try await laptop.replica.journey(clientId: cast.jaap)
            outputs.append(journey.canonicalJSON())
            say("")
            say("══ Jaap's journey as \(laptop.name) sees it ══", "══ De klantreis van Jaap zoals \(laptop.name) die ziet ══")
            print(JourneyTextFormatter(language: language, colors: colors).format(journey), terminator: "")
        }
        return outputs
    }

    /// Step 10: the signal step by step, and whether the laptops agree (`bytes`: the size of the journey's JSON).
    private func conclude(before: ClientJourney, partway: ClientJourney, after: ClientJourney, identical: Bool, bytes: Int) {
        let counts = (before.forceField.signals.count, partway.forceField.signals.count, after.forceField.signals.count)
        say("")
        say("10. With the combination complete the signal has cleared, and the sanction now stimulates rather than "
                + "paralyses: \(counts.0) signal(s) before, \(counts.1) with one support, \(counts.2) now. The canonical "
                + "journey JSON is \(identical ? "byte-identical" : "DIFFERENT") on all three laptops "
                + "(\(bytes) bytes).",
            "10. Met de combinatie compleet is het signaal weg, en werkt de maatregel nu stimulerend in plaats van "
                + "verlammend: eerst \(counts.0) signalen, met één vorm van steun \(counts.1), nu \(counts.2). De "
                + "canonieke JSON van de klantreis is op alle drie de laptops \(identical ? "byte voor byte gelijk" : "VERSCHILLEND") "
                + "(\(bytes) bytes).")
    }

    private static let visitNote = (
        en: "Home visit. Jaap's field collapsed with COVID-19 and his skills no longer match the market. He stopped looking "
            + "for vacancies and missed the application training we agreed on. His friends tell him to wait until things "
            + "get better.",
        nl: "Huisbezoek. Door COVID-19 is de vraag in Jaaps vakgebied ingestort en passen zijn vaardigheden niet meer bij de "
            + "arbeidsmarkt. Hij zoekt niet meer naar vacatures en kwam niet naar de afgesproken sollicitatietraining. Zijn "
            + "vrienden zeggen dat hij beter kan wachten tot het weer beter gaat.")

    // MARK: Helpers

    private func writeHTML(_ journey: ClientJourney) throws {
        guard let htmlPath else {
            say("   To keep the journey as a web page to open or print: samenspel demo --html jaap.html",
                "   Om de klantreis als webpagina te bewaren, te openen of te printen: samenspel demo --html jaap.html")
            return
        }
        let html = JourneyHTMLRenderer(language: language).render(journey)
        guard FileManager.default.createFile(atPath: htmlPath, contents: Data(html.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw CLIError("cannot write \(htmlPath)")
        }
        say("   The journey as a web page, to open in a browser or print: \(htmlPath)",
            "   De klantreis als webpagina, om in een browser te openen of te printen: \(htmlPath)")
    }

    /// The story is also a check: the laptops converge, and the signal follows the article step by step.
    private func check(before: ClientJourney, partway: ClientJourney, after: ClientJourney, identical: Bool) throws {
        if !identical { throw CLIError("the demo went wrong: the laptops did not converge") }
        let raised = before.forceField.signals.filter { $0.rule == .correctiveWithoutSupport && $0.severity == .high }
        let notKept = before.forceField.signals.contains { $0.rule == .notKeptMetWithPressureOnly }
        let lowered = partway.forceField.signals.filter { $0.rule == .correctiveWithoutSupport && $0.severity == .medium }
        guard raised.count == 1, lowered.count == 1, notKept, after.forceField.signals.isEmpty
        else {
            throw CLIError(
                "the demo went wrong: the sanction alone must raise one high signal (and the broken agreement met with "
                    + "pressure only another), one support a medium one, and the combination must clear every signal")
        }
    }

    private func syncAll(_ laptops: [Laptop], rounds: Int, heading: String) async throws {
        print(heading)
        for round in 1...rounds {
            for laptop in laptops {
                let report = try await laptop.replica.sync()
                say("   round \(round), \(laptop.name): pushed \(report.pushed), pulled \(report.pulled)",
                    "   ronde \(round), \(laptop.name): \(report.pushed) verstuurd, \(report.pulled) opgehaald")
            }
        }
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "   " + $0 }
            .joined(separator: "\n")
    }

    /// The text in the story's language.
    private func t(_ english: String, _ dutch: String) -> String {
        language == .nl ? dutch : english
    }

    private func say(_ english: String, _ dutch: String? = nil) {
        print(language == .nl ? dutch ?? english : english)
    }

    private func seconds(since start: ContinuousClock.Instant) -> String {
        let elapsed = ContinuousClock.now - start
        let value = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return String(format: "%.1f s", value)
    }
}
