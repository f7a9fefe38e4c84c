import Casework
import ChangeLog
import Foundation
import Replica
import SamenspelTestSupport
import Testing

/// A replica that pulls the journey vector's changes, in any order and page size, prints the canonical journey.
@Suite struct JourneyVectorReplicaTests {
    struct Vector: Decodable {
        let clientId: String
        let professionals: [Professional]
        let changes: [Change]
    }

    @Test(arguments: [1, 3, 12])
    func pulledInPagesOfAnySize_theReplicaShowsTheCanonicalJourney(_ pageSize: Int) async throws {
        let vector = try JSONDecoder().decode(Vector.self, from: Vectors.data("journey/jaap-changes.json"))
        let expected = String(decoding: try Vectors.data("journey/jaap-journey.json"), as: UTF8.self)
        let folder = try TemporaryDirectory("vector")
        defer { folder.remove() }
        // Enrolled as a professional who wrote none of the changes, so every change arrives by pull.
        let reader = Professional(id: Identifier.make(wallMillis: 1), name: "Reader", discipline: .clientManager)
        let transport = ScriptedTransport(professional: reader)
        let replica = try await Replica.enroll(in: folder.path, serverURL: "http://127.0.0.1:9", code: "x", passphrase: TestPassphrase.text, cost: .lowest, transport: transport)
        var generator = SeededGenerator(seed: UInt64(pageSize))
        transport.queuePages(vector.changes.shuffled(using: &generator), size: pageSize, professionals: vector.professionals)
        try await replica.sync(using: transport)
        #expect(try await replica.journey(clientId: vector.clientId).canonicalJSON() == expected)
    }
}
