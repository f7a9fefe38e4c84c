import Crypto
import Foundation

/// Random secrets (device tokens, enrollment codes) and the hashes the server stores instead of them.
enum Secrets {
    /// A new device token: `sst_` and 32 random bytes in base64url (256 bits).
    static func makeDeviceToken() -> String {
        "sst_" + base64URL(randomBytes(32))
    }

    /// A new enrollment code: 16 characters of Crockford base32 in groups of four (80 bits), easy to type.
    static func makeEnrollmentCode() -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        let bytes = randomBytes(16)
        let characters = bytes.map { alphabet[Int($0) % 32] }
        return stride(from: 0, to: 16, by: 4).map { String(characters[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// A new restore epoch: 16 random bytes in lowercase hexadecimal.
    static func makeEpoch() -> String {
        hex(randomBytes(16))
    }

    /// Bytes in lowercase hexadecimal, two digits each.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// The form an enrollment code is hashed in: upper case, without separators or spaces; Crockford's
    /// look-alikes (`O`→`0`, `I`/`L`→`1`) are folded so a mistyped letter still matches.
    static func normalizeEnrollmentCode(_ code: String) -> String {
        String(
            code.uppercased().compactMap { character -> Character? in
                switch character {
                case "-", " ": nil
                case "O": "0"
                case "I", "L": "1"
                default: character
                }
            })
    }

    /// SHA-256 of the text, in lowercase hexadecimal. Tokens and codes carry 80–256 random bits, so a fast
    /// hash is enough: there is nothing to brute-force from a dictionary.
    static func hash(_ secret: String) -> String {
        hex(SHA256.hash(data: Data(secret.utf8)))
    }

    /// A 256-bit key from 64 hexadecimal characters; `nil` for anything else.
    static func key(fromHex hex: String) -> SymmetricKey? {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex),
            let byte = UInt8(hex[index..<next], radix: 16)
        {
            bytes.append(byte)
            index = next
        }
        return bytes.count == 32 && index == hex.endIndex ? SymmetricKey(data: bytes) : nil
    }

    /// A key in lowercase hexadecimal.
    static func hex(_ key: SymmetricKey) -> String {
        key.withUnsafeBytes { hex($0) }
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
