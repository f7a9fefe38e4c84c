public import Casework
public import Hummingbird

/// The context of one request to the app: the professional's language, set by ``AppGuard``.
public struct AppRequestContext: RequestContext {
    /// Hummingbird's storage for the request.
    public var coreContext: CoreRequestContextStorage
    /// The language of the pages for this request.
    public var language: Language = .nl

    /// Creates the context of a request.
    public init(source: Source) {
        coreContext = .init(source: source)
    }
}
