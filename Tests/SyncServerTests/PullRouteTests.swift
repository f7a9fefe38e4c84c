import Casework
import ChangeLog
import Foundation
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

@Suite struct PullRouteTests {
    @Test(arguments: Backend.all) func pull_pagesThroughEveryVisibleChangeOnce_inOrder(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let ahmed = try await api.enroll(fixture.ahmed)
            var factory = ChangeFactory(wallMillis: WallClock.millis(), step: 1)
            let notes = (0..<23).map { index in
                factory.make(.noteAdded(NoteContent(text: "note \(index)")), client: fixture.jaap, by: sanne.author)
            }
            _ = try await api.push(notes, as: sanne)
            var cursor: String?
            var pages: [PullResponse] = []
            repeat {
                pages.append(try await api.pull(after: cursor, limit: 10, as: ahmed))
                cursor = pages.last!.cursor
            } while pages.last!.hasMore
            #expect(pages.map(\.changes.count) == [10, 10, 4])  // Jaap's registration + 23 notes
            let received = pages.flatMap(\.changes)
            #expect(received.first?.entityType == "client")
            #expect(Array(received.dropFirst()) == notes)
            #expect(pages.flatMap(\.professionals).contains(fixture.sanne))
            let idle = try await api.pull(after: cursor, as: ahmed)
            #expect(idle.changes.isEmpty && !idle.hasMore && idle.cursor == cursor)
        }
    }

    /// A payload stored in plaintext (an erasure record, or from before encryption at rest) is checked when
    /// read: damaged, the pull is a clear error, never a page that is not JSON. Sealed payloads are sent as
    /// they were stored, and one changed on disk does not open.
    @Test(arguments: Backend.databases) func pull_ofADamagedStoredPayload_isAnError_notABrokenPage(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let ahmed = try await api.enroll(fixture.ahmed)
            var factory = ChangeFactory(wallMillis: WallClock.millis(), step: 1)
            let notes = (0..<2).map { index in
                factory.make(.noteAdded(NoteContent(text: "note \(index)")), client: fixture.jaap, by: sanne.author)
            }
            _ = try await api.push(notes, as: sanne)
            #expect(try await api.pullAll(as: ahmed).suffix(2) == notes)
            for damage in ["'{\"text\":\"half'", "'{\"a\":1},{\"b\":2'"] {
                try await fixture.rawExecute("UPDATE changes SET payload = \(damage) WHERE id = '\(notes[1].id)'")
                let response = try await api.raw(.get, "/v1/changes", token: ahmed.token)
                #expect(response.status.code >= 500)
                let body = try WireCoding.makeDecoder().decode(ErrorBody.self, from: Data(buffer: response.body))
                #expect(body.error.message.contains("note") == false)
            }
        }
    }

    @Test(arguments: Backend.all) func pull_leavesOutTheCallersOwnDevice_butNotTheirOtherDevices(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let laptop = try await api.enroll(fixture.sanne)
            let tablet = try await api.enroll(fixture.sanne)
            var factory = ChangeFactory(wallMillis: WallClock.millis())
            let note = factory.make(.noteAdded(NoteContent(text: "x")), client: fixture.jaap, by: laptop.author)
            _ = try await api.push([note], as: laptop)
            #expect(try await api.pullAll(as: laptop).map(\.id).contains(note.id) == false)
            #expect(try await api.pullAll(as: tablet).map(\.id).contains(note.id))
        }
    }

    @Test(arguments: Backend.all) func pull_showsOnlyClientsOfTheCallersTeams(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let outsider = try await api.enroll(fixture.outsider)
            var factory = ChangeFactory(wallMillis: WallClock.millis())
            _ = try await api.push(
                [factory.make(.noteAdded(NoteContent(text: "about Jaap")), client: fixture.jaap, by: sanne.author)],
                as: sanne)
            let seenByOutsider = try await api.pullAll(as: outsider)
            #expect(Set(seenByOutsider.map(\.clientId)) == [fixture.otherClient])
            let seenBySanne = try await api.pullAll(as: sanne)
            #expect(Set(seenBySanne.map(\.clientId)) == [fixture.jaap])
        }
    }

    @Test(arguments: ["garbage", "c1.", "c1.-3", "c1.+5", "c2.1", "c1.5.not-a-client.0", "c1.5.x", "k1.3"])
    func invalidCursor_isRefused(_ cursor: String) async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let response = try await api.raw(.get, "/v1/changes?after=\(cursor)", token: sanne.token)
            #expect(response.status == .badRequest)
            #expect(try api.errorCode(response) == ErrorCode.invalidCursor)
        }
    }

    @Test(arguments: Backend.all) func cursorBeyondTheEndOfTheLog_hasExpired(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let response = try await api.raw(.get, "/v1/changes?after=c1.999999", token: sanne.token)
            #expect(response.status == .gone)
            #expect(try api.errorCode(response) == ErrorCode.cursorExpired)
        }
    }

    @Test(arguments: ["0", "1001", "ten", "+5", "-1"])
    func invalidLimit_isRefused(_ limit: String) async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let response = try await api.raw(.get, "/v1/changes?limit=\(limit)", token: sanne.token)
            #expect(response.status == .badRequest)
            #expect(try api.errorCode(response) == ErrorCode.invalidParameter)
        }
    }
}
