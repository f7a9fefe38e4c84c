import AsyncHTTPClient
import Casework
import ChangeLog
public import Foundation
import NIOCore
import NIOHTTP1
import SyncProtocol

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
        try expect(noToken, status: 401, code: ErrorCode.unauthorized)
        let plain = try await send(.POST, "/v1/push", body: Data("{}".utf8), token: session.token, contentType: "text/plain")
        try expect(plain, status: 415, code: ErrorCode.unsupportedMediaType)
        let broken = try await send(.POST, "/v1/push", body: Data("{".utf8), token: session.token)
        try expect(broken, status: 400, code: ErrorCode.invalidRequest)
    }

    private func requestScopeVectors(_ session: Session) async throws {
        var refused: [String] = []
        for vector in try ProtocolVectors.invalid(under: vectors) where vector.scope == "request" {
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
        let changes = try ProtocolVectors.files(in: "changes", under: vectors).map { try WireCoding.makeDecoder().decode(Change.self, from: Data(contentsOf: $0)) }
            .filter { $0.authorId != Change.administratorId }.sorted { ($0.hlc, $0.id) < ($1.hlc, $1.id) }
        var created: Set<String> = []
        for change in changes {
            let creates = ["add", "record", "start", "acknowledge"].contains(change.operation)
            // An update of an entity no vector creates is answered as one whose entity has not arrived yet.
            let orphan = !creates && change.entityId != change.clientId && !created.contains(change.entityId)
            if creates { created.insert(change.entityId) }
            let result = try await pushOne(
                fresh.restamp(change, keepingDefects: false), session, what: "\(change.entityType).\(change.operation)")
            let expected = orphan ? result.status == .rejected && result.error?.code == ErrorCode.unknownEntity : result.status == .accepted
            guard expected else {
                throw Failure(
                    "\(change.entityType).\(change.operation): expected \(orphan ? "rejected unknownEntity" : "accepted"), got \(describe(result))")
            }
        }
    }

    private func changeScopeVectors(_ session: Session) async throws {
        for vector in try ProtocolVectors.invalid(under: vectors) where vector.scope == "change" {
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
        guard reused.status == .rejected, reused.error?.code == ErrorCode.idReused else {
            throw Failure("other content under the same id: expected rejected idReused, got \(describe(reused))")
        }
        for file in try ProtocolVectors.files(in: "duplicates", under: vectors) {
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
                : result.status == .rejected && result.error?.code.rawValue == vector.expected
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
        guard refused.status == .rejected, refused.error?.code == ErrorCode.clockAhead else {
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
        try expect(bad, status: 400, code: ErrorCode.invalidCursor)
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
}
