import Foundation
import Hummingbird
import SyncProtocol

/// Authenticates `Authorization: Bearer <device token>`, applies the device's rate limit and puts the
/// ``Principal`` in the context. A revoked device is told so (`deviceRevoked`), so it wipes its replica.
struct DeviceAuthentication: RouterMiddleware {
    typealias Context = SyncRequestContext

    let store: any SyncStore
    let wallMillis: @Sendable () -> Int64
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        // The scheme is case-insensitive (RFC 9110 §11.1).
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw ServerError.unauthorized
        }
        let token = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        let now = wallMillis()
        let authentication = token.isEmpty || token.count > 256
            ? nil : try await store.authenticate(tokenHash: Secrets.hash(token), now: now)
        switch authentication {
        case .valid(let principal)?:
            try limiter.admit(principal.deviceId, nowMillis: now, tooMany: "requests from this device")
            var context = context
            context.principal = principal
            return try await next(request, context)
        case .revoked(let deviceId)?:
            try await store.appendAudit(AuditEntry(
                at: now, actor: "device", deviceId: deviceId, action: "authRefused", result: ErrorCode.deviceRevoked,
                origin: request.origin(context)))
            throw ServerError(
                .unauthorized, code: ErrorCode.deviceRevoked,
                message: "this device was revoked by an administrator; its replica must be wiped")
        case nil:
            // Wrong tokens are limited per address too, so nobody can flood the audit log with them.
            try limiter.admit(
                "origin:" + (context.remoteAddress ?? "unknown"), nowMillis: now,
                tooMany: "refused requests from this address")
            try await store.appendAudit(AuditEntry(
                at: now, actor: "unknown", action: "authRefused", result: ErrorCode.unauthorized,
                origin: request.origin(context)))
            throw ServerError.unauthorized
        }
    }
}
