import Foundation

/// The protocol test vectors in `Protocol/vectors/`, read by the tests of replica and server alike.
public enum Vectors {
    /// The vectors folder.
    public static let directory: URL = RepositoryFiles.root.appendingPathComponent("Protocol/vectors")

    /// The bytes of a vector file, e.g. `messages/push-request.json`.
    public static func data(_ path: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(path))
    }

    /// The names of the `.json` files in a vector folder, sorted.
    public static func files(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(folder).path)
            .filter { $0.hasSuffix(".json") }.sorted().map { "\(folder)/\($0)" }
    }
}
