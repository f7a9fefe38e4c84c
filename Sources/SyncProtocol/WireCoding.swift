public import Foundation

/// JSON coding of protocol messages, the same on replica and server.
public enum WireCoding {
    /// The protocol version this build speaks, served under `/v1/`.
    public static let protocolVersion = 1

    /// An encoder with sorted keys and unescaped slashes (compact).
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A decoder for protocol messages.
    public static func makeDecoder() -> JSONDecoder {
        JSONDecoder()
    }
}
