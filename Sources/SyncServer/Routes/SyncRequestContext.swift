public import Hummingbird
import SyncProtocol

/// The request context of the sync server: Hummingbird's core context plus the authenticated caller.
public struct SyncRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The authenticated device, set by the authentication middleware on `/v1` routes that need it.
    public var principal: Principal?

    /// Creates a context for a new request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// Request bodies larger than the protocol limit are refused with 413.
    public var maxUploadSize: Int { ProtocolLimits.maxRequestBytes }
}
