import ChangeLog
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

/// A protocol-level fuzzer for `POST /v1/push`: changes from the vectors, mutated at random — members
/// dropped, swapped for other types or for random JSON, huge strings, deep nesting, bytes that are not
/// UTF-8, truncated JSON, gzip bombs. Whatever arrives: no 5xx, the server keeps answering, and a refused
/// request changes nothing stored (audit entries aside, which record it).
///
/// `SAMENSPEL_FUZZ_ITERATIONS` (default 400, what CI runs) and `SAMENSPEL_FUZZ_SEED` (fixed by default)
/// set the budget; `.ci/fuzz-push` runs a larger one.
@Suite struct PushFuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let iterations = environment["SAMENSPEL_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 400
    static let seed = environment["SAMENSPEL_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x5A4D_5350_454C

    @Test func mutatedPushes_neverGetA5xx_andRefusedOnesStoreNothing() async throws {
        let fixture = try await ServerFixture(.sqlite)
        let database = try DatabaseQueue(path: fixture.folder.appending(SQLiteSyncStore.fileName))
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let bases = try Self.bases(for: sanne, client: fixture.jaap)
            var random = SeededGenerator(seed: Self.seed)
            var statuses: [Int: Int] = [:]
            for iteration in 0..<Self.iterations {
                let (body, headers) = try Self.request(from: bases, token: sanne.token, random: &random)
                let before = try await Self.stored(database)
                let response = try await api.raw(.post, "/v1/push", bytes: body, headers: headers)
                statuses[Int(response.status.code), default: 0] += 1
                #expect(response.status.code < 500, "iteration \(iteration) (seed \(Self.seed)): \(response.status)")
                if response.status != .ok {
                    let after = try await Self.stored(database)
                    #expect(after == before, "iteration \(iteration) (seed \(Self.seed)): a refused request stored something")
                }
                if iteration % 50 == 0 {
                    #expect(try await api.raw(.get, "/health").status == .ok, "the server answers")
                }
            }
            #expect(try await fixture.store.verifyAudit().isIntact)
            print("push fuzzer: \(Self.iterations) requests, seed \(Self.seed), statuses \(statuses.sorted { $0.key < $1.key })")
        }
    }

    /// The vectors' changes as the enrolled device's own, about the fixture's client, stamped now.
    static func bases(for device: Device, client: String) throws -> [[String: JSONValue]] {
        let now = HLCTimestamp(wallMillis: WallClock.millis(), logical: 0).description
        return try Vectors.files(in: "changes").compactMap { file -> [String: JSONValue]? in
            guard case .object(var members) = try JSONValue(parsing: String(decoding: try Vectors.data(file), as: UTF8.self))
            else { return nil }
            members["deviceId"] = .string(device.deviceId)
            members["authorId"] = .string(device.professional.id)
            members["authorDiscipline"] = .string(device.professional.discipline.rawValue)
            members["clientId"] = .string(client)
            members["hlc"] = .string(now)
            return members
        }
    }

    /// Counts of what a push could store.
    static func stored(_ database: DatabaseQueue) async throws -> [Int] {
        try await database.read { db in
            [try Int.fetchOne(db, sql: "SELECT count(*) FROM changes") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM refused_changes") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM devices WHERE max_hlc IS NOT NULL") ?? 0]
        }
    }

    /// One request: a body and its headers, valid or not in one of many ways.
    static func request(from bases: [[String: JSONValue]], token: String, random: inout SeededGenerator) throws
        -> (ByteBuffer, HTTPFields)
    {
        var headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
        var changes: [JSONValue] = []
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            var change = bases.randomElement(using: &random)!
            change["id"] = .string(Identifier.make(wallMillis: Int64.random(in: 1...9_999_999_999_999, using: &random)))
            if Bool.random(using: &random) {
                change["entityId"] = .string(Identifier.make(wallMillis: Int64.random(in: 1...9_999_999_999_999, using: &random)))
            }
            for _ in 0..<Int.random(in: 0...3, using: &random) { mutate(&change, random: &random) }
            changes.append(.object(change))
        }
        var text = JSONValue.object(["changes": .array(changes)]).canonicalText
        switch Int.random(in: 0..<20, using: &random) {
        case 0:  // cut off
            text = String(text.prefix(Int.random(in: 0..<max(1, text.count), using: &random)))
        case 1:  // a member the request does not have
            text = "{\"changes\":[],\"extra\":" + text + "}"
        case 2:  // nested deeper than any parser should follow
            let depth = Int.random(in: 400...5_000, using: &random)
            text = "{\"changes\":[" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "]}"
        case 3:  // not JSON at all
            text = String((0..<Int.random(in: 0...200, using: &random)).map { _ in Character(UnicodeScalar(UInt8.random(in: 32...126, using: &random))) })
        case 4:
            headers[.contentType] = ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"]
                .randomElement(using: &random)!
        default:
            break
        }
        var bytes = ByteBuffer(string: text)
        switch Int.random(in: 0..<25, using: &random) {
        case 0:  // bytes that are not UTF-8, somewhere in the body
            var raw = Array(text.utf8)
            raw.insert(contentsOf: [0xC3, 0x28, 0xFF, 0xFE], at: raw.isEmpty ? 0 : Int.random(in: 0..<raw.count, using: &random))
            bytes = ByteBuffer(bytes: raw)
        case 1:  // a gzip bomb: far over the body limit once inflated
            bytes = try WireCompression.gzip(ByteBuffer(repeating: UInt8(ascii: " "), count: 12 * 1024 * 1024))
            headers[.contentEncoding] = "gzip"
        case 2:  // the body gzipped, as a replica does
            bytes = try WireCompression.gzip(bytes)
            headers[.contentEncoding] = "gzip"
        case 3:  // claims gzip, is not
            headers[.contentEncoding] = "gzip"
        default:
            break
        }
        return (bytes, headers)
    }

    /// One mutation of a change object.
    static func mutate(_ change: inout [String: JSONValue], random: inout SeededGenerator) {
        let keys = Array(change.keys).sorted()
        let key = keys.randomElement(using: &random)!
        switch Int.random(in: 0..<8, using: &random) {
        case 0: change[key] = nil
        case 1: change[key] = randomJSON(depth: Int.random(in: 0...6, using: &random), random: &random)
        case 2: change[key] = .string(String(repeating: "x", count: [0, 1, 33, 257, 40_000, 1 << 20].randomElement(using: &random)!))
        case 3: change["unexpected\(Int.random(in: 0...9, using: &random))"] = randomJSON(depth: 2, random: &random)
        case 4:
            if case .object(var payload)? = change["payload"] {
                let member = payload.keys.sorted().randomElement(using: &random) ?? "text"
                payload[member] = randomJSON(depth: Int.random(in: 0...4, using: &random), random: &random)
                if Bool.random(using: &random) { payload[String(repeating: "k", count: Int.random(in: 1...70_000, using: &random))] = .null }
                change["payload"] = .object(payload)
            }
        case 5: change["hlc"] = .string(["", "0", "000000000000000-00000", "999999999999999-99999", "1-1", "abc"].randomElement(using: &random)!)
        case 6: change[key] = .string(["", "é", "\u{0}", "\u{202E}rtl", "𝕏", String(repeating: "\u{0301}", count: 500)].randomElement(using: &random)!)
        default: change[key] = [.null, .bool(true), .int(-1), .double(1e308), .array([]), .object([:])].randomElement(using: &random)!
        }
    }

    static func randomJSON(depth: Int, random: inout SeededGenerator) -> JSONValue {
        switch Int.random(in: 0..<(depth > 0 ? 7 : 5), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .int(Int64.random(in: -1_000_000...1_000_000, using: &random))
        case 3: return .string(String(repeating: "a", count: Int.random(in: 0...64, using: &random)))
        case 4: return .string(Identifier.make(wallMillis: 1))
        case 5: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in randomJSON(depth: depth - 1, random: &random) })
        default:
            var members: [String: JSONValue] = [:]
            for index in 0..<Int.random(in: 0...4, using: &random) { members["m\(index)"] = randomJSON(depth: depth - 1, random: &random) }
            return .object(members)
        }
    }
}
