import AsyncHTTPClient
import Casework
import ChangeLog
public import Foundation
import NIOCore
import NIOHTTP1
import SyncProtocol

/// One property of the protocol as the kit checked it against a server.
public struct ConformanceCheck: Sendable, Hashable {
    /// The property's number in Protocol/README.md §13 (or the section, e.g. `§5`).
    public let property: String
    /// What was checked, in a few words.
    public let title: String
    /// Why it failed; `nil` when it held.
    public let failure: String?

    /// Whether the property held.
    public var passed: Bool { failure == nil }

    /// The property of a check that could not be set up (the client): not a verdict on the server.
    public static let setup = "setup"

    /// Whether the run could not start: enrollment or the client failed, so nothing was judged.
    public var isSetup: Bool { property == Self.setup || property == "§3" }

    /// `PASS 7 a retried write is a duplicate`, or `FAIL 7 …: why`.
    public var line: String {
        "\(passed ? "PASS" : "FAIL") \(property) \(title)" + (failure.map { ": \($0)" } ?? "")
    }
}

/// The protocol's contract run against any server, as a client would: enrollment, every push vector (valid
/// and invalid, with its scope, status and code), idempotent retries, the re-stamp after `clockAhead`,
/// paging and cursors, digests, compression and error bodies (Protocol/README.md, "Conformance").
///
/// It writes into the given client's journey (notes, and changes the server must refuse): run it against a
/// test server, or a test client, never a real person's file.
public struct ConformanceKit: Sendable {
    let server: String
    let code: String
    let clientId: String
    let vectors: URL
    /// Its own client: answers are read as the server sent them (no decompression on the way), since how
    /// the server compresses is part of what is checked.
    let http = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: HTTPClient.Configuration(decompression: .disabled))

    /// - Parameters:
    ///   - server: The server's base URL, e.g. `http://127.0.0.1:8080`.
    ///   - code: A fresh enrollment code of a professional (the kit enrolls a device with it).
    ///   - clientId: A client in that professional's caseload.
    ///   - vectors: The `Protocol/vectors` folder.
    public init(server: String, code: String, clientId: String, vectors: URL) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.code = code
        self.clientId = clientId
        self.vectors = vectors
    }

    /// Runs every check; a failure of one does not stop the others (enrollment excepted).
    public func run() async -> [ConformanceCheck] {
        let checks = await checkAll()
        try? await http.shutdown()
        return checks
    }

    private func checkAll() async -> [ConformanceCheck] {
        var report = Report()
        let session: Session
        do {
            session = try await enroll()
            report.pass("§3", "enrollment with a one-time code gives a device token")
        } catch {
            report.fail("§3", "enrollment with a one-time code gives a device token", Self.explain(error))
            return report.checks
        }
        do {
            _ = try await historyPage(session, after: nil, limit: 1)
        } catch {
            report.fail(
                ConformanceCheck.setup, "the client is in the enrolled professional's caseload",
                "\(error) — give a test client of that professional with --client")
            return report.checks
        }
        await report.run("12", "a refused request answers an error body with its code") { try await errorBodies(session) }
        await report.run("18", "a change refused for the whole request stores nothing (vectors/invalid, scope request)") {
            try await requestScopeVectors(session)
        }
        await report.run("§10", "every valid change vector, as this device's write, is accepted (vectors/changes)") {
            try await validChangeVectors(session)
        }
        await report.run("§5", "a change refused on its own gets its code in a 200 (vectors/invalid, scope change)") {
            try await changeScopeVectors(session)
        }
        await report.run("7", "a retried write is a duplicate, another under the same id is idReused (vectors/duplicates)") {
            try await idempotency(session)
        }
        await report.run("27", "a holder writes whatever the timestamp: a change stamped at 1 ms after 1970 is accepted") {
            var fresh = Fresh(session: session, clientId: clientId)
            let early = fresh.note("Conformance: stamped by a laptop whose clock said 1970.", hlc: HLCTimestamp(wallMillis: 1, logical: 0))
            try await expectStatus(.accepted, of: early, session, what: "a change stamped at 1 ms")
        }
        await report.run("§5.4", "a change stamped ahead is refused clockAhead, and accepted once re-stamped") {
            try await clockAhead(session)
        }
        await report.run("§6", "pages and cursors give every change once, in log order; a bad cursor is invalidCursor") {
            try await paging(session)
        }
        await report.run("6", "the client's digest is the digest of its changes") { try await digest(session) }
        await report.run("24", "a gzip push is stored as the plain one, and a gzip answer decodes to the same changes") {
            try await compression(session)
        }
        return report.checks
    }

    // MARK: The checks

    private func errorBodies(_ session: Session) async throws {
        let noToken = try await send(.GET, "/v1/changes")
        try expect(noToken, status: 401, code: "unauthorized")
        let plain = try await send(.POST, "/v1/push", body: Data("{}".utf8), token: session.token, contentType: "text/plain")
        try expect(plain, status: 415, code: "unsupportedMediaType")
        let broken = try await send(.POST, "/v1/push", body: Data("{".utf8), token: session.token)
        try expect(broken, status: 400, code: "invalidRequest")
    }

    private func requestScopeVectors(_ session: Session) async throws {
        var refused: [String] = []
        for vector in try invalidVectors() where vector.scope == "request" {
            var fresh = Fresh(session: session, clientId: clientId)
            // A valid change beside the faulty one: the whole request is refused, so it is not stored either.
            let companion = fresh.note("Conformance: sent beside a change that refuses the request; never stored.")
            let change = fresh.restamp(vector.change, keepingDefects: true, defect: vector.expectedCode)
            let answer = try await push([companion, change], session)
            try expect(answer, status: vector.httpStatus, code: vector.expectedCode, what: vector.file)
            refused += [companion.id, change.id.lowercased()]
        }
        let stored = Set(try await history(session).map { $0.id.lowercased() })
        if let found = refused.first(where: stored.contains) {
            throw Failure("\(found) was stored although its request was refused")
        }
    }

    private func validChangeVectors(_ session: Session) async throws {
        var fresh = Fresh(session: session, clientId: clientId)
        let changes = try files(in: "changes").map { try WireCoding.makeDecoder().decode(Change.self, from: Data(contentsOf: $0)) }
            .filter { $0.authorId != Change.administratorId }.sorted { ($0.hlc, $0.id) < ($1.hlc, $1.id) }
        var created: Set<String> = []
        for change in changes {
            let creates = ["add", "record", "start", "acknowledge"].contains(change.operation)
            // An update of an entity no vector creates is answered as one whose entity has not arrived yet.
            let orphan = !creates && change.entityId != change.clientId && !created.contains(change.entityId)
            if creates { created.insert(change.entityId) }
            let result = try await pushOne(
                fresh.restamp(change, keepingDefects: false), session, what: "\(change.entityType).\(change.operation)")
            let expected = orphan ? result.status == .rejected && result.error?.code == "unknownEntity" : result.status == .accepted
            guard expected else {
                throw Failure(
                    "\(change.entityType).\(change.operation): expected \(orphan ? "rejected unknownEntity" : "accepted"), got \(describe(result))")
            }
        }
    }

    private func changeScopeVectors(_ session: Session) async throws {
        for vector in try invalidVectors() where vector.scope == "change" {
            var fresh = Fresh(session: session, clientId: clientId)
            let change = fresh.restamp(vector.change, keepingDefects: true, defect: vector.expectedCode)
            let result = try await pushOne(change, session, what: vector.file)
            guard result.status == .rejected, result.error?.code == vector.expectedCode else {
                throw Failure("\(vector.file): expected rejected \(vector.expectedCode), got \(describe(result))")
            }
        }
    }

    private func idempotency(_ session: Session) async throws {
        var fresh = Fresh(session: session, clientId: clientId)
        let note = fresh.note("Conformance: a note pushed twice.")
        try await expectStatus(.accepted, of: note, session, what: "the first push")
        try await expectStatus(.duplicate, of: note, session, what: "the same push again")
        let other = Change(
            id: note.id, clientId: note.clientId, entityType: note.entityType, entityId: note.entityId,
            operation: note.operation, payload: .object(["text": .string("Conformance: other text, same id.")]),
            hlc: note.hlc, authorId: note.authorId, authorDiscipline: note.authorDiscipline, deviceId: note.deviceId)
        let reused = try await pushOne(other, session, what: "other content under the same id")
        guard reused.status == .rejected, reused.error?.code == "idReused" else {
            throw Failure("other content under the same id: expected rejected idReused, got \(describe(reused))")
        }
        for file in try files(in: "duplicates") {
            let vector = try WireCoding.makeDecoder().decode(DuplicateVector.self, from: Data(contentsOf: file))
            var fresh = Fresh(session: session, clientId: clientId)
            for (index, earlier) in (vector.before ?? []).enumerated() {
                let change = fresh.restamp(earlier, keepingDefects: false)
                try await expectStatus(.accepted, of: change, session, what: "\(file.lastPathComponent): before[\(index)]")
            }
            let stored = fresh.restamp(vector.stored, keepingDefects: false)
            let retried = fresh.restamp(vector.retried, keepingDefects: false)
            try await expectStatus(.accepted, of: stored, session, what: "\(file.lastPathComponent): the stored write")
            let result = try await pushOne(retried, session, what: file.lastPathComponent)
            let expected = vector.expected == "duplicate" ? result.status == .duplicate
                : result.status == .rejected && result.error?.code == vector.expected
            guard expected else {
                throw Failure("\(file.lastPathComponent) (\(vector.description)): expected \(vector.expected), got \(describe(result))")
            }
        }
    }

    private func clockAhead(_ session: Session) async throws {
        var fresh = Fresh(session: session, clientId: clientId)
        let ahead = HLCTimestamp(wallMillis: session.serverTime.wallMillis + 86_400_000, logical: 0)
        let note = fresh.note("Conformance: written on a laptop whose clock runs a day ahead.", hlc: ahead)
        let refused = try await pushOne(note, session, what: "a change a day ahead")
        guard refused.status == .rejected, refused.error?.code == "clockAhead" else {
            throw Failure("a change a day ahead: expected rejected clockAhead, got \(describe(refused))")
        }
        // The replica re-stamps the same write (same id) after the server's time and sends it again.
        try await expectStatus(.accepted, of: fresh.restamp(note, at: fresh.stamp()), session, what: "the re-stamped change")
    }

    private func paging(_ session: Session) async throws {
        var fresh = Fresh(session: session, clientId: clientId)
        let notes = (1...5).map { fresh.note("Conformance: page note \($0).") }
        let answer = try await push(notes, session)
        try expect(answer, status: 200)
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try await historyPage(session, after: cursor, limit: 2)
            seen += page.changes.map(\.id)
            cursor = page.cursor
            pages += 1
            if !page.hasMore { break }
        } while pages < 10_000
        let counts = Dictionary(seen.map { ($0, 1) }, uniquingKeysWith: +)
        if let twice = counts.first(where: { $0.value > 1 }) { throw Failure("\(twice.key) came \(twice.value) times") }
        if let missing = notes.first(where: { counts[$0.id] == nil }) { throw Failure("\(missing.id) never came") }
        let positions = notes.compactMap { seen.firstIndex(of: $0.id) }
        guard positions == positions.sorted() else { throw Failure("the notes came out of the order they were pushed in") }
        let bad = try await send(.GET, "/v1/clients/\(clientId)/changes?after=not-a-cursor", token: session.token)
        try expect(bad, status: 400, code: "invalidCursor")
    }

    private func digest(_ session: Session) async throws {
        let answer = try await send(.GET, "/v1/digest", token: session.token)
        try expect(answer, status: 200)
        let digests = try WireCoding.makeDecoder().decode(DigestResponse.self, from: answer.body)
        guard let served = digests.clients.first(where: { $0.clientId == clientId }) else {
            throw Failure("the digest has no entry for the client")
        }
        let expected = ChangeSetDigest(ids: try await history(session).map(\.id)).description
        guard served.digest == expected else { throw Failure("served \(served.digest), its changes give \(expected)") }
    }

    private func compression(_ session: Session) async throws {
        var fresh = Fresh(session: session, clientId: clientId)
        let note = fresh.note("Conformance: pushed with gzip. " + String(repeating: "Tekst die goed comprimeert. ", count: 80))
        let body = try WireCoding.makeEncoder().encode(PushRequest(changes: [note]))
        let zipped = try WireCompression.gzip(ByteBuffer(bytes: body))
        let answer = try await send(
            .POST, "/v1/push", body: Data(zipped.readableBytesView), token: session.token,
            headers: [("Content-Encoding", "gzip")])
        try expect(answer, status: 200)
        let result = try WireCoding.makeDecoder().decode(PushResponse.self, from: answer.body).results.first
        guard result?.status == .accepted else { throw Failure("the gzip push: \(result.map(describe) ?? "no result")") }
        let page = try await send(
            .GET, "/v1/clients/\(clientId)/changes?limit=1000", token: session.token, headers: [("Accept-Encoding", "gzip")])
        try expect(page, status: 200)
        guard page.headers.first(name: "Content-Encoding") == "gzip" else {
            throw Failure("a page of more than a kilobyte asked with Accept-Encoding: gzip came uncompressed")
        }
        guard page.headers[canonicalForm: "Vary"].contains(where: { $0.lowercased() == "accept-encoding" }) else {
            throw Failure("a compressed answer lacks Vary: Accept-Encoding")
        }
        let plain = try WireCompression.gunzip(ByteBuffer(bytes: page.body), maxBytes: 64 << 20)
        let changes = try WireCoding.makeDecoder().decode(PullResponse.self, from: Data(plain.readableBytesView)).changes
        let unzipped = try await send(.GET, "/v1/clients/\(clientId)/changes?limit=1000", token: session.token)
        try expect(unzipped, status: 200)
        guard unzipped.headers.first(name: "Content-Encoding") == nil,
            try WireCoding.makeDecoder().decode(PullResponse.self, from: unzipped.body).changes == changes
        else { throw Failure("the page asked without Accept-Encoding is not the same changes, uncompressed") }
        guard let stored = changes.first(where: { $0.id == note.id }) else { throw Failure("the gzip note is not in the history") }
        guard stored.isSameWrite(as: note) else { throw Failure("the gzip note came back changed") }
    }

    // MARK: Protocol calls

    struct Session {
        let token: String
        let deviceId: String
        let professionalId: String
        let discipline: String
        let serverTime: HLCTimestamp
        /// The server's wall clock minus ours at enrollment: the kit writes on the server's time, as a replica
        /// corrects its clock, so a tester's clock running off does not fail the checks.
        let clockOffset: Int64
    }

    private func enroll() async throws -> Session {
        let body = try WireCoding.makeEncoder().encode(EnrollRequest(code: code, deviceName: "samenspel conformance"))
        let answer = try await send(.POST, "/v1/enroll", body: body)
        try expect(answer, status: 200)
        let enrolled = try WireCoding.makeDecoder().decode(EnrollResponse.self, from: answer.body)
        return Session(
            token: enrolled.token, deviceId: enrolled.deviceId, professionalId: enrolled.professional.id,
            discipline: enrolled.professional.discipline.rawValue, serverTime: enrolled.serverTime,
            clockOffset: enrolled.serverTime.wallMillis - WallClock.millis())
    }

    private func push(_ changes: [Change], _ session: Session) async throws -> Answer {
        try await send(.POST, "/v1/push", body: try WireCoding.makeEncoder().encode(PushRequest(changes: changes)), token: session.token)
    }

    private func pushOne(_ change: Change, _ session: Session, what: String) async throws -> PushResult {
        let answer = try await push([change], session)
        try expect(answer, status: 200, what: what)
        let response = try WireCoding.makeDecoder().decode(PushResponse.self, from: answer.body)
        guard response.results.count == 1, let result = response.results.first, result.id == change.id else {
            throw Failure("\(what): expected one result for \(change.id)")
        }
        return result
    }

    private func expectStatus(_ status: PushStatus, of change: Change, _ session: Session, what: String) async throws {
        let result = try await pushOne(change, session, what: what)
        guard result.status == status else { throw Failure("\(what): expected \(status.rawValue), got \(describe(result))") }
    }

    private func historyPage(_ session: Session, after cursor: String?, limit: Int) async throws -> PullResponse {
        var path = "/v1/clients/\(clientId)/changes?limit=\(limit)"
        if let cursor { path += "&after=" + (cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor) }
        let answer = try await send(.GET, path, token: session.token)
        try expect(answer, status: 200)
        return try WireCoding.makeDecoder().decode(PullResponse.self, from: answer.body)
    }

    /// Every change about the client the caller may see, page by page.
    private func history(_ session: Session) async throws -> [Change] {
        var changes: [Change] = []
        var cursor: String?
        for _ in 0..<10_000 {
            let page = try await historyPage(session, after: cursor, limit: 1000)
            changes += page.changes
            cursor = page.cursor
            if !page.hasMore { return changes }
        }
        throw Failure("the client's history still had more after 10,000 pages")
    }

    // MARK: HTTP

    struct Answer {
        let status: Int
        let headers: HTTPHeaders
        let body: Data
    }

    private func send(
        _ method: HTTPMethod, _ path: String, body: Data? = nil, token: String? = nil,
        contentType: String = "application/json", headers: [(String, String)] = []
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: server + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await http.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: Data(bytes.readableBytesView))
    }

    private func expect(_ answer: Answer, status: Int, code: String? = nil, what: String? = nil) throws {
        let prefix = what.map { "\($0): " } ?? ""
        let served = (try? WireCoding.makeDecoder().decode(ErrorBody.self, from: answer.body))?.error.code
        guard answer.status == status else {
            throw Failure("\(prefix)expected HTTP \(status)\(code.map { " \($0)" } ?? ""), got \(answer.status)\(served.map { " \($0)" } ?? "")")
        }
        if let code, served != code {
            throw Failure("\(prefix)expected the error body's code \(code), got \(served ?? "no error body")")
        }
    }

    /// An error in a few words: a server that cannot be reached is named as such.
    static func explain(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("Connection refused") || text.contains("connectTimeout") || text.contains("invalidURL") {
            return "cannot reach the server (\(text)); is the URL right (with http:// or https://) and the server running?"
        }
        return text
    }

    private func describe(_ result: PushResult) -> String {
        result.status.rawValue + (result.error.map { " \($0.code)" } ?? "")
    }

    // MARK: Vectors

    struct InvalidVector: Decodable {
        let description: String
        let expectedCode: String
        let change: Change
        let scope: String
        let httpStatus: Int
        var file = ""

        enum CodingKeys: String, CodingKey { case description, expectedCode, change, scope, httpStatus }
    }

    struct DuplicateVector: Decodable {
        let description: String
        /// Changes to store first (what the stored change revises), if any.
        let before: [Change]?
        let stored: Change
        let retried: Change
        let expected: String
    }

    private func files(in folder: String) throws -> [URL] {
        let directory = vectors.appendingPathComponent(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }
        guard !names.isEmpty else { throw Failure("no vectors in \(directory.path)") }
        return names.sorted().map { directory.appendingPathComponent($0) }
    }

    private func invalidVectors() throws -> [InvalidVector] {
        try files(in: "invalid").map { file in
            var vector = try WireCoding.makeDecoder().decode(InvalidVector.self, from: Data(contentsOf: file))
            vector.file = file.lastPathComponent
            return vector
        }
    }
}

/// A check that failed, with why.
struct Failure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The checks so far.
struct Report {
    private(set) var checks: [ConformanceCheck] = []

    mutating func pass(_ property: String, _ title: String) {
        checks.append(ConformanceCheck(property: property, title: title, failure: nil))
    }

    mutating func fail(_ property: String, _ title: String, _ why: String) {
        checks.append(ConformanceCheck(property: property, title: title, failure: why))
    }

    mutating func run(_ property: String, _ title: String, _ body: () async throws -> Void) async {
        do {
            try await body()
            pass(property, title)
        } catch {
            fail(property, title, "\(error)")
        }
    }
}

/// Fresh ids and timestamps for the kit's own writes, and vectors re-stamped as this device's writes about
/// the given client: the same vector value always gets the same fresh value, so a stored write and its
/// retry stay the same write.
struct Fresh {
    let session: ConformanceKit.Session
    let clientId: String
    private var clock: HybridLogicalClock
    private var mapped: [String: String] = [:]
    private var stamps: [HLCTimestamp: HLCTimestamp] = [:]

    init(session: ConformanceKit.Session, clientId: String) {
        self.session = session
        self.clientId = clientId
        clock = HybridLogicalClock(last: session.serverTime)
    }

    mutating func stamp() -> HLCTimestamp {
        clock.tick(wallMillis: WallClock.millis() + session.clockOffset)
    }

    mutating func id() -> String {
        Identifier.make(wallMillis: WallClock.millis())
    }

    mutating func note(_ text: String, hlc: HLCTimestamp? = nil) -> Change {
        Change(
            id: id(), clientId: clientId, entityType: "note", entityId: id(), operation: "add",
            payload: .object(["text": .string(text)]), hlc: hlc ?? stamp(), authorId: session.professionalId,
            authorDiscipline: session.discipline, deviceId: session.deviceId)
    }

    /// The same change at another timestamp.
    func restamp(_ change: Change, at hlc: HLCTimestamp) -> Change {
        Change(
            id: change.id, clientId: change.clientId, entityType: change.entityType, entityId: change.entityId,
            operation: change.operation, payload: change.payload, hlc: hlc, authorId: change.authorId,
            authorDiscipline: change.authorDiscipline, deviceId: change.deviceId)
    }

    /// A vector's change as this device's write about the client. `keepingDefects`: a member that is itself
    /// what the vector is about (an id that is not a lowercase UUID, a timestamp at 0 ms) is kept as it is.
    /// `defect`: the vector's expected code; for `wrongDevice`, `wrongAuthor` and `wrongDiscipline` that
    /// member is made another than the device's (the discipline left out when the vector leaves it out).
    mutating func restamp(_ vector: Change, keepingDefects: Bool, defect: String? = nil) -> Change {
        func fresh(_ value: String) -> String {
            if keepingDefects, !Identifier.isValid(value) { return value }
            if let known = mapped[value] { return known }
            let made = id()
            mapped[value] = made
            return made
        }
        let client = keepingDefects && !Identifier.isValid(vector.clientId) ? vector.clientId.uppercased() : clientId
        // A change about the client itself names it as its entity.
        let entity = vector.entityId == vector.clientId ? client : fresh(vector.entityId)
        var hlc = vector.hlc
        if !(keepingDefects && vector.hlc.wallMillis == 0) {
            if let known = stamps[vector.hlc] { hlc = known } else {
                hlc = stamp()
                stamps[vector.hlc] = hlc
            }
        }
        var discipline: String? = session.discipline
        if defect == "wrongDiscipline" {
            discipline = vector.authorDiscipline.map { _ in
                ["clientManager", "incomeConsultant", "accountManager"].first { $0 != session.discipline }!
            }
        }
        return Change(
            id: fresh(vector.id), clientId: client, entityType: vector.entityType, entityId: entity,
            operation: vector.operation, payload: remap(vector.payload), hlc: hlc,
            authorId: defect == "wrongAuthor" ? id() : session.professionalId, authorDiscipline: discipline,
            deviceId: defect == "wrongDevice" ? id() : session.deviceId)
    }

    /// The payload with every id it names (a revision's `supersedes`, a moved client's team) mapped like the
    /// envelope's, so references between vectors' changes still hold.
    private func remap(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text) where Identifier.isValid(text):
            if let known = mapped[text] { return .string(known) }
            return value
        case .array(let items): return .array(items.map { remap($0) })
        case .object(let members): return .object(members.mapValues { remap($0) })
        default: return value
        }
    }
}
