/// Globally unique identifiers for changes and entities: lowercase UUIDs, version 7.
///
/// Version 7 puts the creation time in the leading 48 bits, so ids made close together sort close together
/// and database indexes stay compact. Uniqueness comes from 74 random bits. Ids made elsewhere are accepted
/// when they have the canonical lowercase UUID form (``isValid(_:)``), whatever their version.
public enum Identifier {
    /// Makes a new version 7 UUID from the wall time and a random number generator.
    public static func make(wallMillis: Int64, using generator: inout some RandomNumberGenerator) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let millis = UInt64(max(wallMillis, 0)) & 0xFFFF_FFFF_FFFF
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - index)))
        }
        let random1 = generator.next() as UInt64
        let random2 = generator.next() as UInt64
        for index in 6..<16 {
            let source = index < 14 ? random1 : random2
            bytes[index] = UInt8(truncatingIfNeeded: source >> (8 * (index % 8)))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x70  // version 7
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        return format(bytes)
    }

    /// Makes a new id with the system's cryptographically secure generator.
    public static func make(wallMillis: Int64) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(wallMillis: wallMillis, using: &generator)
    }

    /// Whether `text` is a UUID in canonical lowercase form (`8-4-4-4-12` hexadecimal digits).
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
                let isHex = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f")
                guard isDigit || isHex else { return false }
            }
        }
        return true
    }

    private static func format(_ bytes: [UInt8]) -> String {
        let hexDigits = Array("0123456789abcdef".utf8)
        var output = [UInt8]()
        output.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { output.append(UInt8(ascii: "-")) }
            output.append(hexDigits[Int(byte >> 4)])
            output.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
