import ArgumentParser
import Casework
import ChangeLog
import Replica

struct ContactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact",
        abstract: "Set a client's contact details (offline); prints one change id per field set.",
        discussion: """
            An empty value clears the field. When two professionals change the same field offline, both \
            values are kept and the field is marked conflicted (see `conflicts`); setting it again resolves it.
            """)

    @OptionGroup var options: ReplicaOptions
    @Option(help: "The client: a name, part of one, or an id.") var client: String
    @Option(help: "Phone number.") var phone: String?
    @Option(help: "Postal address.") var address: String?
    @Option(help: "Preferred contact moment, e.g. \"weekdays after 14:00\".") var contactMoment: String?

    func validate() throws {
        guard phone != nil || address != nil || contactMoment != nil else {
            throw ValidationError("give at least one of --phone, --address, --contact-moment")
        }
    }

    func run() async throws {
        let replica = try options.open()
        let clientId = try await lookUpClient(client, in: replica)
        for (field, value) in [(ContactField.phone, phone), (.address, address), (.contactMoment, contactMoment)] {
            guard let value else { continue }
            print(try await replica.setContact(clientId: clientId, field, to: value.isEmpty ? nil : value))
        }
    }
}

struct ConflictsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: """
            List open conflicts: notes, interventions, sub-goals, agreements, referral answers, vacancies and \
            contact fields edited concurrently offline.
            """,
        discussion: """
            Every version is kept. The last one listed is shown as current. Resolve a conflict by editing again \
            (each conflict says how): `note edit`, `intervention update`, `goal update`, `agreement update`, \
            `referral accept|decline`, `vacancy update` or `contact`. The new version supersedes every version listed.
            """)

    @OptionGroup var options: ReplicaOptions

    func run() async throws {
        let conflicts = try await options.open().conflicts()
        if conflicts.isEmpty { printError("no open conflicts") }
        for conflict in conflicts {
            let what = conflict.field.map { "contact \($0.rawValue)" } ?? "\(conflict.kind.rawValue) \(conflict.entityId)"
            print("\(conflict.clientName ?? conflict.clientId) (\(conflict.clientId)): \(what)")
            for version in conflict.versions {
                let summary = version.summary.split(separator: "\n").first.map(String.init) ?? ""
                let discipline = version.by.discipline.map { " (\($0.label))" } ?? ""
                let at = CalendarTime.millis(fromISO8601: version.at).map { ListValue.time($0).shown } ?? version.at
                print("  \(at)  \(version.by.name)\(discipline)  \(version.changeId)")
                print("    \(summary.count > 100 ? String(summary.prefix(100)) + "…" : summary)")
            }
            print("  resolve: samenspel \(Self.resolution(of: conflict))")
        }
    }

    /// The command that writes a version superseding every listed one.
    static func resolution(of conflict: Conflict) -> String {
        switch conflict.kind {
        case .note: "note edit \(conflict.entityId) --text TEXT"
        case .intervention: "intervention update \(conflict.entityId) [--status STATUS] [--target DETERMINANT …]"
        case .goal: "goal update \(conflict.entityId) [--status STATUS] [--title TITLE] …"
        case .agreement: "agreement update \(conflict.entityId) [--status STATUS] [--text TEXT] …"
        case .referral:
            "referral accept \(conflict.entityId)   or   referral decline \(conflict.entityId) --reason TEXT   (by the discipline it is addressed to)"
        case .vacancy: "vacancy update \(conflict.entityId) [--status STATUS] …"
        case .contact:
            "contact --client \(conflict.clientId) --\(conflict.field == .contactMoment ? "contact-moment" : conflict.field?.rawValue ?? "phone") VALUE"
        }
    }
}

struct RejectedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejected", abstract: "Show writes the server refused, and acknowledge them.",
        subcommands: [List.self, Acknowledge.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List refused writes with the server's reason.")
        @OptionGroup var options: ReplicaOptions

        func run() async throws {
            let rejected = try await options.open().status().rejected
            if rejected.isEmpty { printError("no refused writes") }
            for rejected in rejected {
                let change = rejected.change
                print("\(change.id)\t\(change.entityType).\(change.operation)\t\(change.clientId)\t\(rejected.code)\t\(rejected.message)")
                if case .string(let text)? = change.payload["text"] { print("  \(text)") }
            }
        }
    }

    struct Acknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack", abstract: "Remove refused writes from the list once you have dealt with them.")
        @OptionGroup var options: ReplicaOptions
        @Argument(help: "Change ids to acknowledge.") var changeIds: [String] = []
        @Flag(help: "Acknowledge every refused write.") var all = false

        func validate() throws {
            guard all != !changeIds.isEmpty else { throw ValidationError("give change ids or --all (not both)") }
        }

        func run() async throws {
            let count = try await options.open().acknowledgeRejected(all ? nil : changeIds)
            printError("acknowledged \(count) refused write(s)")
        }
    }
}
