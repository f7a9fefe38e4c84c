import Casework
import ChangeLog
import Foundation
import Hummingbird
import Logging
import SyncProtocol

/// The HTTP routes of protocol version 1 (see `Protocol/openapi.yaml`).
struct SyncRoutes: Sendable {
    let store: any SyncStore
    /// The server's wall clock (Unix ms).
    let wallMillis: @Sendable () -> Int64
    let configuration: ServerConfiguration
    let metrics: ServerMetrics
    let logger: Logger
    /// The audit of refusals from callers the server cannot trust (flushed when the server stops).
    let refusals: RefusalAudit
    /// The devices' event streams, told of every push that stored changes.
    let events: LogEvents

    func register(on router: Router<SyncRequestContext>) {
        router.get("health") { _, _ in
            try Self.json(HealthResponse(status: "ok", protocolVersions: [WireCoding.protocolVersion]))
        }
        router.get("ready") { _, _ in try await ready() }
        router.get("metrics") { _, _ in try await metricsText() }
        let v1 = router.group("v1")
        let limiter = RateLimiter(
            perSecond: configuration.deviceRequestsPerSecond, burst: configuration.deviceRequestBurst)
        v1.post("enroll") { request, context in try await enroll(request, context, limiter: limiter, refusals: refusals) }
        let authenticated = v1.group()
            .add(middleware: DeviceAuthentication(store: store, wallMillis: wallMillis, limiter: limiter, refusals: refusals))
            .add(middleware: AuditRefusals(
                store: store, wallMillis: wallMillis, maxRequestBytes: configuration.limits.maxRequestBytes, logger: logger))
        authenticated.post("push") { request, context in try await push(request, context) }
        authenticated.get("changes") { request, context in try await pull(request, context) }
        authenticated.get("clients/:clientId/changes") { request, context in try await clientChanges(request, context) }
        authenticated.get("digest") { request, context in try await digest(request, context) }
        authenticated.get("events") { _, context in
            guard let principal = context.principal else { throw ServerError.unauthorized }
            return events.response(for: principal)
        }
    }

    /// The `serverTime` of responses: the wall clock, from which replicas correct a skewed local clock.
    func serverTime() -> HLCTimestamp {
        HLCTimestamp(wallMillis: wallMillis(), logical: 0)
    }

    func enroll(_ request: Request, _ context: SyncRequestContext, limiter: RateLimiter, refusals: RefusalAudit)
        async throws -> Response
    {
        // Limited per address, like wrong tokens, before the body is read: nobody can flood the audit log with
        // guessed codes, or make the server inflate bodies.
        let address = "enroll:" + (context.clientAddress ?? "unknown")
        try limiter.admit(address, nowMillis: wallMillis(), tooMany: "enrollment attempts from this address")
        let body = try await decode(EnrollRequest.self, shape: RequestShape.enroll, from: request)
        guard body.code.utf8.count <= 64 else { throw ServerError.invalidRequest("code must be at most 64 characters") }
        if let name = body.deviceName {
            do throws(CaseworkError) {
                try TextRules.checkName(name, field: "deviceName")
            } catch {
                throw ServerError.invalidRequest(error.message)
            }
        }
        // Before the code is spent: an enrollment this instance could not audit must not happen at all.
        try await store.checkAuditKey()
        let wall = wallMillis()
        let token = Secrets.makeDeviceToken()
        let device = NewDevice(
            id: Identifier.make(wallMillis: wall), name: body.deviceName, tokenHash: Secrets.hash(token))
        let codeHash = Secrets.hash(Secrets.normalizeEnrollmentCode(body.code))
        guard
            let professional = try await store.redeemEnrollmentCode(hash: codeHash, device: device, now: wall)
        else {
            try await refusals.record(
                AuditEntry(at: wall, actor: "unknown", action: "enrollRefused", result: ErrorCode.invalidEnrollmentCode.rawValue,
                           origin: context.origin),
                source: address, now: wall)
            throw ServerError(
                .unauthorized, code: ErrorCode.invalidEnrollmentCode,
                message: "the enrollment code is unknown, already used or expired")
        }
        try await store.appendAudit(AuditEntry(
            at: wall, actor: professional.id, deviceId: device.id, action: "enroll", origin: context.origin))
        logger.info("device enrolled", metadata: ["device.id": "\(device.id)", "professional.id": "\(professional.id)"])
        if let journal = configuration.journal {
            var entry = JournalEntry(kind: .deviceEnroll, at: wall)
            entry.deviceId = device.id
            entry.professionalId = professional.id
            entry.deviceName = device.name
            entry.tokenHash = device.tokenHash
            entry.codeHash = codeHash
            do {
                try await store.noteJournal(try journal.record(entry))
            } catch {
                // Enrolled all the same; after a restore from an earlier backup this device must enroll again.
                logger.error(
                    "enrollment not recorded in the operations journal",
                    metadata: ["device.id": "\(device.id)", "journal.error": "\(error)"])
            }
        }
        return try Self.json(
            EnrollResponse(
                deviceId: device.id, token: token, professional: professional, serverTime: serverTime(),
                epoch: try await store.epoch()))
    }

    func push(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        guard let principal = context.principal else { throw ServerError.unauthorized }
        // Up to 1,000 changes: read from the parsed body directly, several times faster than JSONDecoder.
        let body = try await readBody(of: request, shape: RequestShape.push) { value, _ in try PushRequest(reading: value) }
        guard body.changes.count <= configuration.limits.maxPushChanges else {
            throw ServerError(
                .badRequest, code: ErrorCode.batchTooLarge,
                message: "at most \(configuration.limits.maxPushChanges) changes per push")
        }
        try PushPlanner.checkRequest(body.changes, by: principal)
        let wall = wallMillis()
        let drift = configuration.maxClockDriftMillis
        let origin = context.origin
        let plan = try await store.push(
            body.changes, from: principal.deviceId, receivedAt: wall,
            planner: { facts in
                PushPlanner.plan(body.changes, by: principal, facts: facts, wallMillis: wall, maxDriftMillis: drift)
            },
            audit: { plan in
                let statuses = plan.results.map(\.status)
                return AuditEntry(
                    at: wall, actor: principal.professional.id, deviceId: principal.deviceId, action: "push",
                    clientIds: body.changes.map(\.clientId),
                    details: [
                        "received": String(body.changes.count), "accepted": String(plan.accepted.count),
                        "duplicate": String(statuses.filter { $0 == .duplicate }.count),
                        "rejected": String(statuses.filter { $0 == .rejected }.count),
                    ],
                    origin: origin)
            })
        if !plan.accepted.isEmpty { events.appended() }
        let rejected = plan.results.filter { $0.status == .rejected }.count
        metrics.pushed(
            accepted: plan.accepted.count, duplicate: plan.results.filter { $0.status == .duplicate }.count,
            rejected: rejected)
        logger.info(
            "push",
            metadata: [
                "device.id": "\(principal.deviceId)", "push.received": "\(body.changes.count)",
                "push.accepted": "\(plan.accepted.count)", "push.rejected": "\(rejected)",
            ])
        return try Self.json(
            PushResponse(results: plan.results, serverTime: serverTime(), epoch: try await store.epoch()))
    }

    func pull(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        guard let principal = context.principal else { throw ServerError.unauthorized }
        let query = request.uri.queryParameters
        let start = try PullCursor.position(from: query["after"].map(String.init))
        let page = try await store.pull(for: principal, after: start, limit: try limit(query["limit"].map(String.init)))
        if let scope = page.scopeChange, !scope.granted, let journal = configuration.journal {
            // The device is being told that it lost the client: a restore must not forget it (the device could
            // then write about the client by stamping its writes in the past, property 27).
            var entry = JournalEntry(kind: .deviceTold, at: wallMillis())
            entry.deviceId = principal.deviceId
            entry.clientId = scope.clientId
            do {
                try await store.noteJournal(try journal.record(entry))
            } catch {
                logger.error("a lost client not recorded in the operations journal", metadata: ["journal.error": "\(error)"])
            }
        }
        try await audit("pull", page, principal, request, context)
        metrics.pulled(page.changes.count)
        return try Self.json(
            PullResponse(
                changes: page.changes, cursor: PullCursor.text(for: page.next), hasMore: page.hasMore,
                professionals: page.professionals, serverTime: serverTime(),
                scope: page.scopeChange.map {
                    ScopeNotice(clientId: $0.clientId, access: $0.granted ? .granted : $0.erased ? .erased : .revoked)
                },
                epoch: try await store.epoch()))
    }

    /// `GET /v1/clients/{clientId}/changes`: the whole history of one client of the caseload, for repair.
    func clientChanges(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        guard let principal = context.principal else { throw ServerError.unauthorized }
        let clientId = context.parameters.get("clientId") ?? ""
        guard Identifier.isValid(clientId) else {
            throw ServerError(.badRequest, code: ErrorCode.invalidParameter, message: "the client id must be a lowercase UUID")
        }
        let query = request.uri.queryParameters
        let after = try ClientCursor.position(from: query["after"].map(String.init))
        let page = try await store.clientChanges(
            for: principal, clientId: clientId, after: after, limit: try limit(query["limit"].map(String.init)))
        try await audit("clientHistory", page, principal, request, context)
        return try Self.json(
            PullResponse(
                changes: page.changes, cursor: ClientCursor.text(for: page.next.position), hasMore: page.hasMore,
                professionals: page.professionals, serverTime: serverTime(), epoch: try await store.epoch()))
    }

    /// `GET /v1/digest`: per-client digests of the caseload at the current end of the log.
    func digest(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        guard let principal = context.principal else { throw ServerError.unauthorized }
        let digest = try await store.digests(for: principal)
        try await store.appendAudit(AuditEntry(
            at: wallMillis(), actor: principal.professional.id, deviceId: principal.deviceId, action: "digest",
            details: ["clients": String(digest.clients.count)], origin: context.origin))
        return try Self.json(
            DigestResponse(
                cursor: PullCursor.text(for: PullPosition(position: digest.position)),
                clients: digest.clients.sorted { $0.key < $1.key }.map { ClientDigest(clientId: $0.key, digest: $0.value.description) },
                serverTime: serverTime(), epoch: try await store.epoch()))
    }

    /// The page size of a pull: the protocol allows 1–``ProtocolLimits/maxPageChanges``; this server serves
    /// at most its configured page limit (fewer changes than asked, with `hasMore`).
    func limit(_ text: String?) throws -> Int {
        guard let text else { return configuration.limits.defaultPageChanges }
        guard text.allSatisfy(\.isASCIIDigit), let value = Int(text), (1...ProtocolLimits.maxPageChanges).contains(value)
        else {
            throw ServerError(
                .badRequest, code: ErrorCode.invalidParameter,
                message: "limit must be a whole number from 1 to \(ProtocolLimits.maxPageChanges)")
        }
        return min(value, configuration.limits.maxPageChanges)
    }

    /// `GET /ready`: 200 when the database answers and has every migration of this build, 503 otherwise.
    func ready() async throws -> Response {
        let status = try? await store.status(activeSince: wallMillis() - configuration.activeDeviceWindowMillis)
        metrics.record(status)
        guard let status else {
            throw ServerError(
                .serviceUnavailable, code: ErrorCode.unavailable, message: "the database cannot be reached", retryAfter: 5)
        }
        guard status.missingMigrations.isEmpty else {
            throw ServerError(
                .serviceUnavailable, code: ErrorCode.unavailable,
                message: "the database lacks migrations \(status.missingMigrations.joined(separator: ", "))",
                retryAfter: 5)
        }
        return try Self.json(ReadyResponse(status: "ready", backend: status.backend))
    }

    /// `GET /metrics`: Prometheus text format; the store's gauges are refreshed on each scrape.
    func metricsText() async throws -> Response {
        metrics.record(try? await store.status(activeSince: wallMillis() - configuration.activeDeviceWindowMillis))
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
    }

    /// Records a read in the audit log: which clients' changes were sent, and how many.
    func audit(
        _ action: String, _ page: StoredPage, _ principal: Principal, _ request: Request, _ context: SyncRequestContext
    ) async throws {
        try await store.appendAudit(AuditEntry(
            at: wallMillis(), actor: principal.professional.id, deviceId: principal.deviceId, action: action,
            clientIds: page.changes.map(\.clientId) + (page.scopeChange.map { [$0.clientId] } ?? []),
            details: ["changes": String(page.changes.count)], origin: context.origin))
    }

    func decode<T: Decodable>(_ type: T.Type, shape: RequestShape, from request: Request) async throws -> T {
        try await readBody(of: request, shape: shape) { _, text in
            try WireCoding.makeDecoder().decode(T.self, from: Data(text.utf8))
        }
    }

    /// The request's JSON body, parsed once by the fast reader and checked against `shape`, then turned into
    /// a message by `read` (from the parsed value, or from the text for JSONDecoder).
    func readBody<T>(
        of request: Request, shape: RequestShape, read: (_ value: JSONValue, _ text: String) throws -> T
    ) async throws -> T {
        let mediaType = request.headers[.contentType].flatMap(MediaType.init(from:))
        guard let mediaType, mediaType.isType(.applicationJson) else {
            throw ServerError(
                .unsupportedMediaType, code: ErrorCode.unsupportedMediaType,
                message: "the body must be application/json")
        }
        // Read (and inflated) only here, in a route: after authentication.
        let buffer = try await CompressionMiddleware.decodedBody(of: request, maxBytes: configuration.limits.maxRequestBytes)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self),
            let value = try? JSONValue(parsing: text)
        else { throw ServerError.invalidRequest("the body is not valid JSON") }
        do {
            // Members the protocol does not define are refused, not silently ignored.
            try shape.check(value, path: "")
            return try read(value, text)
        } catch let error as DecodingError {
            throw ServerError.invalidRequest(Self.describe(error))
        } catch let error as WireShapeError {
            throw ServerError.invalidRequest(error.message)
        } catch let error as RequestShape.UnknownMember {
            throw ServerError.invalidRequest("unknown member '\(error.path)'")
        }
    }

    /// Where a body failed to decode, without quoting any of its content.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "the body" : String(path.drop { $0 == "." })
        }
        switch error {
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "the body is not valid JSON" : "\(path(context)) is malformed: \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context)) lacks the member '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)) has the wrong type"
        @unknown default:
            return "the body is not a valid request"
        }
    }

    static func json(_ value: some Encodable) throws -> Response {
        json(body: ByteBuffer(bytes: try WireCoding.makeEncoder().encode(value)))
    }

    /// A page of up to 1,000 changes, written by the fast writer.
    static func json(_ page: PullResponse) throws -> Response {
        json(body: ByteBuffer(string: try page.wireText()))
    }

    private static func json(body: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// The opaque pull cursor: `c1.<position>`, or `c1.<position>.<client id>.<after>` while a client's history
/// is being backfilled. Stores reject positions they no longer serve.
enum PullCursor {
    static func position(from text: String?) throws -> PullPosition {
        guard let text, !text.isEmpty else { return .start }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.first == "c1", parts.count == 2 || parts.count == 4, let position = number(parts[1]) else {
            throw invalid
        }
        guard parts.count == 4 else { return PullPosition(position: position) }
        guard Identifier.isValid(parts[2]), let after = number(parts[3]) else { throw invalid }
        return PullPosition(position: position, backfill: Backfill(clientId: parts[2], after: after))
    }

    static func text(for position: PullPosition) -> String {
        guard let backfill = position.backfill else { return "c1.\(position.position)" }
        return "c1.\(position.position).\(backfill.clientId).\(backfill.after)"
    }

    static let invalid = ServerError(
        .badRequest, code: ErrorCode.invalidCursor, message: "the cursor was not issued by this server")

    static func number(_ text: String) -> Int64? {
        guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int64(text)
    }
}

/// The cursor of a client's history: `k1.<position>`.
enum ClientCursor {
    static func position(from text: String?) throws -> Int64 {
        guard let text, !text.isEmpty else { return 0 }
        guard text.hasPrefix("k1."), let position = PullCursor.number(String(text.dropFirst(3))) else {
            throw PullCursor.invalid
        }
        return position
    }

    static func text(for position: Int64) -> String {
        "k1.\(position)"
    }
}
