import Casework
import ChangeLog
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

/// Moving a client between teams: history for the new team, removal for the old one, and which pushes count.
@Suite struct ScopeRouteTests {
    @Test(arguments: Backend.all) func movedClient_newTeamGetsTheWholeHistory_oldTeamIsToldToRemoveIt(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let outsider = try await api.enroll(fixture.outsider)
            var factory = ChangeFactory(wallMillis: WallClock.millis() - 60_000, step: 1)
            let history = (0..<7).map { index in
                factory.make(.noteAdded(NoteContent(text: "before the move \(index)")), client: fixture.jaap, by: sanne.author)
            }
            _ = try await api.push(history, as: sanne)
            // The outsider's team does not have Jaap yet: they see nothing of him.
            var outsiderCursor: String?
            var outsiderSeen: [Change] = []
            func pullOutsider() async throws -> [PullResponse] {
                var pages: [PullResponse] = []
                repeat {
                    let page = try await api.pull(after: outsiderCursor, limit: 3, as: outsider)
                    pages.append(page)
                    outsiderSeen += page.changes
                    outsiderCursor = page.cursor
                } while pages.last!.hasMore
                return pages
            }
            _ = try await pullOutsider()
            #expect(!outsiderSeen.contains { $0.clientId == fixture.jaap })
            let sanneBefore = try await api.pullAll(as: sanne)

            try await api.admin.moveClient(fixture.jaap, toTeam: fixture.otherTeam.id)
            let after = try await pullOutsider()
            #expect(after.compactMap(\.scope) == [ScopeNotice(clientId: fixture.jaap, access: .granted)])
            let jaapSeen = outsiderSeen.filter { $0.clientId == fixture.jaap }
            // Registration, the seven notes (pushed before the move, by another team) and the move itself.
            #expect(Set(jaapSeen.map(\.id)) == Set(history.map(\.id)).union(sanneBefore.filter { $0.clientId == fixture.jaap }.map(\.id)).union(jaapSeen.filter { $0.operation == "move" }.map(\.id)))
            #expect(jaapSeen.contains { $0.operation == "register" })
            #expect(jaapSeen.contains { $0.operation == "move" })
            #expect(Set(jaapSeen.map(\.id)).count == jaapSeen.count, "no change twice")

            // Sanne's team lost Jaap: her next pull says so, and brings nothing more about him.
            var sanneCursor: String?
            var sannePages: [PullResponse] = []
            repeat {
                sannePages.append(try await api.pull(after: sanneCursor, as: sanne))
                sanneCursor = sannePages.last!.cursor
            } while sannePages.last!.hasMore
            #expect(sannePages.compactMap(\.scope).last == ScopeNotice(clientId: fixture.jaap, access: .revoked))
        }
    }

    /// The stores read moves and erasures in chunks while they look for the first that concerns a puller:
    /// moves between the puller's own teams are passed over, however many come before the one that counts.
    @Test(arguments: Backend.all) func aMoveIn_isTold_afterMoreMovesBetweenTheCallersOwnTeamsThanAChunkHolds(
        _ backend: Backend
    ) async throws {
        let fixture = try await ServerFixture(backend)
        let northWest = try await fixture.admin.createTeam(name: "Noord-West")
        let bo = try await fixture.admin.createProfessional(
            name: "Bo", discipline: .clientManager, teamIds: [fixture.team.id, northWest.id])
        let shuttled = try await fixture.admin.createClient(name: "Kees", teamId: fixture.team.id)
        try await fixture.test { api in
            let laptop = try await api.enroll(bo)
            var cursor: String? = try await api.pull(after: nil, as: laptop).cursor
            let shuttles = PullPlanner.scopeEventChunk + 30
            for index in 0..<shuttles {
                try await api.admin.moveClient(shuttled, toTeam: index % 2 == 0 ? northWest.id : fixture.team.id)
            }
            try await api.admin.moveClient(fixture.otherClient, toTeam: northWest.id)
            var pages: [PullResponse] = []
            repeat {
                pages.append(try await api.pull(after: cursor, as: laptop))
                cursor = pages.last!.cursor
            } while pages.last!.hasMore
            #expect(pages.compactMap(\.scope) == [ScopeNotice(clientId: fixture.otherClient, access: .granted)])
            #expect(pages.flatMap(\.changes).filter { $0.clientId == shuttled && $0.operation == "move" }.count == shuttles)
            #expect(pages.flatMap(\.changes).contains { $0.clientId == fixture.otherClient && $0.operation == "register" })
        }
    }

    @Test(arguments: Backend.all) func pushAfterTheMove_isAcceptedOnlyForWritesMadeBeforeIt(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            var before = ChangeFactory(wallMillis: WallClock.millis() - 5_000)
            let writtenBefore = before.make(.noteAdded(NoteContent(text: "offline, before")), client: fixture.jaap, by: sanne.author)
            try await api.admin.moveClient(fixture.jaap, toTeam: fixture.otherTeam.id)
            var later = ChangeFactory(wallMillis: WallClock.millis() + 1_000)
            let writtenAfter = later.make(.noteAdded(NoteContent(text: "offline, after")), client: fixture.jaap, by: sanne.author)
            let response = try await api.push([writtenBefore, writtenAfter], as: sanne)
            #expect(response.results.map(\.status) == [.accepted, .rejected])
            #expect(response.results[1].error?.code == ErrorCode.outOfScope)
        }
    }

    @Test(arguments: Backend.all) func aWriteBackdatedToBeforeTheMove_isRefused_onceTheDeviceSentSomethingLater(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let stays = try await api.admin.createClient(name: "Blijft", teamId: fixture.team.id)
            try await api.admin.moveClient(fixture.jaap, toTeam: fixture.otherTeam.id)
            var now = ChangeFactory(wallMillis: WallClock.millis() + 1_000)
            let later = now.make(.noteAdded(NoteContent(text: "about another client")), client: stays, by: sanne.author)
            #expect(try await api.push([later], as: sanne).results.first?.status == .accepted)
            var backdated = ChangeFactory(wallMillis: WallClock.millis() - 3_600_000)
            let forged = backdated.make(.noteAdded(NoteContent(text: "pretends to be old")), client: fixture.jaap, by: sanne.author)
            #expect(try await api.push([forged], as: sanne).results.first?.error?.code == ErrorCode.outOfScope)
        }
    }

    @Test(arguments: Backend.all) func aRefusedWrite_staysRefused_whenAReplayArrivesAfterTheClientCameBack(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            try await api.admin.moveClient(fixture.jaap, toTeam: fixture.otherTeam.id)
            var factory = ChangeFactory(wallMillis: WallClock.millis() + 60_000)  // written after the move
            let note = factory.make(.noteAdded(NoteContent(text: "x")), client: fixture.jaap, by: sanne.author)
            #expect(try await api.push([note], as: sanne).results.first?.error?.code == ErrorCode.outOfScope)
            try await api.admin.moveClient(fixture.jaap, toTeam: fixture.team.id)
            // The note's timestamp now falls in the team's second period, but the outcome was decided.
            let replay = try await api.push([note], as: sanne)
            #expect(replay.results.first?.error?.code == ErrorCode.outOfScope)
            #expect(try await api.pullAll(as: try await api.enroll(fixture.ahmed)).contains { $0.id == note.id } == false)
        }
    }

    @Test(arguments: Backend.all) func digest_matchesTheChangesAClientHas_andClientHistoryIsScoped(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let ahmed = try await api.enroll(fixture.ahmed)
            var factory = ChangeFactory(wallMillis: WallClock.millis(), step: 1)
            let notes = (0..<4).map { _ in factory.make(.noteAdded(NoteContent(text: "x")), client: fixture.jaap, by: sanne.author) }
            _ = try await api.push(notes, as: sanne)
            let all = try await api.pullAll(as: ahmed).filter { $0.clientId == fixture.jaap }
            let digestResponse = try api.decode(DigestResponse.self, try await api.raw(.get, "/v1/digest", token: ahmed.token))
            #expect(digestResponse.clients.map(\.clientId) == [fixture.jaap])
            #expect(digestResponse.clients.first?.digest == ChangeSetDigest(ids: all.map(\.id)).description)

            let history = try api.decode(
                PullResponse.self, try await api.raw(.get, "/v1/clients/\(fixture.jaap)/changes?limit=2", token: sanne.token))
            #expect(history.changes.count == 2 && history.hasMore)
            // Unlike the log, a client's history includes the caller's own writes.
            let rest = try api.decode(
                PullResponse.self,
                try await api.raw(.get, "/v1/clients/\(fixture.jaap)/changes?after=\(history.cursor)", token: sanne.token))
            #expect((history.changes + rest.changes).map(\.id) == all.map(\.id))

            for client in [fixture.otherClient, Identifier.make(wallMillis: 1)] {
                let refused = try await api.raw(.get, "/v1/clients/\(client)/changes", token: sanne.token)
                #expect(refused.status == .notFound)
                #expect(try api.errorCode(refused) == ErrorCode.outOfScope)
            }
        }
    }

    @Test(arguments: Backend.all) func compaction_expiresOldCursors_butNotTheStart(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let first = try await api.pull(as: sanne)
            var factory = ChangeFactory(wallMillis: WallClock.millis())
            _ = try await api.push([factory.make(.noteAdded(NoteContent(text: "x")), client: fixture.jaap, by: sanne.author)],
                                   as: sanne)
            _ = try await api.admin.compact(keepMillis: -60_000)  // everything received so far is "old"
            let expired = try await api.raw(.get, "/v1/changes?after=\(first.cursor)", token: sanne.token)
            #expect(expired.status == .gone)
            #expect(try api.errorCode(expired) == ErrorCode.cursorExpired)
            #expect(try await api.pull(as: sanne).changes.count >= 1)
        }
    }
}
