import Casework
import ChangeLog
import Foundation
import SamenspelTestSupport
import SyncProtocol
import Testing

/// Every vector decodes into its protocol type and encodes back to the same JSON, member for member.
@Suite struct ProtocolVectorTests {
    func roundTrip<T: Codable & Equatable>(_ type: T.Type, _ path: String) throws {
        let data = try Vectors.data(path)
        let decoded = try WireCoding.makeDecoder().decode(T.self, from: data)
        let encoded = try WireCoding.makeEncoder().encode(decoded)
        let original = try JSONDecoder().decode(JSONValue.self, from: data)
        let again = try JSONDecoder().decode(JSONValue.self, from: encoded)
        #expect(again == original, "\(path)")
        #expect(try WireCoding.makeDecoder().decode(T.self, from: encoded) == decoded)
    }

    @Test func messages_roundTrip() throws {
        try roundTrip(EnrollRequest.self, "messages/enroll-request.json")
        try roundTrip(EnrollResponse.self, "messages/enroll-response.json")
        try roundTrip(PushRequest.self, "messages/push-request.json")
        try roundTrip(PushResponse.self, "messages/push-response.json")
        try roundTrip(PullResponse.self, "messages/pull-response.json")
        try roundTrip(HealthResponse.self, "messages/health-response.json")
        try roundTrip(ErrorBody.self, "messages/error-body.json")
    }

    @Test func everyMessageVector_isCovered() throws {
        #expect(try Vectors.files(in: "messages").count == 7)
    }

    @Test func changeVectors_roundTrip_andAreValidDomainEvents() throws {
        let files = try Vectors.files(in: "changes")
        #expect(files.count >= 7)
        for file in files {
            try roundTrip(Change.self, file)
            let change = try WireCoding.makeDecoder().decode(Change.self, from: Vectors.data(file))
            #expect(try CaseEvent.decode(change, strict: true) != nil, "\(file)")
        }
    }

    @Test func pushResponseVector_carriesAnErrorOnlyOnRejectedResults() throws {
        let response = try WireCoding.makeDecoder().decode(PushResponse.self, from: Vectors.data("messages/push-response.json"))
        for result in response.results {
            #expect((result.error != nil) == (result.status == .rejected))
        }
    }

    @Test func journeyVector_projectsToTheCanonicalJourney() throws {
        let input = try JSONDecoder().decode(JourneyVector.self, from: Vectors.data("journey/jaap-changes.json"))
        let journey = JourneyProjection.project(
            clientId: input.clientId, changes: input.changes,
            directory: Dictionary(uniqueKeysWithValues: input.professionals.map { ($0.id, $0) }))
        // After an intentional change of the journey format: SAMENSPEL_REGENERATE_VECTORS=1, then review the diff.
        if ProcessInfo.processInfo.environment["SAMENSPEL_REGENERATE_VECTORS"] == "1" {
            try Data(journey.canonicalJSON().utf8).write(to: Vectors.directory.appendingPathComponent("journey/jaap-journey.json"))
        }
        let expected = String(decoding: try Vectors.data("journey/jaap-journey.json"), as: UTF8.self)
        #expect(journey.canonicalJSON() == expected)
    }
}

/// `journey/jaap-changes.json`: a client, the directory, and its changes in a scrambled order.
struct JourneyVector: Decodable {
    let clientId: String
    let professionals: [Professional]
    let changes: [Change]
}
