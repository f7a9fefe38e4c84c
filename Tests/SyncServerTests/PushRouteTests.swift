import Foundation
import Casework
import ChangeLog
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

@Suite struct PushRouteTests {
    @Test(arguments: Backend.all) func push_storesEachChangeOnce_evenWhenRetried(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let ahmed = try await api.enroll(fixture.ahmed)
            var factory = ChangeFactory(wallMillis: WallClockNow.millis())
            let changes = (0..<3).map { index in
                factory.make(.noteAdded(NoteContent(text: "note \(index)")), client: fixture.jaap, by: sanne.author)
            }
            let first = try await api.push(changes, as: sanne)
            #expect(first.results.map(\.status) == [.accepted, .accepted, .accepted])
            let retry = try await api.push(changes, as: sanne)
            #expect(retry.results.map(\.status) == [.duplicate, .duplicate, .duplicate])
            let seen = try await api.pullAll(as: ahmed).filter { $0.entityType == "note" }
            #expect(seen.map(\.id) == changes.map(\.id))
            #expect(seen == changes)
        }
    }

    @Test(arguments: Backend.all) func sameIdWithOtherContent_isRefusedAsReused(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            var factory = ChangeFactory(wallMillis: WallClockNow.millis())
            let original = factory.make(.noteAdded(NoteContent(text: "original")), client: fixture.jaap, by: sanne.author)
            _ = try await api.push([original], as: sanne)
            let tampered = Change(
                id: original.id, clientId: original.clientId, entityType: "note", entityId: original.entityId,
                operation: "add", payload: CaseEvent.noteAdded(NoteContent(text: "changed")).payload, hlc: original.hlc,
                authorId: original.authorId, authorDiscipline: original.authorDiscipline, deviceId: original.deviceId)
            let response = try await api.push([tampered], as: sanne)
            #expect(response.results.first?.error?.code == ErrorCode.idReused)
        }
    }

    @Test(arguments: Backend.all) func forgedChanges_refuseTheWholePush_with403_andStoreNothing(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let ahmed = try await api.enroll(fixture.ahmed)
            var factory = ChangeFactory(wallMillis: WallClockNow.millis())
            let note = CaseEvent.noteAdded(NoteContent(text: "x"))
            let good = factory.make(note, client: fixture.jaap, by: sanne.author)
            let asAhmed = factory.make(
                note, client: fixture.jaap,
                by: TestAuthor(name: "Ahmed", discipline: .incomeConsultant, deviceId: sanne.deviceId,
                               professionalId: fixture.ahmed.id))
            let otherDevice = factory.make(
                note, client: fixture.jaap,
                by: TestAuthor(name: "Sanne", discipline: .clientManager, professionalId: fixture.sanne.id))
            let wrongDiscipline = factory.make(
                note, client: fixture.jaap,
                by: TestAuthor(name: "Sanne", discipline: .accountManager, deviceId: sanne.deviceId,
                               professionalId: fixture.sanne.id))
            for (forged, code) in [(asAhmed, ErrorCode.wrongAuthor), (otherDevice, ErrorCode.wrongDevice),
                                   (wrongDiscipline, ErrorCode.wrongDiscipline)] {
                let response = try await api.send(.post, "/v1/push", PushRequest(changes: [good, forged]), token: sanne.token)
                #expect(response.status == .forbidden)
                #expect(try api.errorCode(response) == code)
            }
            let malformed = Change(
                id: good.id, clientId: good.clientId, entityType: "note", entityId: "NOT-A-UUID", operation: "add",
                payload: good.payload, hlc: good.hlc, authorId: good.authorId, authorDiscipline: good.authorDiscipline,
                deviceId: good.deviceId)
            let response = try await api.send(.post, "/v1/push", PushRequest(changes: [good, malformed]), token: sanne.token)
            #expect(response.status == .badRequest)
            #expect(try api.errorCode(response) == ErrorCode.invalidChange)
            #expect(try await api.pullAll(as: ahmed).filter { $0.entityType == "note" }.isEmpty, "not even the good change")
            let refusals = try await fixture.store.auditEntries(clientId: nil, actor: fixture.sanne.id).filter { $0.action == "push" }
            #expect(refusals.map { ErrorCode($0.result) } == [ErrorCode.wrongAuthor, ErrorCode.wrongDevice, ErrorCode.wrongDiscipline,
                                               ErrorCode.invalidChange])
        }
    }

    @Test(arguments: Backend.all) func outOfScopeChanges_areRejectedOneByOne_andTheRestIsStored(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let ahmed = try await api.enroll(fixture.ahmed)
            var factory = ChangeFactory(wallMillis: WallClockNow.millis())
            let note = CaseEvent.noteAdded(NoteContent(text: "x"))
            let good = factory.make(note, client: fixture.jaap, by: sanne.author)
            // An honest laptop sends these after its client moved to another team while it was offline:
            // they go to its rejected list while the rest of the batch lands.
            let otherTeam = factory.make(note, client: fixture.otherClient, by: sanne.author)
            let nonexistent = factory.make(note, client: Identifier.make(wallMillis: 5), by: sanne.author)
            let response = try await api.push([good, otherTeam, nonexistent], as: sanne)
            #expect(response.results.map(\.status) == [.accepted, .rejected, .rejected])
            #expect(response.results.dropFirst().map(\.error?.code) == [ErrorCode.outOfScope, ErrorCode.outOfScope])
            // Out of scope and nonexistent clients get the same message shape: existence is not revealed.
            let messages = response.results.suffix(2).map { $0.error!.message.replacingOccurrences(of: $0.id, with: "") }
            #expect(messages[0].replacingOccurrences(of: fixture.otherClient, with: "C")
                == messages[1].replacingOccurrences(of: nonexistent.clientId, with: "C"))
            let stored = try await api.pullAll(as: ahmed).filter { $0.entityType == "note" }
            #expect(stored.map(\.id) == [good.id])
        }
    }

    @Test(arguments: Backend.all) func domainRules_areEnforced_onlyTheAuthorRevisesANote(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let ahmed = try await api.enroll(fixture.ahmed)
            var factory = ChangeFactory(wallMillis: WallClockNow.millis())
            let note = factory.make(.noteAdded(NoteContent(text: "mine")), client: fixture.jaap, by: sanne.author)
            let ownEdit = factory.make(.noteRevised(NoteContent(text: "mine, edited"), supersedes: [note.id]),
                                       client: fixture.jaap, entity: note.entityId, by: sanne.author)
            // A note and its revision can travel in one batch.
            #expect(try await api.push([note, ownEdit], as: sanne).results.map(\.status) == [.accepted, .accepted])
            let hijack = factory.make(.noteRevised(NoteContent(text: "not mine"), supersedes: [ownEdit.id]),
                                      client: fixture.jaap, entity: note.entityId, by: ahmed.author)
            #expect(try await api.push([hijack], as: ahmed).results.first?.error?.code == ErrorCode.notAuthor)
        }
    }

    @Test(arguments: Backend.all) func professionalsCannotRegisterClients_andUnknownOperationsAreRefused(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            var factory = ChangeFactory(wallMillis: WallClockNow.millis())
            let register = factory.make(
                .clientRegistered(ClientRegistration(name: "Fake", teamId: fixture.team.id)), client: fixture.jaap,
                entity: fixture.jaap, by: sanne.author)
            let base = factory.make(.noteAdded(NoteContent(text: "x")), client: fixture.jaap, by: sanne.author)
            let unknown = Change(
                id: base.id, clientId: base.clientId, entityType: "budget", entityId: base.entityId, operation: "add",
                payload: .object([:]), hlc: base.hlc, authorId: base.authorId, authorDiscipline: base.authorDiscipline,
                deviceId: base.deviceId)
            let response = try await api.push([register, unknown], as: sanne)
            #expect(response.results.map(\.error?.code) == [ErrorCode.forbidden, ErrorCode.unknownOperation])
        }
    }

    @Test(arguments: Backend.all) func timestampsFarAheadOfTheServerClock_areRefused(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test(maxClockDriftMillis: 60_000) { api in
            let sanne = try await api.enroll(fixture.sanne)
            var ahead = ChangeFactory(wallMillis: WallClockNow.millis() + 3 * 24 * 3_600_000)
            var onTime = ChangeFactory(wallMillis: WallClockNow.millis())
            let note = CaseEvent.noteAdded(NoteContent(text: "x"))
            let response = try await api.push(
                [ahead.make(note, client: fixture.jaap, by: sanne.author),
                 onTime.make(note, client: fixture.jaap, by: sanne.author)], as: sanne)
            #expect(response.results.map(\.status) == [.rejected, .accepted])
            #expect(response.results.first?.error?.code == ErrorCode.clockAhead)
            #expect(response.serverTime.wallMillis <= WallClockNow.millis() + 1000)
        }
    }

    @Test(arguments: Backend.all) func batchOverTheLimit_isRefusedWhole(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            var factory = ChangeFactory(wallMillis: WallClockNow.millis(), step: 1)
            let changes = (0...ProtocolLimits.maxPushChanges).map { _ in
                factory.make(.noteAdded(NoteContent(text: "x")), client: fixture.jaap, by: sanne.author)
            }
            let response = try await api.send(.post, "/v1/push", PushRequest(changes: changes), token: sanne.token)
            #expect(response.status == .badRequest)
            #expect(try api.errorCode(response) == ErrorCode.batchTooLarge)
            let ahmed = try await api.enroll(fixture.ahmed)
            #expect(try await api.pullAll(as: ahmed).allSatisfy { $0.entityType == "client" })
        }
    }

    /// The server, not only the laptop, keeps a referral's answer to the discipline it is addressed to — read
    /// from the stored log (both backends) and from earlier changes of the same request.
    @Test(arguments: Backend.all) func aReferral_isAnsweredOnlyByTheDisciplineItIsAddressedTo(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let ahmed = try await api.enroll(fixture.ahmed)
            var factory = ChangeFactory(wallMillis: WallClockNow.millis())
            let toSelf = factory.make(.referralAdded(Referral(to: .clientManager, reason: "x")), client: fixture.jaap, by: sanne.author)
            let referral = factory.make(
                .referralAdded(Referral(to: .incomeConsultant, reason: "inkomen")), client: fixture.jaap, by: sanne.author)
            let ownAnswer = factory.make(
                .referralAnswered(ReferralAnswer(status: .accepted), supersedes: [referral.id]), client: fixture.jaap,
                entity: referral.entityId, by: sanne.author)
            let together = try await api.push([toSelf, referral, ownAnswer], as: sanne)
            #expect(together.results.map(\.status) == [.rejected, .accepted, .rejected])
            #expect(together.results.map { $0.error?.code } == [ErrorCode.invalidPayload, nil, ErrorCode.notOwningDiscipline])
            let later = factory.make(
                .referralAnswered(ReferralAnswer(status: .declined, reason: "nee"), supersedes: [referral.id]),
                client: fixture.jaap, entity: referral.entityId, by: sanne.author)
            #expect(try await api.push([later], as: sanne).results.first?.error?.code == ErrorCode.notOwningDiscipline)
            let answer = factory.make(
                .referralAnswered(ReferralAnswer(status: .accepted, reason: "pak ik op"), supersedes: [referral.id]),
                client: fixture.jaap, entity: referral.entityId, by: ahmed.author)
            #expect(try await api.push([answer], as: ahmed).results.map(\.status) == [.accepted])
        }
    }

    @Test func everyPerChangeCode_isListedInTheProtocol() {
        // The codes of the casework rules (CaseworkError), as that module spells them.
        let domainCodes = ["invalidPayload", "unknownOperation", "forbidden", "entityExists", "unknownEntity",
                           "notAuthor", "notOwningDiscipline", "unknownRevision"].map { ErrorCode($0) }
        for code in domainCodes { #expect(ErrorCode.perChange.contains(code)) }
        #expect(Set(ErrorCode.perChange).count == ErrorCode.perChange.count)
    }
}

enum WallClockNow {
    static func millis() -> Int64 { WallClock.millis() }
}
