import Casework
import ChangeLog
import Hummingbird
import Logging
import SyncProtocol

/// Records in the audit log every refused request (4xx) of an authenticated device (a pull of a client
/// outside its caseload, a malformed or too large push, an expired cursor, …), with the code it was answered with:
/// the privacy officer sees attempts, not only what succeeded. Successful requests are audited by their
/// routes, inside the same transaction as what they store.
struct AuditRefusals: RouterMiddleware {
    typealias Context = SyncRequestContext

    let store: any SyncStore
    let wallMillis: @Sendable () -> Int64
    let maxRequestBytes: Int
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let (status, detail, retryAfter) = ErrorMiddleware.answer(for: error, maxRequestBytes: maxRequestBytes)
            // Only refusals (4xx) are about the caller. A busy or failing server (5xx, or any answer that says
            // to retry) would only wait for the same lock again to write noise, and answer later.
            if let principal = context.principal, (400..<500).contains(status.code), retryAfter == nil {
                let (action, clientIds) = Self.action(of: request.uri.path)
                // An audit that cannot be written (the database is down) must not hide the request's own error;
                // it is not lost silently either: the operator's log says so.
                do {
                    try await store.appendAudit(AuditEntry(
                        at: wallMillis(), actor: principal.professional.id, deviceId: principal.deviceId, action: action,
                        clientIds: clientIds, details: ["status": String(status.code)], result: detail.code.rawValue,
                        origin: context.origin))
                } catch let auditError {
                    logger.error(
                        "a refused request could not be audited",
                        metadata: ["device.id": "\(principal.deviceId)", "audit.error": "\(type(of: auditError))"])
                }
            }
            throw error
        }
    }

    /// The audit action of a route, and the client it names (for the history of one client).
    static func action(of path: String) -> (String, [String]) {
        let parts = path.split(separator: "/")
        switch parts.count {
        case 2 where parts[1] == "push": return ("push", [])
        case 2 where parts[1] == "changes": return ("pull", [])
        case 2 where parts[1] == "digest": return ("digest", [])
        case 4 where parts[1] == "clients" && parts[3] == "changes":
            // Only a well-formed id is recorded: the log holds ids, never free text from a request.
            let id = String(parts[2])
            return ("clientHistory", Identifier.isValid(id) ? [id] : [])
        default: return ("request", [])
        }
    }
}
