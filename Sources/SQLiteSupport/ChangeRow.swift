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
        let base = firstColumn(of: row)
        guard let payloadText = row[base + 5] as String? else { throw CorruptRow(column: "payload") }
        return try decode(row, storedPayload: payloadText, sealed: false, at: base)
    }

    /// Reads a change from a row that has ``columns`` (from the index `base` on, see ``firstColumn(of:)``),
    /// with the payload's text read back from storage: kept as it is when the storage authenticated it
    /// (`sealed`), parsed when it was stored in plaintext (see
    /// ``Change/init(id:clientId:entityType:entityId:operation:storedPayload:authenticated:hlc:authorId:authorDiscipline:deviceId:)``).
    public static func decode(_ row: Row, storedPayload text: String, sealed: Bool, at base: Int) throws -> Change {
        let hlc = try hlc(row, base)
        do {
            return try Change(
                id: row[base], clientId: row[base + 1], entityType: row[base + 2], entityId: row[base + 3],
                operation: row[base + 4], storedPayload: text, authenticated: sealed, hlc: hlc,
                authorId: row[base + 7], authorDiscipline: row[base + 8], deviceId: row[base + 9])
        } catch {
            throw CorruptRow(column: "payload")
        }
    }

    /// The index of the first of ``columns`` (`id`) in a row that has them all, in their order: 0 when they
    /// come first, 1 after `seq`. Read by position, not by name (GRDB compares names case-insensitively,
    /// which showed in the profile of a pull).
    public static func firstColumn(of row: Row) -> Int {
        var index = 0
        for name in row.columnNames {
            if name == "id" { return index }
            index += 1
        }
        return 0
    }

    private static func hlc(_ row: Row, _ base: Int) throws -> HLCTimestamp {
        let text: String = row[base + 6]
        guard let hlc = HLCTimestamp(text) else { throw CorruptRow(column: "hlc") }
        return hlc
    }

    /// The values of ``columns`` for a change.
    public static func arguments(_ change: Change) -> StatementArguments {
        arguments(change, payload: change.canonicalPayload)
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
        /// Names the column that could not be read.
        public init(column: String) { self.column = column }
        /// Explanation.
        public var description: String { "a stored change has an unreadable \(column)" }
    }
}
