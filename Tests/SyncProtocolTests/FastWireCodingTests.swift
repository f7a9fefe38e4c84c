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

    /// Pages and pushes written member by member, with payloads kept as the text they were stored as, are
    /// byte for byte the canonical text of the JSON tree, for any content (escapes, control characters,
    /// non-ASCII, nesting, with and without a discipline).
    @Test func directWriting_isTheCanonicalTextOfTheTree_andStoredPayloadsActAsParsedOnes() throws {
        var random = SeededGenerator(seed: 0x5EA1_ED)
        func text() -> String {
            let pieces = ["a", "Z", "\"", "\\", "\n", "\t", "\u{01}", "\u{1F}", "é", "€", "🙂", " ", "/", "{", "]"]
            return (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
        }
        func json(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth > 0 ? 8 : 6), using: &random) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &random))
            case 2: return .int(Int64.random(in: -1_000_000...1_000_000, using: &random))
            // Not integral: a parsed number with an integral value is an integer, so `.double(2)` does not
            // survive a round trip through text (the stores have always read their payloads back that way).
            case 3: return .double(Double(2 * Int.random(in: -1000...1000, using: &random) + 1) / 8)
            case 4, 5: return .string(text())
            case 6: return .array((0..<Int.random(in: 0...3, using: &random)).map { _ in json(depth - 1) })
            default:
                return .object(Dictionary((0..<Int.random(in: 0...4, using: &random)).map { _ in (text(), json(depth - 1)) }, uniquingKeysWith: { a, _ in a }))
            }
        }
        for _ in 0..<200 {
            let changes = (0..<Int.random(in: 0...5, using: &random)).map { index in
                Change(
                    id: "id-\(index)-" + text(), clientId: text(), entityType: text(), entityId: text(), operation: text(),
                    payload: json(3), hlc: HLCTimestamp(wallMillis: Int64.random(in: 0...1_900_000_000_000, using: &random), logical: UInt16(index)),
                    authorId: text(), authorDiscipline: Bool.random(using: &random) ? text() : nil, deviceId: text())
            }
            // As a store reads them back: the payload as its canonical text.
            let stored = try changes.map { change throws(JSONParseError) in
                try Change(
                    id: change.id, clientId: change.clientId, entityType: change.entityType, entityId: change.entityId,
                    operation: change.operation, storedPayload: change.payload.canonicalText, authenticated: true,
                    hlc: change.hlc, authorId: change.authorId, authorDiscipline: change.authorDiscipline,
                    deviceId: change.deviceId)
            }
            #expect(stored == changes)
            #expect(stored.map(\.hashValue) == changes.map(\.hashValue))
            #expect(stored.map(\.payload) == changes.map(\.payload))
            #expect(zip(stored, changes).allSatisfy { $0.isSameWrite(as: $1) && $1.isSameWrite(as: $0) })

            let tree = JSONValue.object(["changes": .array(changes.map(\.wireValue))]).canonicalText
            #expect(PushRequest(changes: changes).wireText == tree)
            #expect(PushRequest(changes: stored).wireText == tree)
            let page = PullResponse(
                changes: stored, cursor: text(), hasMore: Bool.random(using: &random), professionals: [],
                serverTime: HLCTimestamp(wallMillis: 1_790_000_000_000, logical: 0),
                scope: Bool.random(using: &random) ? ScopeNotice(clientId: text(), access: .granted) : nil,
                epoch: Bool.random(using: &random) ? text() : nil)
            let viaEncoder = String(decoding: try WireCoding.makeEncoder().encode(page), as: UTF8.self)
            #expect(try page.wireText() == JSONValue(parsing: viaEncoder).canonicalText)
            #expect(try PullResponse(readingWire: page.wireText()) == page)
        }
        // A payload differing only in its text is a different change, whichever way each was read.
        let one = Change(
            id: "x", clientId: "c", entityType: "note", entityId: "e", operation: "add", payload: .object(["t": .string("a")]),
            hlc: HLCTimestamp(wallMillis: 1, logical: 0), authorId: "p", authorDiscipline: nil, deviceId: "d")
        let other = try Change(
            id: "x", clientId: "c", entityType: "note", entityId: "e", operation: "add", storedPayload: #"{"t":"b"}"#,
            authenticated: true,
            hlc: HLCTimestamp(wallMillis: 1, logical: 0), authorId: "p", authorDiscipline: nil, deviceId: "d")
        #expect(one != other)
        #expect(!one.isSameWrite(as: other))
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
