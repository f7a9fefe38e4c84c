public import ChangeLog
import Foundation
public import GRDB

/// Converts changes to and from rows of a `changes` table with the columns in ``columns``; the payload is
/// stored as its canonical text. Used by the replica and by the server's SQLite backend.
public enum ChangeRow {
    /// The column list, in the order ``arguments(_:)`` binds them.
    public static let columns =
        "id, client_id, entity_type, entity_id, operation, payload, hlc, author_id, author_discipline, device_id"

    /// `?` placeholders for ``columns``.
    public static let placeholders = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?"

    /// Reads a change from a row that has ``columns``.
    public static func decode(_ row: Row) throws -> Change {
        try decode(row, payload: row["payload"])
    }

    /// Reads a change from a row that has ``columns``, with its payload's text given (the server opens the
    /// sealed payload it stores).
    public static func decode(_ row: Row, payload payloadText: String) throws -> Change {
        let hlcText: String = row["hlc"]
        guard let hlc = HLCTimestamp(hlcText) else { throw CorruptRow(column: "hlc") }
        let payload: JSONValue
        do {
            payload = try JSONValue(parsing: payloadText)
        } catch {
            throw CorruptRow(column: "payload")
        }
        return Change(
            id: row["id"], clientId: row["client_id"], entityType: row["entity_type"], entityId: row["entity_id"],
            operation: row["operation"], payload: payload, hlc: hlc, authorId: row["author_id"],
            authorDiscipline: row["author_discipline"], deviceId: row["device_id"])
    }

    /// The values of ``columns`` for a change.
    public static func arguments(_ change: Change) -> StatementArguments {
        arguments(change, payload: change.payload.canonicalText)
    }

    /// The values of ``columns`` for a change, with the payload stored as `payload` (sealed, on the server).
    public static func arguments(_ change: Change, payload: any DatabaseValueConvertible) -> StatementArguments {
        [
            change.id, change.clientId, change.entityType, change.entityId, change.operation,
            payload, change.hlc.description, change.authorId, change.authorDiscipline,
            change.deviceId,
        ]
    }

    /// A stored change that cannot be read back (a damaged database file).
    public struct CorruptRow: Error, CustomStringConvertible {
        /// The column that could not be read.
        public let column: String
        /// Explanation.
        public var description: String { "a stored change has an unreadable \(column)" }
    }
}
