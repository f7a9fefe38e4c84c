import ChangeLog
import Foundation

extension ClientJourney {
    /// The canonical journey JSON: sorted keys (by UTF-8 bytes), two-space indentation, `": "` after keys,
    /// minimal string escaping, a final newline (see `JSONValue.canonicalPrettyText`).
    ///
    /// The same journey always gives the same bytes, on every platform and Foundation version.
    public func canonicalJSON() -> String {
        // A journey has only strings, integers, booleans, arrays and objects: encoding cannot fail.
        let data = try! JSONEncoder().encode(self)
        let value = try! JSONValue(parsing: String(decoding: data, as: UTF8.self))
        return value.canonicalPrettyText + "\n"
    }
}
