/// One property of the protocol as the kit checked it against a server.
public struct ConformanceCheck: Sendable, Hashable {
    /// The property's number in Protocol/README.md §13 (or the section, e.g. `§5`).
    public let property: String
    /// What was checked, in a few words.
    public let title: String
    /// Why it failed; `nil` when it held.
    public let failure: String?

    /// Whether the property held.
    public var passed: Bool { failure == nil }

    /// The property of a check that could not be set up (the client): not a verdict on the server.
    public static let setup = "setup"

    /// Whether the run could not start: enrollment or the client failed, so nothing was judged.
    public var isSetup: Bool { property == Self.setup || property == "§3" }

    /// `PASS 7 a retried write is a duplicate`, or `FAIL 7 …: why`.
    public var line: String {
        "\(passed ? "PASS" : "FAIL") \(property) \(title)" + (failure.map { ": \($0)" } ?? "")
    }
}

/// A check that failed, with why.
struct Failure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The checks so far.
struct Report {
    private(set) var checks: [ConformanceCheck] = []

    mutating func pass(_ property: String, _ title: String) {
        checks.append(ConformanceCheck(property: property, title: title, failure: nil))
    }

    mutating func fail(_ property: String, _ title: String, _ why: String) {
        checks.append(ConformanceCheck(property: property, title: title, failure: why))
    }

    mutating func run(_ property: String, _ title: String, _ body: () async throws -> Void) async {
        do {
            try await body()
            pass(property, title)
        } catch {
            fail(property, title, "\(error)")
        }
    }
}
