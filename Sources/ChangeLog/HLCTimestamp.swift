/// A hybrid logical clock timestamp: wall-clock milliseconds plus a logical counter.
///
/// Timestamps order changes for display and causality. Their canonical text form is fixed-width, so the
/// text order equals the timestamp order and databases can sort on the text column:
///
/// ```
/// "001764412171123-00000"   // 15 digits of Unix milliseconds, "-", 5 digits of logical counter
/// ```
public struct HLCTimestamp: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z as seen by the clock that issued the timestamp.
    public let wallMillis: Int64
    /// Logical counter that orders events within one millisecond.
    public let logical: UInt16

    /// The largest wall-clock value the text form can carry (15 digits).
    public static let maxWallMillis: Int64 = 999_999_999_999_999

    /// The zero timestamp, earlier than any real one.
    public static let zero = HLCTimestamp(wallMillis: 0, logical: 0)

    /// Creates a timestamp; `wallMillis` is clamped into `0...maxWallMillis`.
    public init(wallMillis: Int64, logical: UInt16) {
        self.wallMillis = min(max(wallMillis, 0), Self.maxWallMillis)
        self.logical = logical
    }

    /// Parses the canonical text form; returns `nil` for anything else (no whitespace, signs or short forms).
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 21, bytes[15] == UInt8(ascii: "-") else { return nil }
        var wall: Int64 = 0
        for byte in bytes[0..<15] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            wall = wall * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        var counter: Int = 0
        for byte in bytes[16..<21] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            counter = counter * 10 + Int(byte - UInt8(ascii: "0"))
        }
        guard counter <= Int(UInt16.max) else { return nil }
        self.init(wallMillis: wall, logical: UInt16(counter))
    }

    /// The canonical text form, e.g. `001764412171123-00000`.
    public var description: String {
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: 21)
        digits[15] = UInt8(ascii: "-")
        var wall = wallMillis
        for index in stride(from: 14, through: 0, by: -1) {
            digits[index] = UInt8(ascii: "0") + UInt8(wall % 10)
            wall /= 10
        }
        var counter = Int(logical)
        for index in stride(from: 20, through: 16, by: -1) {
            digits[index] = UInt8(ascii: "0") + UInt8(counter % 10)
            counter /= 10
        }
        return String(decoding: digits, as: UTF8.self)
    }

    /// Orders by wall-clock milliseconds, then by the logical counter.
    public static func < (lhs: HLCTimestamp, rhs: HLCTimestamp) -> Bool {
        (lhs.wallMillis, lhs.logical) < (rhs.wallMillis, rhs.logical)
    }
}

extension HLCTimestamp: Codable {
    /// Decodes the canonical text form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = HLCTimestamp(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not a hybrid logical clock timestamp (expected 15 digits, '-', 5 digits)")
        }
        self = value
    }

    /// Encodes the canonical text form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
