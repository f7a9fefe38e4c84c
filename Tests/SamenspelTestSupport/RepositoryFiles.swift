import Foundation

/// Files of this repository (documentation, the OpenAPI description, sources), for tests that check what they
/// say against the code.
public enum RepositoryFiles {
    /// The repository's top folder, found from this source file's location.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The text of a file, by its path from the top folder, e.g. `Deploy/README.md`.
    public static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }
}
