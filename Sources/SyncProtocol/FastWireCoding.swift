// Writing and reading the messages that carry many changes (pushes and pull pages) without Codable: the
// one-pass ``JSONValue`` reader and canonical writer are several times faster than JSONEncoder/JSONDecoder.
public import ChangeLog
import Foundation

/// A request body that does not have the protocol's shape; the message names where, never the content.
public struct WireShapeError: Error, Hashable, Sendable {
    /// For example `changes[3] lacks the member 'hlc'`.
    public let message: String
}

extension PushRequest {
    /// Reads a push body that was already parsed, as `JSONDecoder` would but several times faster (pushes
    /// carry up to 1,000 changes). Members the protocol does not define are the caller's to refuse.
    public init(reading body: JSONValue) throws(WireShapeError) {
        guard case .object(let members) = body else { throw WireShapeError(message: "the body has the wrong type") }
        guard let list = members["changes"] else { throw WireShapeError(message: "the body lacks the member 'changes'") }
        guard case .array(let items) = list else { throw WireShapeError(message: "changes has the wrong type") }
        var changes: [Change] = []
        changes.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            changes.append(try Change(reading: item, path: "changes[\(index)]"))
        }
        self.init(changes: changes)
    }

}

extension Change {
    /// Reads a change object that was already parsed; `path` names it in errors.
    public init(reading value: JSONValue, path: String) throws(WireShapeError) {
        guard case .object(let members) = value else { throw WireShapeError(message: "\(path) has the wrong type") }
        func string(_ key: String) throws(WireShapeError) -> String {
            guard let member = members[key] else { throw WireShapeError(message: "\(path) lacks the member '\(key)'") }
            guard case .string(let text) = member else { throw WireShapeError(message: "\(path).\(key) has the wrong type") }
            return text
        }
        guard let payload = members["payload"] else {
            throw WireShapeError(message: "\(path) lacks the member 'payload'")
        }
        let discipline: String?
        switch members["authorDiscipline"] {
        case nil, .null?: discipline = nil
        case .string(let text)?: discipline = text
        default: throw WireShapeError(message: "\(path).authorDiscipline has the wrong type")
        }
        guard let hlc = HLCTimestamp(try string("hlc")) else {
            throw WireShapeError(
                message: "\(path).hlc is malformed: not a hybrid logical clock timestamp (expected 15 digits, '-', 5 digits)")
        }
        self.init(
            id: try string("id"), clientId: try string("clientId"), entityType: try string("entityType"),
            entityId: try string("entityId"), operation: try string("operation"), payload: payload, hlc: hlc,
            authorId: try string("authorId"), authorDiscipline: discipline, deviceId: try string("deviceId"))
    }
}

extension Change {
    /// The change as the protocol writes it: the members of its JSON object.
    public var wireValue: JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(id), "clientId": .string(clientId), "entityType": .string(entityType),
            "entityId": .string(entityId), "operation": .string(operation), "payload": payload,
            "hlc": .string(hlc.description), "authorId": .string(authorId), "deviceId": .string(deviceId),
        ]
        if let authorDiscipline { members["authorDiscipline"] = .string(authorDiscipline) }
        return .object(members)
    }

    /// Appends the change as canonical JSON (the text of ``wireValue``) without building it as a tree: the
    /// members in their sorted order, and the payload's canonical text as it is (a change read from storage
    /// is never parsed to be sent).
    public func appendWireText(to output: inout String) {
        func member(_ key: String, _ value: String) {
            output += key
            JSONValue.appendCanonicalString(value, to: &output)
        }
        output += "{"
        if let authorDiscipline { member("\"authorDiscipline\":", authorDiscipline); output += "," }
        member("\"authorId\":", authorId)
        member(",\"clientId\":", clientId)
        member(",\"deviceId\":", deviceId)
        member(",\"entityId\":", entityId)
        member(",\"entityType\":", entityType)
        member(",\"hlc\":", hlc.description)
        member(",\"id\":", id)
        member(",\"operation\":", operation)
        output += ",\"payload\":"
        output += canonicalPayload
        output += "}"
    }

    /// Appends a list of changes as a canonical JSON array.
    static func appendWireText(of changes: [Change], to output: inout String) {
        output += "["
        for (index, change) in changes.enumerated() {
            if index > 0 { output += "," }
            change.appendWireText(to: &output)
        }
        output += "]"
    }
}

extension PushRequest {
    /// The body as compact JSON with sorted keys, written directly (several times faster than `JSONEncoder`).
    public var wireText: String {
        var output = "{\"changes\":"
        output.reserveCapacity(changes.count * 640)
        Change.appendWireText(of: changes, to: &output)
        output += "}"
        return output
    }
}

extension PullResponse {
    /// The page as compact JSON with sorted keys; the changes, nearly all of it, written directly.
    public func wireText() throws -> String {
        var head = self
        head.changes = []
        let text = String(decoding: try WireCoding.makeEncoder().encode(head), as: UTF8.self)
        guard case .object(var members) = try JSONValue(parsing: text) else { return text }
        members["changes"] = nil
        // The members in canonical (byte) order, the changes written in their place.
        var output = "{"
        output.reserveCapacity(changes.count * 640 + text.utf8.count)
        var first = true
        for key in (Array(members.keys) + ["changes"]).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            if !first { output += "," }
            first = false
            JSONValue.appendCanonicalString(key, to: &output)
            output += ":"
            if key == "changes" {
                Change.appendWireText(of: changes, to: &output)
            } else {
                members[key]!.appendCanonicalText(to: &output)
            }
        }
        output += "}"
        return output
    }

    /// Reads a page: the changes with the fast reader, the rest with `JSONDecoder`.
    public init(readingWire text: String) throws {
        guard case .object(var members) = try JSONValue(parsing: text), case .array(let items)? = members["changes"]
        else { throw WireShapeError(message: "the page has the wrong type") }
        members["changes"] = .array([])
        self = try WireCoding.makeDecoder().decode(PullResponse.self, from: Data(JSONValue.object(members).canonicalText.utf8))
        changes = try items.enumerated().map { index, item throws(WireShapeError) in
            try Change(reading: item, path: "changes[\(index)]")
        }
    }
}
