import ArgumentParser
import Casework
import Replica

struct AssessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Record your assessment of a determinant (offline); prints the assessment id.",
        discussion: "Scores run from 1 (least favourable) to 5 (most favourable for the behaviour); "
            + "for practicalBarriers 5 means no barriers. Use 'unknown' when you cannot tell yet.")

    @OptionGroup var options: ReplicaOptions
    @Option(help: "The client: a name, part of one, or an id.") var client: String
    @Option(help: "The determinant.") var determinant: Determinant
    @Option(help: "1–5 or unknown.") var score: AssessmentScore
    @Option(help: "The core behaviour the assessment is about.") var behaviour: CoreBehaviour?
    @Option(help: "Why this score, in one line (at most 200 characters).") var explanation: String?

    func run() async throws {
        let replica = try options.open()
        print(try await replica.recordAssessment(
            clientId: try await lookUpClient(client, in: replica), Assessment(
                determinant: determinant, score: score, behaviour: behaviour, explanation: explanation)))
    }
}
