import ChangeLog

/// The members a request body may have. Anything else is an error (`invalidRequest`), so a client that
/// misspells a member learns it at once instead of having it ignored. Types are checked by decoding;
/// change payloads by the domain rules.
indirect enum RequestShape: Sendable {
    case object([String: RequestShape])
    case array(RequestShape)
    case any

    struct UnknownMember: Error {
        let path: String
    }

    static let enroll = RequestShape.object(["code": .any, "deviceName": .any])
    static let change = RequestShape.object([
        "id": .any, "clientId": .any, "entityType": .any, "entityId": .any, "operation": .any, "payload": .any,
        "hlc": .any, "authorId": .any, "authorDiscipline": .any, "deviceId": .any,
    ])
    static let push = RequestShape.object(["changes": .array(change)])

    /// Throws ``UnknownMember`` for the first member the shape does not allow.
    func check(_ value: JSONValue, path: String) throws {
        switch (self, value) {
        case (.object(let members), .object(let object)):
            for key in object.keys.sorted() {
                let memberPath = path.isEmpty ? key : "\(path).\(key)"
                guard let shape = members[key] else { throw UnknownMember(path: memberPath) }
                try shape.check(object[key]!, path: memberPath)
            }
        case (.array(let element), .array(let items)):
            for (index, item) in items.enumerated() {
                try element.check(item, path: "\(path)[\(index)]")
            }
        default:
            return  // types are for the decoder to judge
        }
    }
}
