/// A JSON value: the payload of a change, kept generic so the change log does not depend on the domain.
///
/// Numbers are integers where the text was an integer (``int(_:)``), doubles otherwise. ``canonicalText``
/// writes one text for one value (sorted keys, no whitespace), which the stores use so equal payloads are
/// stored byte-identically.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue: Codable {
    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        // Most likely kinds first (payloads are objects of strings): every failed attempt costs an error.
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    /// Encodes the value as JSON.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue {
    /// The value of an object member, or `nil` when this is not an object or has no such member.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// One text per value: object keys sorted by their UTF-8 bytes, no insignificant whitespace, strings
    /// escaped minimally (quote, backslash and control characters only).
    public var canonicalText: String {
        var output = ""
        write(to: &output, indent: nil)
        return output
    }

    /// Appends ``canonicalText`` to `output` (a writer that puts values together without a tree).
    public func appendCanonicalText(to output: inout String) {
        write(to: &output, indent: nil)
    }

    /// Appends a string as canonical JSON writes it: quoted, with the escapes it needs.
    public static func appendCanonicalString(_ value: String, to output: inout String) {
        writeString(value, to: &output)
    }

    /// The canonical text laid out for people: the same rules as ``canonicalText``, plus two-space
    /// indentation, one member or element per line, `": "` after keys, and `[]`/`{}` for empty containers.
    /// Written by this code alone, so it is byte-identical on every platform and Foundation version.
    public var canonicalPrettyText: String {
        var output = ""
        write(to: &output, indent: "")
        return output
    }

    /// Writes the value; `indent` is the current indentation for pretty output, `nil` for compact output.
    private func write(to output: inout String, indent: String?) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .double(let value): output += value.isFinite ? "\(value)" : "null"
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let values):
            let inner = indent.map { $0 + "  " }
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                if let inner { output += "\n" + inner }
                value.write(to: &output, indent: inner)
            }
            if let indent, !values.isEmpty { output += "\n" + indent }
            output += "]"
        case .object(let members):
            let inner = indent.map { $0 + "  " }
            output += "{"
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { output += "," }
                if let inner { output += "\n" + inner }
                Self.writeString(key, to: &output)
                output += indent == nil ? ":" : ": "
                members[key]!.write(to: &output, indent: inner)
            }
            if let indent, !members.isEmpty { output += "\n" + indent }
            output += "}"
        }
    }

    private static func writeString(_ value: String, to output: inout String) {
        output += "\""
        // Most text needs no escape at all: then it is copied whole.
        guard value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            output += value
            output += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
