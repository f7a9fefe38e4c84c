import Casework
import ChangeLog
import SamenspelTestSupport
import Testing

@Suite struct CaseworkRulesTests {
    let sanne = TestAuthor(name: "Sanne", discipline: .clientManager)
    let sanneOtherLaptop: TestAuthor
    let colleague = TestAuthor(name: "Karim", discipline: .clientManager)
    let ahmed = TestAuthor(name: "Ahmed", discipline: .incomeConsultant)
    let client = Identifier.make(wallMillis: 1)
    let otherClient = Identifier.make(wallMillis: 2)

    init() {
        sanneOtherLaptop = TestAuthor(
            name: "Sanne", discipline: .clientManager, professionalId: sanne.professional.id)
    }

    private func check(_ change: Change, _ entity: EntityFacts?) -> String? {
        do {
            try CaseworkRules.check(change, event: try CaseEvent.decode(change, strict: true)!, entity: entity)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func noteRevision_isAllowedForItsAuthor_onAnyOfTheirDevices_only() {
        var factory = ChangeFactory()
        let note = factory.make(.noteAdded(NoteContent(text: "a")), client: client, by: sanne)
        let facts = EntityFacts.after(note, applyingTo: nil)
        let revise = CaseEvent.noteRevised(NoteContent(text: "b"), supersedes: [note.id])
        #expect(check(factory.make(revise, client: client, entity: note.entityId, by: sanneOtherLaptop), facts) == nil)
        #expect(check(factory.make(revise, client: client, entity: note.entityId, by: colleague), facts) == "notAuthor")
        #expect(check(factory.make(revise, client: client, entity: note.entityId, by: ahmed), facts) == "notAuthor")
    }

    @Test func interventionUpdate_isAllowedForTheOwningDisciplineOnly() {
        var factory = ChangeFactory()
        let start = factory.make(
            .interventionStarted(InterventionPlan(kind: "applicationTraining", valence: .facilitating,
                                                  targets: [.skills], behaviour: .jobSearch)),
            client: client, by: sanne)
        let facts = EntityFacts.after(start, applyingTo: nil)
        let end = CaseEvent.interventionUpdated(InterventionUpdate(status: .ended, targets: [.skills]), supersedes: [start.id])
        #expect(check(factory.make(end, client: client, entity: start.entityId, by: colleague), facts) == nil)
        #expect(check(factory.make(end, client: client, entity: start.entityId, by: ahmed), facts) == "notOwningDiscipline")
    }

    @Test func revisingAnEntityOfAnotherClient_isAnUnknownEntity() {
        var factory = ChangeFactory()
        let note = factory.make(.noteAdded(NoteContent(text: "a")), client: otherClient, by: sanne)
        let facts = EntityFacts.after(note, applyingTo: nil)
        let revise = factory.make(
            .noteRevised(NoteContent(text: "b"), supersedes: [note.id]), client: client, entity: note.entityId, by: sanne)
        #expect(check(revise, facts) == "unknownEntity")
        #expect(check(revise, nil) == "unknownEntity")
    }

    @Test func creatingAnExistingEntity_isRefused_andAssessmentsAreImmutable() {
        var factory = ChangeFactory()
        let assessment = factory.make(
            .assessmentRecorded(Assessment(determinant: .skills, score: .known(3))), client: client, by: sanne)
        let again = factory.make(
            .assessmentRecorded(Assessment(determinant: .skills, score: .known(4))), client: client,
            entity: assessment.entityId, by: sanne)
        #expect(check(again, EntityFacts.after(assessment, applyingTo: nil)) == "entityExists")
    }

    @Test func revisionMustSupersedeRevisionsOfTheSameEntity() {
        var factory = ChangeFactory()
        let note = factory.make(.noteAdded(NoteContent(text: "a")), client: client, by: sanne)
        let revise = factory.make(
            .noteRevised(NoteContent(text: "b"), supersedes: [Identifier.make(wallMillis: 9)]), client: client,
            entity: note.entityId, by: sanne)
        #expect(check(revise, EntityFacts.after(note, applyingTo: nil)) == "unknownRevision")
    }

    @Test func onlyTheAdministratorRegistersClients_andProfessionalsWriteCasework() {
        var factory = ChangeFactory()
        let registration = factory.register(client: client, name: "Jaap", team: Identifier.make(wallMillis: 3))
        #expect(check(registration, nil) == nil)
        let forged = factory.make(
            .clientRegistered(ClientRegistration(name: "Jaap", teamId: Identifier.make(wallMillis: 3))),
            client: client, entity: client, by: sanne)
        #expect(check(forged, nil) == "forbidden")
        let adminNote = Change(
            id: Identifier.make(wallMillis: 5), clientId: client, entityType: "note", entityId: Identifier.make(wallMillis: 5),
            operation: "add", payload: CaseEvent.noteAdded(NoteContent(text: "x")).payload,
            hlc: HLCTimestamp(wallMillis: 5, logical: 0), authorId: Change.administratorId, authorDiscipline: nil,
            deviceId: Change.serverDeviceId)
        #expect(check(adminNote, nil) == "forbidden")
    }
}
