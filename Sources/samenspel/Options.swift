public import ArgumentParser
public import Casework
import Foundation
import Replica

/// `--replica DIR`, falling back to `SAMENSPEL_REPLICA`.
struct ReplicaOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The replica folder (or set SAMENSPEL_REPLICA).", valueName: "dir"))
    var replica: String?

    /// The replica folder, from the flag or the environment.
    func directory() throws -> String {
        if let replica, !replica.isEmpty { return replica }
        if let fromEnvironment = ProcessInfo.processInfo.environment["SAMENSPEL_REPLICA"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        throw CLIError("give the replica folder with --replica DIR or SAMENSPEL_REPLICA")
    }

    /// Opens the enrolled replica.
    func open() throws -> Replica {
        try Replica(directory: directory())
    }
}

extension Discipline: ExpressibleByArgument {}
extension Determinant: ExpressibleByArgument {}
extension CoreBehaviour: ExpressibleByArgument {}
extension Valence: ExpressibleByArgument {}
extension InterventionStatus: ExpressibleByArgument {}
extension GoalStatus: ExpressibleByArgument {}
extension AgreementStatus: ExpressibleByArgument {}
extension Language: ExpressibleByArgument {}
extension NoteVisibility: ExpressibleByArgument {}

extension CalendarDate: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(argument)
    }
}

extension AssessmentScore: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(argument)
    }

    public static var allValueStrings: [String] { ["1", "2", "3", "4", "5", "unknown"] }
}

/// A failure of a command, printed as one line (`Error: …`) without the usage text.
struct CLIError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
