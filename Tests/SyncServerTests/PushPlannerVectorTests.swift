import Casework
import ChangeLog
import Conformance
import Foundation
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

/// The server's decision on the protocol vectors: valid changes are accepted, invalid ones get their code.
@Suite struct PushPlannerVectorTests {
    let directory: [String: Professional] = {
        let vector = try! JSONDecoder().decode(
            JourneyDirectory.self, from: Vectors.data("journey/jaap-changes.json"))
        return Dictionary(uniqueKeysWithValues: vector.professionals.map { ($0.id, $0) })
    }()

    let team = "019ad0a0-0000-7000-8000-00000000a001"

    /// The vector's author, pushing from the vector's device, with the vector's client in their team.
    func principal(of change: Change) -> Principal {
        let author = directory[change.authorId] ?? directory.values.sorted { $0.id < $1.id }[0]
        return Principal(deviceId: change.deviceId, professional: author, teamIds: [team])
    }

    /// Plans `change` as pushed by its own author's device, with the vector's client in the author's team.
    func plan(_ change: Change, existing: [Change] = [], stored: [Change] = []) -> PushResult {
        let principal = principal(of: change)
        var entities: [String: EntityFacts] = [:]
        for stored in existing + stored {
            entities[stored.entityId] = EntityFacts.after(stored, applyingTo: entities[stored.entityId])
        }
        let facts = PushFacts(
            existing: Dictionary(uniqueKeysWithValues: stored.map { ($0.id, $0) }), entities: entities,
            clientTeams: [change.clientId: [TeamSpan(teamId: team, from: nil, to: nil)]])
        return PushPlanner.plan([change], by: principal, facts: facts, wallMillis: change.hlc.wallMillis, maxDriftMillis: 0)
            .results[0]
    }

    @Test func invalidVectors_areRefused_asTheirScopeSays_withTheirStatusAndCode() throws {
        let vectors = try ProtocolVectors.invalid(under: Vectors.directory)
        #expect(vectors.count >= 10)
        for vector in vectors {
            let file = vector.file
            // The pushing device of a request-scope vector: Sanne's laptop (a vector about another device or
            // author names theirs in the change); a change-scope vector is pushed by its own author.
            let pusher = Principal(
                deviceId: "019ad0a0-0000-7000-8000-00000000d001",
                professional: directory["019ad0a0-0000-7000-8000-00000000b001"]!, teamIds: [team])
            switch vector.scope {
            case "request":
                // The route's check before planning: the whole push is refused, nothing stored.
                do {
                    try PushPlanner.checkRequest([vector.change], by: pusher)
                    Issue.record("\(file): the whole request should be refused")
                } catch {
                    #expect(Int(error.status.code) == vector.httpStatus, "\(file)")
                    #expect(error.detail.code == vector.expectedCode, "\(file): \(vector.description)")
                }
            case "change":
                #expect(vector.httpStatus == 200, "\(file)")
                #expect(throws: Never.self) { try PushPlanner.checkRequest([vector.change], by: principal(of: vector.change)) }
                let result = plan(vector.change)
                #expect(result.status == .rejected, "\(file): \(vector.description)")
                #expect(result.error?.code == vector.expectedCode, "\(file): \(vector.description)")
            default:
                Issue.record("\(file): scope must be request or change, not \(vector.scope)")
            }
        }
    }

    @Test func duplicateVectors_sameWriteInCanonicalForm_isADuplicate_elseIdReused() throws {
        let vectors = try ProtocolVectors.duplicates(under: Vectors.directory)
        #expect(vectors.count >= 8)
        for vector in vectors {
            let file = vector.description
            let result = plan(vector.retried, stored: [vector.stored])
            switch vector.expected {
            case "duplicate": #expect(result.status == .duplicate, "\(file): \(vector.description): \(String(describing: result.error))")
            default: #expect(result.status == .rejected && result.error?.code.rawValue == vector.expected, "\(file): \(vector.description)")
            }
        }
    }

    @Test func validChangeVectors_areAccepted() throws {
        let all = try Vectors.files(in: "changes").map { try WireCoding.makeDecoder().decode(Change.self, from: Vectors.data($0)) }
        for change in all where change.authorId != Change.administratorId {
            let earlier = all.filter { $0.entityId == change.entityId && $0.hlc < change.hlc }
            let needsHistory = change.operation == "revise" || change.operation == "update"
            // A revision builds on the journey vector's history, or on the entity's earlier change vectors.
            var stored = needsHistory ? try history(of: change) : []
            for one in earlier where !stored.contains(where: { $0.id == one.id }) { stored.append(one) }
            let result = plan(change, existing: stored)
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
