import Casework
import ChangeLog
import Foundation
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

/// The server's decision on the protocol vectors: valid changes are accepted, invalid ones get their code.
@Suite struct PushPlannerVectorTests {
    struct InvalidVector: Decodable {
        let description: String
        let expectedCode: String
        let change: Change
    }

    let directory: [String: Professional] = {
        let vector = try! JSONDecoder().decode(
            JourneyDirectory.self, from: Vectors.data("journey/jaap-changes.json"))
        return Dictionary(uniqueKeysWithValues: vector.professionals.map { ($0.id, $0) })
    }()

    /// Plans `change` as pushed by its own author's device, with the vector's client in the author's team.
    func plan(_ change: Change, existing: [Change] = []) -> PushResult {
        let team = "019ad0a0-0000-7000-8000-00000000a001"
        let author = directory[change.authorId] ?? directory.values.sorted { $0.id < $1.id }[0]
        let principal = Principal(deviceId: change.deviceId, professional: author, teamIds: [team])
        var entities: [String: EntityFacts] = [:]
        for stored in existing { entities[stored.entityId] = EntityFacts.after(stored, applyingTo: entities[stored.entityId]) }
        let facts = PushFacts(existing: [:], entities: entities, clientTeams: [change.clientId: [TeamSpan(teamId: team, from: nil, to: nil)]])
        return PushPlanner.plan([change], by: principal, facts: facts, wallMillis: change.hlc.wallMillis, maxDriftMillis: 0)
            .results[0]
    }

    @Test func invalidVectors_areRejectedWithTheirCode() throws {
        let files = try Vectors.files(in: "invalid")
        #expect(files.count >= 10)
        for file in files {
            let vector = try JSONDecoder().decode(InvalidVector.self, from: Vectors.data(file))
            let result = plan(vector.change)
            #expect(result.status == .rejected, "\(file): \(vector.description)")
            #expect(result.error?.code == vector.expectedCode, "\(file): \(vector.description)")
        }
    }

    @Test func validChangeVectors_areAccepted() throws {
        let all = try Vectors.files(in: "changes").map { try WireCoding.makeDecoder().decode(Change.self, from: Vectors.data($0)) }
        for change in all where change.authorId != Change.administratorId {
            let earlier = all.filter { $0.entityId == change.entityId && $0.hlc < change.hlc }
            let needsHistory = change.operation == "revise" || change.operation == "update"
            let result = plan(change, existing: needsHistory ? try history(of: change) : earlier)
            #expect(result.status == .accepted, "\(change.entityType).\(change.operation): \(String(describing: result.error))")
        }
    }

    /// The stored revisions a revising vector refers to, from the journey vector.
    func history(of change: Change) throws -> [Change] {
        let vector = try JSONDecoder().decode(JourneyDirectory.self, from: Vectors.data("journey/jaap-changes.json"))
        return vector.changes.filter { $0.entityId == change.entityId && $0.hlc < change.hlc }
    }
}

struct JourneyDirectory: Decodable {
    let professionals: [Professional]
    let changes: [Change]
}
