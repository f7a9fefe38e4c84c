import ArgumentParser
import Casework
import Replica

struct NoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note", abstract: "Write and revise case notes (offline).", subcommands: [Add.self, Edit.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a case note about a client; prints the note id.")
        @OptionGroup var options: ReplicaOptions
        @Option(help: "The client: a name, part of one, or an id.") var client: String
        @Option(help: "The note text.") var text: String
        @Option(help: "The core behaviour the note is about.") var behaviour: CoreBehaviour?
        @Option(name: .customLong("determinant"), help: "A determinant the note is about (repeatable).")
        var determinants: [Determinant] = []
        @Option(help: "team (everyone with the client) or discipline (only your discipline, e.g. income details).")
        var visibility: NoteVisibility = .team

        func run() async throws {
            let replica = try options.open()
            print(try await replica.addNote(
                clientId: try await lookUpClient(client, in: replica),
                NoteContent(text: text, behaviour: behaviour, determinants: determinants, visibility: visibility)))
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revise one of your notes; the earlier text is kept. Prints the revision id.")
        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The note's id.") var noteId: String
        @Option(help: "The new text.") var text: String
        @Option(help: "A new core behaviour (default: unchanged).") var behaviour: CoreBehaviour?
        @Option(name: .customLong("determinant"), help: "Determinants (repeatable; default: unchanged).")
        var determinants: [Determinant] = []

        func run() async throws {
            let replica = try options.open()
            print(try await replica.reviseNote(
                noteId: noteId, text: text, behaviour: behaviour.map { .some($0) },
                determinants: determinants.isEmpty ? nil : determinants))
        }
    }
}
