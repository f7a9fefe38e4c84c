public import Hummingbird
import HTTPTypes
import NIOCore
import SyncProtocol

/// The request context of the sync server: Hummingbird's core context plus the authenticated caller.
public struct SyncRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The authenticated device, set by the authentication middleware on `/v1` routes that need it.
    public var principal: Principal?
    /// The peer's address (for the audit log).
    public let remoteAddress: String?

    /// Creates a context for a new request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Request bodies larger than the protocol limit are refused with 413.
    public var maxUploadSize: Int { ProtocolLimits.maxRequestBytes }
}

extension Request {
    /// Where the request came from, for the audit log: the peer address and any `X-Forwarded-For`.
    func origin(_ context: SyncRequestContext) -> String? {
        let forwarded = headers[HTTPField.Name("X-Forwarded-For")!]
        switch (context.remoteAddress, forwarded) {
        case (nil, nil): return nil
        case (let address?, nil): return address
        case (nil, let forwarded?): return "forwarded-for " + forwarded
        case (let address?, let forwarded?): return address + " forwarded-for " + forwarded
        }
    }
}
