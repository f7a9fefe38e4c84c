import Casework
import ChangeLog
import Foundation
import SamenspelTestSupport
import Testing

@Suite struct CaseEventPayloadTests {
    let author = TestAuthor(name: "Sanne", discipline: .clientManager)
    let client = Identifier.make(wallMillis: 1)

    static let events: [CaseEvent] = [
        .clientRegistered(ClientRegistration(name: "Jaap", teamId: Identifier.make(wallMillis: 2))),
        .noteAdded(NoteContent(text: "Home visit.\nFollow up next week.", behaviour: .jobSearch,
                               determinants: [.skills, .selfEfficacy])),
        .noteRevised(NoteContent(text: "Revised"), supersedes: [Identifier.make(wallMillis: 3)]),
        .assessmentRecorded(Assessment(determinant: .practicalBarriers, score: .known(5), behaviour: .employerConnection)),
        .assessmentRecorded(Assessment(determinant: .attitude, score: .unknown)),
        .interventionStarted(InterventionPlan(kind: "sanctionAnnouncement", valence: .corrective,
                                              targets: [.socialPressure], behaviour: .compliance)),
        .interventionStarted(InterventionPlan(kind: "our-own_kind2", valence: .supportive, targets: [.attitude],
                                              behaviour: nil, status: .planned)),
        .interventionUpdated(InterventionUpdate(status: .ended, targets: [.skills, .context]),
                             supersedes: [Identifier.make(wallMillis: 4), Identifier.make(wallMillis: 5)]),
    ]

    @Test(arguments: events)
    func payload_decodesBackToTheSameEvent_strictly(_ event: CaseEvent) throws {
        var factory = ChangeFactory()
        let change = factory.make(event, client: client, by: author)
        #expect(try CaseEvent.decode(change, strict: true) == event)
    }

    @Test func noteContent_putsDeterminantsInModelOrderWithoutRepeats() {
        let content = NoteContent(text: "x", determinants: [.practicalBarriers, .attitude, .attitude])
        #expect(content.determinants == [.attitude, .practicalBarriers])
    }

    static let invalidPayloads: [(String, String, JSONValue, String)] = [
        ("note", "add", .string("not an object"), "payload must be a JSON object"),
        ("note", "add", .object(["text": .string("   \n ")]), "'text' must not be empty"),
        ("note", "add", .object(["text": .int(3)]), "'text' must be a string"),
        ("note", "add", .object(["text": .string("a\u{0}b")]), "'text' contains control characters"),
        ("note", "add", .object(["text": .string(String(repeating: "é", count: 20_000))]), "'text' is longer"),
        ("note", "add", .object(["text": .string("x"), "behaviour": .string("sleeping")]), "'behaviour' has an unknown value"),
        ("note", "add", .object(["text": .string("x"), "determinants": .array([.string("luck")])]), "unknown determinant"),
        ("note", "add", .object(["text": .string("x"), "determinants": .array([.string("skills"), .string("skills")])]),
         "repeats a determinant"),
        ("note", "revise", .object(["text": .string("x"), "supersedes": .array([])]), "'supersedes' must name 1–64"),
        ("note", "revise", .object(["text": .string("x"), "supersedes": .array([.string("NOT-AN-ID")])]), "change ids"),
        ("assessment", "record", .object(["determinant": .string("skills"), "score": .int(6)]), "'score' must be 1–5"),
        ("assessment", "record", .object(["determinant": .string("skills"), "score": .int(0)]), "'score' must be 1–5"),
        ("assessment", "record", .object(["determinant": .string("skills"), "score": .string("high")]), "'score' must be 1–5"),
        ("assessment", "record", .object(["determinant": .string("mood"), "score": .int(3)]), "'determinant' has an unknown value"),
        ("intervention", "start",
         .object(["kind": .string("vacancy match!"), "valence": .string("supportive"), "targets": .array([.string("skills")]),
                  "status": .string("active")]), "kind must be"),
        ("intervention", "start",
         .object(["kind": .string("vacancyMatch"), "valence": .string("supportive"), "targets": .array([]),
                  "status": .string("active")]), "at least one determinant"),
        ("intervention", "start",
         .object(["kind": .string("vacancyMatch"), "valence": .string("supportive"), "targets": .array([.string("skills")]),
                  "status": .string("ended")]), "starts as planned or active"),
        ("client", "register", .object(["name": .string("two\nlines"), "teamId": .string(Identifier.make(wallMillis: 1))]),
         "one line"),
    ]

    @Test(arguments: invalidPayloads)
    func invalidPayload_isRejectedWithAMessageThatNamesTheMember(
        _ entityType: String, _ operation: String, _ payload: JSONValue, _ expected: String
    ) {
        let change = Change(
            id: Identifier.make(wallMillis: 1), clientId: client, entityType: entityType, entityId: client,
            operation: operation, payload: payload, hlc: HLCTimestamp(wallMillis: 1, logical: 0),
            authorId: author.professional.id, authorDiscipline: "clientManager", deviceId: author.deviceId)
        do {
            _ = try CaseEvent.decode(change, strict: true)
            Issue.record("expected the payload to be rejected")
        } catch {
            #expect(error.code == "invalidPayload")
            #expect(error.message.contains(expected), "\(error.message)")
            if case .string(let text)? = payload["text"], text.count > 10 {
                #expect(!error.message.contains(text), "messages never quote content")
            }
        }
    }

    @Test func unknownMembers_areRejectedOnlyWhenStrict() throws {
        var factory = ChangeFactory()
        let base = factory.make(.noteAdded(NoteContent(text: "x")), client: client, by: author)
        guard case .object(var members) = base.payload else { return }
        members["mood"] = .string("fine")
        let change = Change(
            id: base.id, clientId: base.clientId, entityType: base.entityType, entityId: base.entityId,
            operation: base.operation, payload: .object(members), hlc: base.hlc, authorId: base.authorId,
            authorDiscipline: base.authorDiscipline, deviceId: base.deviceId)
        #expect(throws: CaseworkError.self) { try CaseEvent.decode(change, strict: true) }
        #expect(try CaseEvent.decode(change, strict: false) == .noteAdded(NoteContent(text: "x")))
    }

    @Test func unknownOperation_isKeptButNotReadByAReplica_andRefusedByAServer() throws {
        let change = Change(
            id: Identifier.make(wallMillis: 1), clientId: client, entityType: "budget", entityId: client,
            operation: "add", payload: .object([:]), hlc: HLCTimestamp(wallMillis: 1, logical: 0),
            authorId: author.professional.id, authorDiscipline: "clientManager", deviceId: author.deviceId)
        #expect(try CaseEvent.decode(change) == nil)
        #expect { try CaseEvent.decode(change, strict: true) } throws: { ($0 as? CaseworkError)?.code == "unknownOperation" }
    }

    /// Protocol/vectors/future: a pair a later version may add is kept by a replica without being read, and
    /// refused per change by a server of this version.
    @Test func futureVectors_areKeptUnread_andRefusedWhenPushed() throws {
        let files = try Vectors.files(in: "future")
        #expect(!files.isEmpty)
        for file in files {
            let change = try JSONDecoder().decode(Change.self, from: Vectors.data(file))
            #expect(try CaseEvent.decode(change) == nil, "\(file)")
            #expect { try CaseEvent.decode(change, strict: true) } throws: { ($0 as? CaseworkError)?.code == "unknownOperation" }
        }
    }

    @Test func aLineIsBoundedInCharacters_andInBytes() throws {
        #expect(TextRules.fits(String(repeating: "é", count: 200), characters: 200))
        #expect(!TextRules.fits(String(repeating: "a", count: 201), characters: 200))
        // 150 characters, each carrying ten combining marks: few characters, but 3,150 bytes.
        let stacked = String(repeating: "a" + String(repeating: "\u{0301}", count: 10), count: 150)
        #expect(stacked.count == 150 && !TextRules.fits(stacked, characters: 200))
        #expect(throws: CaseworkError.self) { try TextRules.checkName(stacked, field: "name") }
        let long = String(repeating: "x", count: 41) + "tail"
        let change = Change(
            id: Identifier.make(wallMillis: 1), clientId: Identifier.make(wallMillis: 1), entityType: "note",
            entityId: Identifier.make(wallMillis: 1), operation: "add", payload: .object(["text": .string("x"), long: .string("y")]),
            hlc: HLCTimestamp(wallMillis: 1, logical: 0), authorId: "a", authorDiscipline: "clientManager", deviceId: "d")
        #expect { try CaseEvent.decode(change, strict: true) } throws: { error in
            guard let error = error as? CaseworkError else { return false }
            return error.code == "invalidPayload" && !error.message.contains("tail") && error.message.count < 80
        }
    }
}
