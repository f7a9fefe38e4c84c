import Casework
import ChangeLog
import Foundation
import SamenspelTestSupport
import SyncProtocol
import Testing

/// The server's fast reader of push bodies reads what JSONDecoder reads, and names what is wrong.
@Suite struct FastWireCodingTests {
    @Test func readsEveryChangeExactlyAsJSONDecoderDoes() throws {
        var factory = ChangeFactory(wallMillis: 1_790_000_000_000)
        let author = TestAuthor(name: "Sanne", discipline: .clientManager, deviceId: "laptop", professionalId: "p")
        let changes = [
            factory.make(.noteAdded(NoteContent(text: "Huisbezoek \"é\" \n ok", determinants: [.skills])), client: "c", by: author),
            factory.make(.assessmentRecorded(Assessment(determinant: .selfEfficacy, score: .known(2))), client: "c", by: author),
        ]
        var data = try WireCoding.makeEncoder().encode(PushRequest(changes: changes))
        let read = try PushRequest(reading: try JSONValue(parsing: String(decoding: data, as: UTF8.self)))
        #expect(read == (try WireCoding.makeDecoder().decode(PushRequest.self, from: data)))
        #expect(read.changes == changes)
        let written = PushRequest(changes: changes).wireText
        #expect(try WireCoding.makeDecoder().decode(PushRequest.self, from: Data(written.utf8)).changes == changes)
        // Without a discipline (an administrator's change) and with an explicit null.
        data = Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"authorDiscipline\":\"clientManager\",", with: "").utf8)
        #expect(try PushRequest(reading: try JSONValue(parsing: String(decoding: data, as: UTF8.self))).changes.allSatisfy { $0.authorDiscipline == nil })
    }

    @Test func pages_writtenAndReadFast_matchJSONCoding() throws {
        var factory = ChangeFactory(wallMillis: 1_790_000_000_000)
        let author = TestAuthor(name: "Ahmed", discipline: .incomeConsultant, deviceId: "laptop", professionalId: "p")
        let page = PullResponse(
            changes: (0..<3).map { factory.make(.noteAdded(NoteContent(text: "n\($0) / \"x\"")), client: "c", by: author) },
            cursor: "c1.42", hasMore: true, professionals: [author.professional],
            serverTime: HLCTimestamp(wallMillis: 1_790_000_000_000, logical: 0),
            scope: ScopeNotice(clientId: "c", access: .revoked))
        let text = try page.wireText()
        #expect(try WireCoding.makeDecoder().decode(PullResponse.self, from: Data(text.utf8)) == page)
        #expect(try PullResponse(readingWire: text) == page)
        let viaEncoder = String(decoding: try WireCoding.makeEncoder().encode(page), as: UTF8.self)
        #expect(try PullResponse(readingWire: viaEncoder) == page)
    }

    @Test(arguments: [
        (#"[]"#, "the body has the wrong type"),
        (#"{}"#, "the body lacks the member 'changes'"),
        (#"{"changes":{}}"#, "changes has the wrong type"),
        (#"{"changes":[1]}"#, "changes[0] has the wrong type"),
        (#"{"changes":[{"payload":{}}]}"#, "changes[0] lacks the member 'hlc'"),
        (#"{"changes":[{"payload":{},"hlc":5}]}"#, "changes[0].hlc has the wrong type"),
        (#"{"changes":[{"payload":{},"hlc":"yesterday"}]}"#, "changes[0].hlc is malformed"),
        (#"{"changes":[{"hlc":"x"}]}"#, "changes[0] lacks the member 'payload'"),
        (#"{"changes":[{"payload":{},"authorDiscipline":3}]}"#, "changes[0].authorDiscipline has the wrong type"),
    ])
    func namesWhatIsWrong(_ body: String, _ message: String) throws {
        let error = #expect(throws: WireShapeError.self) { try PushRequest(reading: try JSONValue(parsing: body)) }
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "")")
    }
}
