import Casework
import ChangeLog
import Foundation
import JourneyViews
import SamenspelTestSupport
import Testing

/// Jaap's journey as a test fixture: a sanction announced while self-efficacy and context are low; with
/// support, the article's combination around it (coaching on self-efficacy, practical barriers removed).
func jaapJourney(withSupport: Bool = false) -> ClientJourney {
    let sanne = TestAuthor(name: "Sanne Bakker", discipline: .clientManager)
    let ahmed = TestAuthor(name: "Ahmed El Amrani", discipline: .incomeConsultant)
    let client = Identifier.make(wallMillis: 1)
    var f = ChangeFactory(wallMillis: 1_764_412_171_123)
    var changes = [
        f.register(client: client, name: "Jaap <de \"tester\">", team: Identifier.make(wallMillis: 2)),
        f.make(.noteAdded(NoteContent(text: "First line\nSecond line", behaviour: .jobSearch, determinants: [.selfEfficacy])),
               client: client, by: sanne),
        f.make(.assessmentRecorded(Assessment(determinant: .selfEfficacy, score: .known(1))), client: client, by: sanne),
        f.make(.assessmentRecorded(Assessment(determinant: .context, score: .known(2))), client: client, by: ahmed),
        f.make(.interventionStarted(InterventionPlan(kind: "sanctionAnnouncement", valence: .corrective,
                                                     targets: [.socialPressure], behaviour: .compliance)),
               client: client, by: ahmed),
        f.make(.goalAdded(SubGoal(title: "Apply twice a week", behaviour: .jobSearch, targets: [.skills],
                                  owner: .discipline(.clientManager), due: CalendarDate("2027-01-31"))), client: client, by: sanne),
        f.make(.agreementAdded(Agreement(text: "Comes to coaching on Tuesdays", responsible: .client)), client: client, by: ahmed),
    ]
    if withSupport {
        changes.append(f.make(.interventionStarted(InterventionPlan(kind: "selfEfficacyCoaching", valence: .supportive,
                                                                   targets: [.selfEfficacy], behaviour: .jobSearch)),
                              client: client, by: sanne))
        changes.append(f.make(.interventionStarted(InterventionPlan(kind: "barrierRemoval", valence: .facilitating,
                                                                   targets: [.practicalBarriers, .context], behaviour: .employerConnection)),
                              client: client, by: sanne))
    }
    let directory = [sanne.professional.id: sanne.professional, ahmed.professional.id: ahmed.professional]
    return JourneyProjection.project(clientId: client, changes: changes, directory: directory)
}

@Suite struct JourneyTextFormatterTests {
    let amsterdam = TimeZone(identifier: "Europe/Amsterdam")!

    @Test func text_showsSignalsForceFieldMatrixPlanAndWhoDidWhat() throws {
        let text = JourneyTextFormatter(timeZone: amsterdam).format(jaapJourney())
        #expect(text.hasPrefix("Client journey: Jaap <de \"tester\">\n"))
        #expect(text.contains("Overarching goal: taking part in the labour market and in society"))
        #expect(text.contains("Signals (1)"))
        #expect(text.contains("!! HIGH  Sanction announcement is active while scores are low (self-efficacy 1"))
        #expect(text.contains("key: correctiveWithoutSupport:"))
        #expect(text.contains("− sanction announcement (corrective, income consultant) · likely paralyses (without the combination)"))
        #expect(text.contains("29-11-2025 11:29  administrator\n"))
        #expect(text.contains("Sanne Bakker (client manager)"))
        #expect(text.contains("        First line\n        Second line\n"))
        #expect(text.contains("[open] Apply twice a week · job search · skills · client manager · due 31-01-2027"))
        #expect(text.contains("[open] Comes to coaching on Tuesdays · the client"))
        let assessments = try #require(text.components(separatedBy: "Determinants (").last)
        let selfEfficacy = try #require(assessments.split(separator: "\n").first { $0.hasPrefix("    self-efficacy") })
        #expect(selfEfficacy.split(separator: " ").prefix(4) == ["self-efficacy", "1", "29-11-2025", "–"])
        let context = try #require(assessments.split(separator: "\n").first { $0.hasPrefix("    context") })
        #expect(context.split(separator: " ").prefix(4) == ["context", "–", "2", "29-11-2025"])
        #expect(!text.contains("\u{1B}["), "no colours unless asked")
    }

    @Test func supportClearsTheSignal_andColoursAreOnlyForTerminals() {
        let alone = JourneyTextFormatter(timeZone: amsterdam, colors: true).format(jaapJourney())
        #expect(alone.contains("\u{1B}[31m!! HIGH\u{1B}[0m"))
        let text = JourneyTextFormatter(timeZone: amsterdam, colors: true).format(jaapJourney(withSupport: true))
        #expect(text.contains("Signals (0)"))
        #expect(text.contains("\u{1B}[32m+\u{1B}[0m self-efficacy coaching"))
        #expect(text.contains("stimulates (the combination is there)"))
    }

    @Test func dutch_usesTheDutchLabels() {
        let text = JourneyTextFormatter(timeZone: amsterdam, language: .nl).format(jaapJourney())
        for label in ["Klantreis: Jaap", "klantmanager", "inkomensconsulent", "geloof in eigen kunnen", "sociale druk",
                      "praktische belemmeringen", "zelfregulering", "vaardigheden", "houding", "willen", "kunnen",
                      "Signalen (1)", "!! HOOG", "aankondiging van een maatregel (corrigerend, inkomensconsulent)",
                      "Overkoepelend doel: zo snel en duurzaam mogelijk meedoen op de arbeidsmarkt en in de maatschappij",
                      "de klant", "werkt waarschijnlijk verlammend", "de klant zelf", "Verwijzingen", "Vacatures"] {
            #expect(text.contains(label), "\(label)")
        }
    }

    @Test func filter_narrowsEveryEntry_butNotTheForceField() {
        let journey = jaapJourney()
        let filtered = journey.filtered(by: JourneyFilter(disciplines: [.incomeConsultant]))
        #expect(filtered.timeline.allSatisfy { $0.by.discipline == .incomeConsultant })
        #expect(filtered.timeline.count == 3)
        #expect(filtered.forceField == journey.forceField)
        // The notes, the matrix, the interventions and the plan follow the filter too.
        #expect(journey.notes.contains { $0.by.discipline != .incomeConsultant })
        #expect(filtered.notes == journey.notes.filter { $0.by.discipline == .incomeConsultant })
        #expect(filtered.interventions == journey.interventions.filter { $0.discipline == .incomeConsultant })
        #expect(!journey.interventions.isEmpty)
        #expect(journey.filtered(by: JourneyFilter(disciplines: [.accountManager])).interventions.isEmpty)
        #expect(journey.determinants.flatMap(\.assessments).contains { $0.discipline != .incomeConsultant })
        #expect(filtered.determinants.flatMap(\.assessments).allSatisfy { $0.discipline == .incomeConsultant })
        #expect(filtered.plan.subGoals.allSatisfy { $0.owner == .discipline(.incomeConsultant) })
        let selfEfficacy = journey.filtered(by: JourneyFilter(determinant: .selfEfficacy))
        #expect(selfEfficacy.determinants.map(\.determinant) == [.selfEfficacy])
        #expect(selfEfficacy.notes.allSatisfy { $0.current.determinants.contains(.selfEfficacy) })
        #expect(journey.filtered(by: JourneyFilter(determinant: .selfEfficacy)).timeline.count == 2)
        #expect(journey.filtered(by: JourneyFilter(behaviour: .compliance)).timeline.count == 1)
        #expect(journey.filtered(by: JourneyFilter(from: CalendarDate("2025-11-30"), timeZone: amsterdam)).timeline.isEmpty)
        #expect(journey.filtered(by: JourneyFilter(to: CalendarDate("2025-11-29"), timeZone: amsterdam)).timeline.count
            == journey.timeline.count)
    }

    @Test func filter_readsDatesInTheLaptopsTimeZone_andSaysItIsOn() throws {
        // The fixture's changes are at 10:29 UTC on 29-11-2025; on Kiritimati (UTC+14) that is already the 30th.
        let kiritimati = try #require(TimeZone(identifier: "Pacific/Kiritimati"))
        let journey = jaapJourney()
        #expect(journey.filtered(by: JourneyFilter(from: CalendarDate("2025-11-30"), timeZone: kiritimati)).timeline.count
            == journey.timeline.count)
        let filter = JourneyFilter(disciplines: [.accountManager])
        let text = JourneyTextFormatter(timeZone: amsterdam).format(journey.filtered(by: filter), filter: filter)
        #expect(text.contains("Timeline (filtered: account manager · force field and signals: every discipline)\n  (nothing in the timeline matches the filter)"))
        let html = JourneyHTMLRenderer(timeZone: amsterdam).render(journey.filtered(by: filter), filter: filter)
        #expect(html.contains("filtered: account manager"))
    }

    @Test func behaviourFilter_keepsAnInterventionsStatusChanges_andAcknowledgements() throws {
        let ahmed = TestAuthor(name: "Ahmed El Amrani", discipline: .incomeConsultant)
        let client = Identifier.make(wallMillis: 1)
        var f = ChangeFactory()
        let sanction = f.make(.interventionStarted(InterventionPlan(
            kind: "sanction", valence: .corrective, targets: [.socialPressure], behaviour: .jobSearch)), client: client, by: ahmed)
        let changes = [
            f.register(client: client, name: "Jaap", team: Identifier.make(wallMillis: 2)), sanction,
            f.make(.signalAcknowledged(SignalAcknowledgement(
                signal: "correctiveWithoutRecentAssessment:\(sanction.entityId)", reason: "assessed on paper")),
                   client: client, by: ahmed),
            f.make(.interventionUpdated(InterventionUpdate(status: .ended, targets: [.socialPressure]), supersedes: [sanction.id]),
                   client: client, entity: sanction.entityId, by: ahmed),
        ]
        let journey = JourneyProjection.project(
            clientId: client, changes: changes, directory: [ahmed.professional.id: ahmed.professional])
        let jobSearch = journey.filtered(by: JourneyFilter(behaviour: .jobSearch)).timeline.map(\.event)
        #expect(jobSearch == ["intervention.start", "signal.acknowledge", "intervention.update"])
        #expect(journey.filtered(by: JourneyFilter(determinant: .socialPressure)).timeline.count == 3)
        let text = JourneyTextFormatter(timeZone: amsterdam, lineWidth: 200).format(journey)
        #expect(text.contains("discussed the signal ‘correction without a current assessment’ (sanction): assessed on paper"))
    }
}
