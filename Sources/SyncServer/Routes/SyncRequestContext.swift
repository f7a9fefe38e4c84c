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
    /// The socket peer's address.
    public let remoteAddress: String?
    /// Who the request comes from, for rate limits: the peer, or — behind a trusted proxy — the client the
    /// proxy names (``ClientAddress``).
    public var clientAddress: String?
    /// Where the request came from, for the audit log: the peer's address, or `client via proxy`.
    public var origin: String?

    /// Creates a context for a new request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
        self.clientAddress = remoteAddress
        self.origin = remoteAddress
    }

    /// Request bodies larger than the protocol limit are refused with 413.
    public var maxUploadSize: Int { ProtocolLimits.maxRequestBytes }
}
