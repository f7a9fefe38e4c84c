public import ChangeLog
public import Foundation
public import SyncProtocol

/// A case of `Protocol/vectors/invalid/`: a change the server refuses, for the whole request or on its own.
public struct InvalidVector: Decodable, Sendable {
    /// What the vector is about.
    public let description: String
    /// The error code the server answers.
    public let expectedCode: ErrorCode
    /// The change.
    public let change: Change
    /// `request`: the whole push is refused with ``httpStatus``; `change`: a 200 with this change rejected.
    public let scope: String
    /// The HTTP status of the answer.
    public let httpStatus: Int
    /// The vector's file name (not in the file).
    public var file = ""

    enum CodingKeys: String, CodingKey { case description, expectedCode, change, scope, httpStatus }
}

/// A case of `Protocol/vectors/duplicates/`: a stored write and a retry under the same id.
public struct DuplicateVector: Decodable, Sendable {
    /// What the vector is about.
    public let description: String
    /// Changes to store first (what the stored change revises), if any.
    public let before: [Change]?
    /// The write stored first.
    public let stored: Change
    /// The write sent again under the same id.
    public let retried: Change
    /// `duplicate` or the code of the refusal (`idReused`).
    public let expected: String
}

/// Reading the protocol's vectors folder, for the kit and for the tests of replica and server alike.
public enum ProtocolVectors {
    /// The `.json` files of a folder of `vectors`, by name.
    public static func files(in folder: String, under vectors: URL) throws -> [URL] {
        let directory = vectors.appendingPathComponent(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }
        guard !names.isEmpty else { throw Failure("no vectors in \(directory.path)") }
        return names.sorted().map { directory.appendingPathComponent($0) }
    }

    /// Every vector of `invalid/`, with its file name.
    public static func invalid(under vectors: URL) throws -> [InvalidVector] {
        try files(in: "invalid", under: vectors).map { file in
            var vector = try WireCoding.makeDecoder().decode(InvalidVector.self, from: Data(contentsOf: file))
            vector.file = file.lastPathComponent
            return vector
        }
    }

    /// Every vector of `duplicates/`.
    public static func duplicates(under vectors: URL) throws -> [DuplicateVector] {
        try files(in: "duplicates", under: vectors).map {
            try WireCoding.makeDecoder().decode(DuplicateVector.self, from: Data(contentsOf: $0))
        }
    }
}
