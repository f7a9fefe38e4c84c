import Casework
import ChangeLog
import Foundation
import Hummingbird
import Logging
import SyncProtocol

/// The HTTP routes of protocol version 1 (see `Protocol/openapi.yaml`).
struct SyncRoutes: Sendable {
    let store: any SyncStore
    let clock: ServerClock
    let configuration: ServerConfiguration
    let logger: Logger

    func register(on router: Router<SyncRequestContext>) {
        router.get("health") { _, _ in
            try Self.json(HealthResponse(status: "ok", protocolVersions: [WireCoding.protocolVersion]))
        }
        let v1 = router.group("v1")
        v1.post("enroll") { request, context in try await enroll(request, context) }
        let authenticated = v1.group().add(middleware: DeviceAuthentication(store: store, wallMillis: clock.wallMillis))
        authenticated.post("push") { request, context in try await push(request, context) }
        authenticated.get("changes") { request, context in try await pull(request, context) }
    }

    func enroll(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        let body = try await Self.decode(EnrollRequest.self, from: request, context: context)
        if let name = body.deviceName {
            do throws(CaseworkError) {
                try TextRules.checkName(name, field: "deviceName")
            } catch {
                throw ServerError.invalidRequest(error.message)
            }
        }
        let wall = clock.wallMillis()
        let token = Secrets.makeDeviceToken()
        let device = NewDevice(
            id: Identifier.make(wallMillis: wall), name: body.deviceName, tokenHash: Secrets.hash(token))
        guard
            let professional = try await store.redeemEnrollmentCode(
                hash: Secrets.hash(Secrets.normalizeEnrollmentCode(body.code)), device: device, now: wall)
        else {
            throw ServerError(
                .unauthorized, code: ErrorCode.invalidEnrollmentCode,
                message: "the enrollment code is unknown, already used or expired")
        }
        logger.info("device enrolled", metadata: ["device.id": "\(device.id)", "professional.id": "\(professional.id)"])
        return try Self.json(
            EnrollResponse(deviceId: device.id, token: token, professional: professional, serverTime: await clock.now()))
    }

    func push(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        guard let principal = context.principal else { throw ServerError.unauthorized }
        let body = try await Self.decode(PushRequest.self, from: request, context: context)
        guard body.changes.count <= ProtocolLimits.maxPushChanges else {
            throw ServerError(
                .badRequest, code: ErrorCode.batchTooLarge,
                message: "at most \(ProtocolLimits.maxPushChanges) changes per push")
        }
        let wall = clock.wallMillis()
        let drift = configuration.maxClockDriftMillis
        let plan = try await store.push(body.changes, receivedAt: wall) { facts in
            PushPlanner.plan(body.changes, by: principal, facts: facts, wallMillis: wall, maxDriftMillis: drift)
        }
        await clock.observe(plan.accepted.map(\.hlc))
        let rejected = plan.results.filter { $0.status == .rejected }.count
        logger.info(
            "push",
            metadata: [
                "device.id": "\(principal.deviceId)", "push.received": "\(body.changes.count)",
                "push.accepted": "\(plan.accepted.count)", "push.rejected": "\(rejected)",
            ])
        return try Self.json(PushResponse(results: plan.results, serverTime: await clock.now()))
    }

    func pull(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        guard let principal = context.principal else { throw ServerError.unauthorized }
        let query = request.uri.queryParameters
        let position = try PullCursor.position(from: query["after"].map(String.init))
        var limit = ProtocolLimits.defaultPageChanges
        if let text = query["limit"] {
            guard text.allSatisfy(\.isASCIIDigit), let value = Int(text), (1...ProtocolLimits.maxPageChanges).contains(value)
            else {
                throw ServerError(
                    .badRequest, code: ErrorCode.invalidParameter,
                    message: "limit must be a whole number from 1 to \(ProtocolLimits.maxPageChanges)")
            }
            limit = value
        }
        let page = try await store.pull(for: principal, after: position, limit: limit)
        return try Self.json(
            PullResponse(
                changes: page.changes, cursor: PullCursor.text(for: page.position), hasMore: page.hasMore,
                professionals: page.professionals, serverTime: await clock.now()))
    }

    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: SyncRequestContext)
        async throws -> T
    {
        let mediaType = request.headers[.contentType].flatMap(MediaType.init(from:))
        guard let mediaType, mediaType.isType(.applicationJson) else {
            throw ServerError(
                .unsupportedMediaType, code: ErrorCode.unsupportedMediaType,
                message: "the body must be application/json")
        }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        do {
            return try WireCoding.makeDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw ServerError.invalidRequest(Self.describe(error))
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
        let data = try WireCoding.makeEncoder().encode(value)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// The opaque pull cursor: `c1.<log position>`. Stores reject positions beyond the end of their log.
enum PullCursor {
    static func position(from text: String?) throws -> Int64 {
        guard let text, !text.isEmpty else { return 0 }
        let digits = text.dropFirst(3)
        guard text.hasPrefix("c1."), !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let position = Int64(digits)
        else {
            throw ServerError(.badRequest, code: ErrorCode.invalidCursor, message: "the cursor was not issued by this server")
        }
        return position
    }

    static func text(for position: Int64) -> String {
        "c1.\(position)"
    }
}
