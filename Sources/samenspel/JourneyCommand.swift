import ArgumentParser
import Casework
import Replica

struct JourneyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journey",
        abstract: "Show a client's journey across the three disciplines, from this replica (works offline).",
        discussion: """
            --format json is canonical: replicas that hold the same changes print the same bytes.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var options: ReplicaOptions
    @Option(help: "The client's id.") var client: String
    @Option(help: "text or json.") var format: Format = .text

    func run() async throws {
        let journey = try await options.open().journey(clientId: client)
        switch format {
        case .json: print(journey.canonicalJSON(), terminator: "")
        case .text: print(JourneyTextFormatter().format(journey), terminator: "")
        }
    }
}
