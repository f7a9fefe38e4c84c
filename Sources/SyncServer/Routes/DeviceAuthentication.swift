import Foundation
import Hummingbird

/// Authenticates `Authorization: Bearer <device token>` and puts the ``Principal`` in the context.
struct DeviceAuthentication: RouterMiddleware {
    typealias Context = SyncRequestContext

    let store: any SyncStore
    let wallMillis: @Sendable () -> Int64

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        // The scheme is case-insensitive (RFC 9110 §11.1).
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw ServerError.unauthorized
        }
        let token = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty, token.count <= 256,
            let principal = try await store.principal(tokenHash: Secrets.hash(token), now: wallMillis())
        else {
            throw ServerError.unauthorized
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}
