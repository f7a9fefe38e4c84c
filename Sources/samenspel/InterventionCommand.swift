import ArgumentParser
import Casework
import Replica

struct InterventionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intervention", abstract: "Start and end interventions (offline).",
        subcommands: [Start.self, Update.self, End.self, Kinds.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start an intervention; prints its id.")
        @OptionGroup var options: ReplicaOptions
        @Option(help: "The client: a name, part of one, or an id.") var client: String
        @Option(help: "The kind: a catalogue code (see `intervention kinds`) or your own code.") var kind: String
        @Option(help: "How it works on the client (default: the catalogue's, if the kind is known).")
        var valence: Valence?
        @Option(name: .customLong("target"), help: "A determinant it targets (repeatable; default: the catalogue's).")
        var targets: [Determinant] = []
        @Option(help: "The core behaviour it serves (default: the catalogue's, if the kind is known).")
        var behaviour: CoreBehaviour?
        @Flag(help: "Record it as planned instead of active.") var planned = false

        func validate() throws {
            guard InterventionCatalogue.kind(kind) == nil else { return }
            guard InterventionCatalogue.isValidCode(kind) else {
                throw ValidationError(
                    "'\(kind)' is not a kind: a catalogue code (`samenspel intervention kinds`) or your own code of "
                        + "1–64 letters, digits, '-' or '_'")
            }
            // Only the catalogue knows a kind's usual valence and targets; an own code must say them.
            if valence == nil || targets.isEmpty {
                throw ValidationError(
                    "'\(kind)' is not in the catalogue (`samenspel intervention kinds` lists it): give --valence and "
                        + "at least one --target for your own kind")
            }
        }

        func run() async throws {
            let replica = try options.open()
            let known = InterventionCatalogue.kind(kind)
            let plan = InterventionPlan(
                kind: kind, valence: valence ?? known!.valence, targets: targets.isEmpty ? known!.targets : targets,
                behaviour: behaviour ?? known?.behaviour, status: planned ? .planned : .active)
            print(try await replica.startIntervention(clientId: try await lookUpClient(client, in: replica), plan))
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change the status or targets of an intervention of your discipline; prints the change id.",
            discussion: "Also resolves a conflict between concurrent updates.")
        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The intervention's id.") var interventionId: String
        @Option(help: "New status (default: unchanged).") var status: InterventionStatus?
        @Option(name: .customLong("target"), help: "New targets (repeatable; default: unchanged).")
        var targets: [Determinant] = []

        func run() async throws {
            let replica = try options.open()
            let current = try await replica.currentIntervention(interventionId)
            print(try await replica.updateIntervention(
                interventionId: interventionId, status: status ?? current.status,
                targets: targets.isEmpty ? nil : targets))
        }
    }

    struct End: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End an intervention of your discipline.")
        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The intervention's id.") var interventionId: String

        func run() async throws {
            let replica = try options.open()
            print(try await replica.endIntervention(interventionId: interventionId))
        }
    }

    struct Kinds: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the catalogue of intervention kinds, with the valence, behaviour and targets they get by default.")
        @OptionGroup var output: ListFormatOptions

        func run() async throws {
            var list = ListOutput([
                ("kind", "code"), ("valence", "valence"), ("behaviour", "behaviour"), ("targets", "targets"),
                ("name", "label"),
            ])
            for kind in InterventionCatalogue.kinds {
                list.add([
                    .text(kind.code), .text(kind.valence.rawValue), .text(kind.behaviour.rawValue),
                    .list(kind.targets.map(\.rawValue)), .text(kind.dutchLabel),
                ])
            }
            try list.print(output.format)
        }
    }
}
