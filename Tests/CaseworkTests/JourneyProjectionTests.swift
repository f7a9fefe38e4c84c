import Casework
import ChangeLog
import Foundation
import SamenspelTestSupport
import Testing

@Suite struct JourneyProjectionTests {
    let sanne = TestAuthor(name: "Sanne Bakker", discipline: .clientManager)
    let sanneTablet: TestAuthor
    let ahmed = TestAuthor(name: "Ahmed El Amrani", discipline: .incomeConsultant)
    let petra = TestAuthor(name: "Petra de Jong", discipline: .accountManager)
    let client = Identifier.make(wallMillis: 10)
    let team = Identifier.make(wallMillis: 11)

    init() {
        sanneTablet = TestAuthor(name: "Sanne Bakker", discipline: .clientManager, professionalId: sanne.professional.id)
    }

    var directory: [String: Professional] {
        Dictionary(uniqueKeysWithValues: [sanne, ahmed, petra].map { ($0.professional.id, $0.professional) })
    }

    /// A history with every kind of write, a linear revision, concurrent revisions from two devices of one
    /// author, concurrent intervention updates, and assessments that change over time.
    func history() -> (changes: [Change], conflictedNote: String) {
        var f = ChangeFactory()
        var g = ChangeFactory(wallMillis: 1_764_400_000_000 + 3 * 60_000)  // a second device, clock overlapping
        var changes = [f.register(client: client, name: "Jaap", team: team)]
        let visit = f.make(.noteAdded(NoteContent(text: "Home visit", behaviour: .jobSearch, determinants: [.selfEfficacy])),
                           client: client, by: sanne)
        changes.append(visit)
        let revised = f.make(.noteRevised(NoteContent(text: "Home visit, revised"), supersedes: [visit.id]),
                             client: client, entity: visit.entityId, by: sanne)
        changes.append(revised)
        // Both of Sanne's devices revise the same version while offline.
        g.clock.observe(revised.hlc, wallMillis: g.wallMillis)
        changes.append(f.make(.noteRevised(NoteContent(text: "Laptop version"), supersedes: [revised.id]),
                              client: client, entity: visit.entityId, by: sanne))
        changes.append(g.make(.noteRevised(NoteContent(text: "Tablet version"), supersedes: [revised.id]),
                              client: client, entity: visit.entityId, by: sanneTablet))
        for (author, determinant, score) in [(sanne, Determinant.selfEfficacy, 2), (ahmed, .selfEfficacy, 3),
                                             (sanne, .selfEfficacy, 1), (petra, .practicalBarriers, 2),
                                             (ahmed, .context, 1)] {
            changes.append(f.make(.assessmentRecorded(Assessment(determinant: determinant, score: .known(score))),
                                  client: client, by: author))
        }
        changes.append(f.make(.assessmentRecorded(Assessment(determinant: .attitude, score: .unknown)),
                              client: client, by: petra))
        let sanction = f.make(.interventionStarted(InterventionPlan(kind: "sanctionAnnouncement", valence: .corrective,
                                                                    targets: [.socialPressure], behaviour: .compliance)),
                              client: client, by: ahmed)
        changes.append(sanction)
        let colleague = TestAuthor(name: "Ilse", discipline: .incomeConsultant)
        changes.append(f.make(.interventionUpdated(InterventionUpdate(status: .ended, targets: [.socialPressure]),
                                                   supersedes: [sanction.id]),
                              client: client, entity: sanction.entityId, by: ahmed))
        changes.append(g.make(.interventionUpdated(InterventionUpdate(status: .active, targets: [.socialPressure, .context]),
                                                   supersedes: [sanction.id]),
                              client: client, entity: sanction.entityId, by: colleague))
        changes.append(f.make(.noteAdded(NoteContent(text: "Vacancy found", behaviour: .employerConnection)),
                              client: client, by: petra))
        return (changes, visit.entityId)
    }

    @Test func sameChangesInAnyOrder_giveByteIdenticalJourneyJson() {
        let (changes, _) = history()
        let expected = JourneyProjection.project(clientId: client, changes: changes, directory: directory).canonicalJSON()
        var generator = SeededGenerator(seed: 2026)
        for _ in 0..<200 {
            let shuffled = changes.shuffled(using: &generator)
            let json = JourneyProjection.project(clientId: client, changes: shuffled, directory: directory).canonicalJSON()
            #expect(json == expected)
        }
    }

    @Test func timeline_holdsEveryChangeOnce_inClockOrder() {
        let (changes, _) = history()
        let journey = JourneyProjection.project(clientId: client, changes: changes.reversed(), directory: directory)
        #expect(journey.timeline.map(\.changeId) == changes.sorted(by: Change.displayOrder).map(\.id))
        #expect(Set(journey.timeline.map(\.changeId)).count == changes.count)
        #expect(journey.client.name == "Jaap")
        #expect(journey.timeline.first?.by.name == "administrator")
    }

    @Test func assessments_showTheLatestPerDisciplinePerDeterminant_withTheTrend() throws {
        let journey = JourneyProjection.project(clientId: client, changes: history().changes, directory: directory)
        let selfEfficacy = try #require(journey.determinants.first { $0.determinant == .selfEfficacy })
        #expect(selfEfficacy.group == .wanting)
        #expect(selfEfficacy.assessments.map(\.discipline) == [.clientManager, .incomeConsultant])
        #expect(selfEfficacy.assessments[0].score == .known(1))
        #expect(selfEfficacy.assessments[0].previousScore == .known(2))
        #expect(selfEfficacy.assessments[1].score == .known(3))
        #expect(selfEfficacy.assessments[1].previousScore == nil)
        #expect(journey.determinants.map(\.determinant) == Determinant.allCases)
        let attitude = try #require(journey.determinants.first { $0.determinant == .attitude })
        #expect(attitude.assessments.first?.score == .unknown)
        #expect(attitude.assessments.first?.by.name == "Petra de Jong")
    }

    @Test func concurrentRevisions_keepBothVersions_andMarkTheNoteConflicted() throws {
        let (changes, noteId) = history()
        let journey = JourneyProjection.project(clientId: client, changes: changes, directory: directory)
        let note = try #require(journey.notes.first { $0.id == noteId })
        #expect(note.revisions.count == 4)
        #expect(note.conflicted)
        #expect(Set(note.revisions.filter(\.isHead).map(\.text)) == ["Laptop version", "Tablet version"])
        let heads = note.revisions.filter(\.isHead)
        #expect(note.current == heads.last)
        #expect(note.revisions.map(\.text).contains("Home visit"))
        #expect(note.current.determinants.isEmpty)
    }

    @Test func concurrentInterventionUpdates_convergeAndAreFlagged() throws {
        let journey = JourneyProjection.project(clientId: client, changes: history().changes, directory: directory)
        let sanction = try #require(journey.interventions.first)
        #expect(sanction.kind == "sanctionAnnouncement")
        #expect(sanction.label == "sanction announcement")
        #expect(sanction.conflicted)
        #expect(sanction.revisions.count == 3)
        #expect(sanction.discipline == .incomeConsultant)
        // Nothing anyone wrote is hidden: the state not shown as current is there beside it.
        let other = try #require(sanction.otherVersions.first)
        #expect(sanction.otherVersions.count == 1)
        #expect(Set([other.status, sanction.status]) == [.ended, .active])
        #expect(other.changeId != sanction.revisions.last)
    }

    @Test func concurrentPlanUpdates_keepEveryStateReadable() throws {
        var f = ChangeFactory()
        var changes = [f.register(client: client, name: "Jaap", team: team)]
        let agreement = f.make(.agreementAdded(Agreement(text: "Comes on Tuesdays", responsible: .client)), client: client, by: ahmed)
        let goal = f.make(.goalAdded(SubGoal(title: "Two applications a week", behaviour: .jobSearch, targets: [.skills],
                                             owner: .discipline(.clientManager))), client: client, by: sanne)
        changes += [agreement, goal]
        for (author, status) in [(ahmed, AgreementStatus.notKept), (sanne, .lapsed)] {
            changes.append(f.make(.agreementUpdated(Agreement(text: "Comes on Tuesdays", responsible: .client, status: status),
                                                    supersedes: [agreement.id]),
                                  client: client, entity: agreement.entityId, by: author))
        }
        for (author, status) in [(sanne, GoalStatus.achieved), (petra, .dropped)] {
            changes.append(f.make(.goalUpdated(SubGoal(title: "Two applications a week", behaviour: .jobSearch,
                                                       targets: [.skills], owner: .discipline(.clientManager), status: status),
                                               supersedes: [goal.id]),
                                  client: client, entity: goal.entityId, by: author))
        }
        let plan = JourneyProjection.project(clientId: client, changes: changes, directory: directory).plan
        let shownAgreement = try #require(plan.agreements.first)
        #expect(shownAgreement.conflicted)
        #expect(Set([shownAgreement.status] + shownAgreement.otherVersions.map(\.status)) == [.notKept, .lapsed])
        #expect(shownAgreement.otherVersions.first?.by.name == "Ahmed El Amrani")
        let shownGoal = try #require(plan.subGoals.first)
        #expect(shownGoal.conflicted)
        #expect(Set([shownGoal.status] + shownGoal.otherVersions.map(\.status)) == [.achieved, .dropped])
        // A later update that supersedes both heads resolves it.
        let heads = changes.filter { $0.entityId == agreement.entityId && $0.operation == "update" }.map(\.id)
        changes.append(f.make(.agreementUpdated(Agreement(text: "Comes on Tuesdays", responsible: .client, status: .kept),
                                                supersedes: heads),
                              client: client, entity: agreement.entityId, by: ahmed))
        let resolved = try #require(JourneyProjection.project(clientId: client, changes: changes, directory: directory).plan.agreements.first)
        #expect(!resolved.conflicted && resolved.otherVersions.isEmpty && resolved.status == .kept)
    }

    @Test func revisionByAnotherAuthor_andUnknownOperations_areLeftOutOfTheViews() {
        var f = ChangeFactory()
        let note = f.make(.noteAdded(NoteContent(text: "mine")), client: client, by: sanne)
        let hijack = f.make(.noteRevised(NoteContent(text: "not yours"), supersedes: [note.id]),
                            client: client, entity: note.entityId, by: ahmed)
        let future = Change(
            id: Identifier.make(wallMillis: 5), clientId: client, entityType: "budget", entityId: Identifier.make(wallMillis: 5),
            operation: "add", payload: .object(["text": .string("from a newer version")]), hlc: f.clock.tick(wallMillis: 1),
            authorId: sanne.professional.id, authorDiscipline: "clientManager", deviceId: sanne.deviceId)
        let journey = JourneyProjection.project(clientId: client, changes: [note, hijack, future], directory: directory)
        #expect(journey.notes.first?.current.text == "mine")
        #expect(journey.notes.first?.revisions.count == 1)
        #expect(journey.timeline.map(\.changeId) == [note.id])
    }

    @Test func unknownAuthors_areShownAsUnknown_andOtherClientsAreIgnored() {
        var f = ChangeFactory()
        let stranger = TestAuthor(name: "Not in directory", discipline: .accountManager)
        let note = f.make(.noteAdded(NoteContent(text: "x")), client: client, by: stranger)
        let elsewhere = f.make(.noteAdded(NoteContent(text: "y")), client: Identifier.make(wallMillis: 99), by: sanne)
        let journey = JourneyProjection.project(clientId: client, changes: [note, elsewhere], directory: directory)
        #expect(journey.timeline.count == 1)
        #expect(journey.timeline[0].by.name == "unknown professional")
        #expect(journey.timeline[0].by.discipline == .accountManager)
    }

    @Test func journeyJson_isCanonical_sortedKeysAndStableShape() throws {
        let json = JourneyProjection.project(clientId: client, changes: history().changes, directory: directory).canonicalJSON()
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect(object?["format"] as? String == "samenspel.journey.v2")
        #expect(json.hasSuffix("}\n"))
        let keys = ["client", "determinants", "format", "interventions", "notes", "professionals", "timeline"]
        let positions = keys.map { json.range(of: "\n  \"\($0)\"")!.lowerBound }
        #expect(positions == positions.sorted())
    }
}
