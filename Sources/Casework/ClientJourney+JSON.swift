import Foundation

extension ClientJourney {
    /// The canonical journey JSON: sorted keys, two-space indentation, unescaped slashes, a final newline.
    ///
    /// The same journey always gives the same bytes, on every platform.
    public func canonicalJSON() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        // Encoding a journey cannot fail: every member is a string, number, array or object.
        let data = try! encoder.encode(self)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
