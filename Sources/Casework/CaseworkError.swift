/// A domain rule a write breaks: a stable machine-readable ``code`` and a human ``message``.
///
/// The message never contains note text or other content of the write.
public struct CaseworkError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable machine-readable code, used on the wire as the error code.
    public let code: String
    /// Human-readable explanation.
    public let message: String

    /// Creates an error.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// The payload does not have the shape its operation requires.
    public static func invalidPayload(_ message: String) -> CaseworkError {
        CaseworkError(code: "invalidPayload", message: message)
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
