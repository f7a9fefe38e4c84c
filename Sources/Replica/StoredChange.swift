import ChangeLog
import Foundation
import GRDB
import SQLiteSupport

/// The replica's rows of `changes` and `rejected`: ``ChangeRow``'s columns with the payload sealed under the
/// client's key (``ReplicaVault``). Reads open it in SQL, so ``ChangeRow/decode(_:)`` sees the plain text.
enum StoredChange {
    /// The columns to select, the payload opened; for a row of `changes` or `rejected` (or a join in which
    /// only one of those has `client_id`).
    static let columns = ChangeRow.columns.replacingOccurrences(
        of: "payload", with: ReplicaVault.opened("payload", client: "client_id") + " AS payload")

    /// The placeholders for ``ChangeRow/columns`` in an insert: the payload is sealed on the way in.
    static let placeholders = "?, ?, ?, ?, ?, " + ReplicaVault.sealed("?", client: "?") + ", ?, ?, ?, ?"

    /// The values for ``placeholders``. The client's key must exist (``ReplicaVault/ensureClientKeys(_:db:)``).
    static func arguments(_ change: Change) -> StatementArguments {
        [
            change.id, change.clientId, change.entityType, change.entityId, change.operation,
            change.clientId, change.canonicalPayload,
            change.hlc.description, change.authorId, change.authorDiscipline, change.deviceId,
        ]
    }
}
