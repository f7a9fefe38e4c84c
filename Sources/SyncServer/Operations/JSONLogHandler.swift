import Foundation
public import Logging
import NIOConcurrencyHelpers

/// A swift-log handler that writes one JSON object per line to standard error, for log shippers
/// (`samenspel serve --log-format json`).
///
/// ```json
/// {"time":"2026-11-29T12:00:00.123Z","level":"info","label":"samenspel.server","message":"request","http.route":"/v1/push","http.status":"200"}
/// ```
///
/// Metadata keys become members of the object (never overriding `time`, `level`, `label` and `message`).
/// What is logged is up to the callers; the server logs ids, counts and routes, never note text or names.
public struct JSONLogHandler: LogHandler {
    /// Handler-level metadata.
    public var metadata: Logger.Metadata = [:]
    /// The lowest level written.
    public var logLevel: Logger.Level
    private let label: String
    private let write: @Sendable (String) -> Void

    /// A handler writing to standard error.
    public init(label: String, level: Logger.Level = .info) {
        self.init(label: label, level: level, write: JSONLogHandler.standardError)
    }

    /// A handler writing each line with `write` (for tests).
    public init(label: String, level: Logger.Level = .info, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    /// Handler-level metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line.
    public func log(event: LogEvent) {
        var object: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = Self.text(value)
        }
        object["time"] = Self.timestamp()
        object["level"] = event.level.rawValue
        object["label"] = label
        object["message"] = event.message.description
        if event.level >= .error {
            object["source"] = "\(event.file.split(separator: "/").last ?? ""):\(event.line)"
        }
        guard let data = try? Self.encoder.encode(object), let line = String(data: data, encoding: .utf8) else { return }
        write(line + "\n")
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private static func text(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let value): value.description
        case .array(let values): "[" + values.map(text).joined(separator: ", ") + "]"
        case .dictionary(let values): "{" + values.sorted { $0.key < $1.key }.map { "\($0.key): \(text($0.value))" }
            .joined(separator: ", ") + "}"
        }
    }

    private static func timestamp() -> String {
        Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    private static let lock = NIOLock()

    private static let standardError: @Sendable (String) -> Void = { line in
        lock.withLock { FileHandle.standardError.write(Data(line.utf8)) }
    }
}
