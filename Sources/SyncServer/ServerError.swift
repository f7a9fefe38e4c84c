public import HTTPTypes
public import SyncProtocol

/// An error the server answers with: an HTTP status and the protocol's error body.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// Code and message for the error body.
    public let detail: ErrorDetail
    /// Seconds for a `Retry-After` header, if any.
    public let retryAfter: Int?

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, code: ErrorCode, message: String, retryAfter: Int? = nil) {
        self.status = status
        self.detail = ErrorDetail(code: code, message: message)
        self.retryAfter = retryAfter
    }

    /// `status code: message`.
    public var description: String { "\(status.code) \(detail)" }

    static func invalidRequest(_ message: String) -> ServerError {
        ServerError(.badRequest, code: ErrorCode.invalidRequest, message: message)
    }

    static let unauthorized = ServerError(
        .unauthorized, code: ErrorCode.unauthorized, message: "a valid device token is required (Authorization: Bearer …)")
}
