import Casework
import ChangeLog
import Foundation
import SamenspelTestSupport
import SyncProtocol
import Testing

/// Pushes that race through two instances on one PostgreSQL database are decided as if they came one after
/// the other: a push plans with the facts it read before it took the log lock only when nothing those facts
/// depend on was appended meanwhile, and plans again under the lock otherwise.
@Suite(.enabled(if: PostgresTestDatabase.enabled, "needs PostgreSQL: set SAMENSPEL_POSTGRES_URL (always runs in CI)"))
struct ConcurrentPushPostgresTests {
    typealias Cluster = MultiInstancePostgresTests.Cluster

    @Test func theSameBatch_pushedThroughTwoInstancesAtOnce_isStoredOnce_andAnsweredAsADuplicate() async throws {
        let cluster = try await Cluster.start()
        do {
            let team = try await cluster.admin.createTeam(name: "Noord")
            let client = try await cluster.admin.createClient(name: "Jaap", teamId: team.id)
            let sanne = try await cluster.admin.createProfessional(name: "Sanne", discipline: .clientManager, teamIds: [team.id])
            let device = try await cluster.enroll(sanne, via: 0)
            let transports = [try cluster.transport(0), try cluster.transport(1)]
            var factory = ChangeFactory(wallMillis: WallClock.millis() - 3_600_000, step: 10)
            for round in 0..<12 {
                let batch = (0..<40).map { _ in
                    factory.make(.noteAdded(NoteContent(text: "ronde \(round)")), client: client, by: device.author)
                }
                let answers = try await withThrowingTaskGroup(of: PushResponse.self) { group in
                    for transport in transports {
                        group.addTask { try await transport.push(PushRequest(changes: batch), token: device.token) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                for (index, change) in batch.enumerated() {
                    let statuses = answers.map { $0.results[index].status }.sorted { $0.rawValue < $1.rawValue }
                    #expect(statuses == [.accepted, .duplicate], "round \(round), change \(change.id): \(statuses)")
                }
            }
            let stored = try await cluster.stores[0].logActivity(after: 0, limit: 10_000).filter { $0.clientId == client }
            #expect(stored.count == 1 + 12 * 40, "the registration and every note once")
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    @Test func twoDevicesCreatingTheSameEntityAtOnce_getOneAcceptedAndOneRefused() async throws {
        let cluster = try await Cluster.start()
        do {
            let team = try await cluster.admin.createTeam(name: "Noord")
            let client = try await cluster.admin.createClient(name: "Jaap", teamId: team.id)
            let sanne = try await cluster.admin.createProfessional(name: "Sanne", discipline: .clientManager, teamIds: [team.id])
            let laptops = [try await cluster.enroll(sanne, via: 0), try await cluster.enroll(sanne, via: 1)]
            var factories = laptops.map { _ in ChangeFactory(wallMillis: WallClock.millis() - 3_600_000, step: 10) }
            for round in 0..<12 {
                // The same entity id, created by two changes with ids of their own: no database constraint
                // tells them apart, only the planner's rule that an entity is created once.
                let entities = (0..<20).map { _ in Identifier.make(wallMillis: WallClock.millis()) }
                let batches = laptops.indices.map { index in
                    entities.map { entity in
                        factories[index].make(
                            .noteAdded(NoteContent(text: "ronde \(round)")), client: client, entity: entity, by: laptops[index].author)
                    }
                }
                let answers = try await withThrowingTaskGroup(of: (Int, PushResponse).self) { group in
                    for index in laptops.indices {
                        let transport = try cluster.transport(index)
                        let (batch, token) = (batches[index], laptops[index].token)
                        group.addTask { (index, try await transport.push(PushRequest(changes: batch), token: token)) }
                    }
                    return try await group.reduce(into: [Int: PushResponse]()) { $0[$1.0] = $1.1 }
                }
                for index in entities.indices {
                    let results = laptops.indices.compactMap { answers[$0]?.results[index] }
                    #expect(results.map(\.status).sorted { $0.rawValue < $1.rawValue } == [.accepted, .rejected], "round \(round)")
                    #expect(results.first { $0.status == .rejected }?.error?.code == ErrorCode.entityExists)
                }
            }
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }
}
