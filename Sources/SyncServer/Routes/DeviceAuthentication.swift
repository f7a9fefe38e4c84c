import Foundation
import Hummingbird
import SyncProtocol

/// Authenticates `Authorization: Bearer <device token>`, applies the device's rate limit and puts the
/// ``Principal`` in the context. A revoked device is told so (`deviceRevoked`), so it wipes its replica.
///
/// Nothing of the request's body is read before this: a route reads (and inflates) its body only after
/// authentication. Refusals — no token, an unknown or a revoked one — are limited per address (429 with
/// `Retry-After`) and audited through ``RefusalAudit``, so a flood neither costs more than its own bytes nor
/// grows the audit log by a row per request.
struct DeviceAuthentication: RouterMiddleware {
    typealias Context = SyncRequestContext

    let store: any SyncStore
    let wallMillis: @Sendable () -> Int64
    let limiter: RateLimiter
    let refusals: RefusalAudit

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let now = wallMillis()
        let address = "origin:" + (context.clientAddress ?? "unknown")
        // The scheme is case-insensitive (RFC 9110 §11.1).
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            try limiter.admit(address, nowMillis: now, tooMany: "refused requests from this address")
            try await refusals.record(
                AuditEntry(at: now, actor: "unknown", action: "authRefused", details: ["token": "missing"],
                           result: ErrorCode.unauthorized.rawValue, origin: context.origin),
                source: address + ":missing", now: now)
            throw ServerError.unauthorized
        }
        let token = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        let authentication = token.isEmpty || token.count > 256
            ? nil : try await store.authenticate(tokenHash: Secrets.hash(token), now: now)
        switch authentication {
        case .valid(let principal)?:
            try limiter.admit(principal.deviceId, nowMillis: now, tooMany: "requests from this device")
            try await refusals.sweep(now: now)
            var context = context
            context.principal = principal
            return try await next(request, context)
        case .revoked(let deviceId)?:
            try limiter.admit(address, nowMillis: now, tooMany: "refused requests from this address")
            try await refusals.record(
                AuditEntry(at: now, actor: "device", deviceId: deviceId, action: "authRefused",
                           result: ErrorCode.deviceRevoked.rawValue, origin: context.origin),
                source: "device:" + deviceId, now: now)
            throw ServerError(
                .unauthorized, code: ErrorCode.deviceRevoked,
                message: "this device was revoked by an administrator; its replica must be wiped")
        case nil:
            // Wrong tokens are limited per address too, so nobody can flood the audit log with them.
            try limiter.admit(address, nowMillis: now, tooMany: "refused requests from this address")
            try await refusals.record(
                AuditEntry(at: now, actor: "unknown", action: "authRefused", result: ErrorCode.unauthorized.rawValue,
                           origin: context.origin),
                source: address + ":unknown", now: now)
            throw ServerError.unauthorized
        }
    }
}
