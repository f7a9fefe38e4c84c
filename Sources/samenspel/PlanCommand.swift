import ArgumentParser
import Casework
import Replica

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "goal",
        abstract: "Sub-goals of the client's plan (plan van aanpak), serving labour and social participation.",
        subcommands: [Add.self, Update.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a sub-goal; prints its id.")
        @OptionGroup var options: ReplicaOptions
        @Option(help: "The client: a name, part of one, or an id.") var client: String
        @Option(help: "What is to be reached, in one line.") var title: String
        @Option(help: "The core behaviour it serves.") var behaviour: CoreBehaviour
        @Option(name: .customLong("target"), help: "A determinant it works on (repeatable, at least one).")
        var targets: [Determinant]
        @Option(help: "Who owns it: a discipline (default: yours), or client for a goal the client set themselves.")
        var owner: Responsible?
        @Option(help: "Due date: DD-MM-YYYY or YYYY-MM-DD.", transform: typedDate) var due: CalendarDate?

        func run() async throws {
            let replica = try options.open()
            let discipline = try await replica.identity().professional.discipline
            let owner = self.owner ?? .discipline(discipline)
            print(try await replica.addGoal(
                clientId: try await lookUpClient(client, in: replica),
                SubGoal(title: title, behaviour: behaviour, targets: targets, owner: owner, due: due)))
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Update a sub-goal (only what you give changes); prints the change id.")
        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The sub-goal's id.") var goalId: String
        @Option(help: "open, achieved or dropped.") var status: GoalStatus?
        @Option(help: "New title.") var title: String?
        @Option(help: "New due date: DD-MM-YYYY or YYYY-MM-DD.", transform: typedDate) var due: CalendarDate?
        @Flag(help: "Remove the due date.") var clearDue = false
        @Option(name: .customLong("target"), help: "New targets (repeatable).") var targets: [Determinant] = []
        @Option(help: "New owner: a discipline, or client.") var owner: Responsible?
        @Option(help: "New core behaviour.") var behaviour: CoreBehaviour?

        func validate() throws {
            if clearDue && due != nil { throw ValidationError("give --due or --clear-due, not both") }
        }

        func run() async throws {
            let (status, title, due, clearDue, targets, owner, behaviour) =
                (status, title, due, clearDue, targets, owner, behaviour)
            print(try await options.open().updateGoal(goalId: goalId) { goal in
                if let status { goal.status = status }
                if let title { goal.title = title }
                if let due { goal.due = due }
                if clearDue { goal.due = nil }
                if !targets.isEmpty { goal.targets = Array(Set(targets)).sorted() }
                if let owner { goal.owner = owner }
                if let behaviour { goal.behaviour = behaviour }
            })
        }
    }
}

struct AgreementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement", abstract: "Agreements (afspraken) with the client.",
        subcommands: [Add.self, Update.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record an agreement; prints its id.")
        @OptionGroup var options: ReplicaOptions
        @Option(help: "The client: a name, part of one, or an id.") var client: String
        @Option(help: "What was agreed, in one line.") var text: String
        @Option(help: "Who is responsible: client, clientManager, incomeConsultant or accountManager.")
        var responsible: String
        @Option(help: "Due date: DD-MM-YYYY or YYYY-MM-DD.", transform: typedDate) var due: CalendarDate?
        @Option(help: "The core behaviour it serves.") var behaviour: CoreBehaviour?

        func validate() throws {
            guard Responsible(code: responsible) != nil else {
                throw ValidationError("--responsible must be client, clientManager, incomeConsultant or accountManager")
            }
        }

        func run() async throws {
            let replica = try options.open()
            print(try await replica.addAgreement(
                clientId: try await lookUpClient(client, in: replica),
                Agreement(text: text, responsible: Responsible(code: responsible)!, due: due, behaviour: behaviour)))
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Update an agreement, e.g. mark it kept or not kept; prints the change id.")
        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The agreement's id.") var agreementId: String
        @Option(help: "open, kept, notKept or lapsed.") var status: AgreementStatus?
        @Option(help: "New text.") var text: String?
        @Option(help: "New due date: DD-MM-YYYY or YYYY-MM-DD.", transform: typedDate) var due: CalendarDate?
        @Flag(help: "Remove the due date.") var clearDue = false
        @Option(help: "Who is responsible now: client or a discipline.") var responsible: String?
        @Option(help: "New core behaviour.") var behaviour: CoreBehaviour?

        func validate() throws {
            if clearDue && due != nil { throw ValidationError("give --due or --clear-due, not both") }
            if let responsible, Responsible(code: responsible) == nil {
                throw ValidationError("--responsible must be client, clientManager, incomeConsultant or accountManager")
            }
        }

        func run() async throws {
            let (status, text, due, clearDue, behaviour) = (status, text, due, clearDue, behaviour)
            let responsible = responsible.flatMap(Responsible.init(code:))
            print(try await options.open().updateAgreement(agreementId: agreementId) { agreement in
                if let status { agreement.status = status }
                if let text { agreement.text = text }
                if let due { agreement.due = due }
                if clearDue { agreement.due = nil }
                if let responsible { agreement.responsible = responsible }
                if let behaviour { agreement.behaviour = behaviour }
            })
        }
    }
}

struct SignalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signal", abstract: "Force-field signals.", subcommands: [Acknowledge.self])

    struct Acknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack",
            abstract: "Acknowledge a signal with a short reason (it stays visible, marked); prints the id.",
            discussion: "Signals never block anything. The key is shown under each signal in `journey`.")
        @OptionGroup var options: ReplicaOptions
        @Option(help: "The client: a name, part of one, or an id.") var client: String
        @Option(help: "The signal's key.") var signal: String
        @Option(help: "Why, in one line.") var reason: String
        @OptionGroup var settings: SignalSettingsOption

        func run() async throws {
            let replica = try options.open()
            print(try await replica.acknowledgeSignal(
                clientId: try await lookUpClient(client, in: replica), key: signal, reason: reason, settings: try settings.load()))
        }
    }
}
