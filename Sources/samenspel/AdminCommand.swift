import ArgumentParser
import Casework
import Foundation
import SyncServer

/// `--data DIR` for admin commands, falling back to `SAMENSPEL_DATA`.
struct AdminOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The server's data folder (or set SAMENSPEL_DATA).", valueName: "dir"))
    var data: String?

    func administration() throws -> Administration {
        guard let directory = data ?? ProcessInfo.processInfo.environment["SAMENSPEL_DATA"], !directory.isEmpty else {
            throw CLIError("give the server's data folder with --data DIR or SAMENSPEL_DATA")
        }
        let user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"]
        return Administration(store: try SQLiteSyncStore(directory: directory), operatorName: user)
    }
}

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Manage teams, professionals, clients and enrollment codes on the server's data folder.",
        discussion: "Works while the server runs. Ids are printed alone on stdout.",
        subcommands: [
            TeamCommand.self, ProfessionalCommand.self, ClientCommand.self, AdminEnrollCommand.self,
            DeviceCommand.self, AuditCommand.self, CompactCommand.self,
        ])

    @OptionGroup var options: AdminOptions
}

struct TeamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "team", abstract: "Create and list teams.", subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a team; prints its id.")
        @ParentCommand var admin: AdminCommand
        @Option(help: "Team name.") var name: String

        func run() async throws {
            print(try await admin.options.administration().createTeam(name: name).id)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List teams: id and name.")
        @ParentCommand var admin: AdminCommand

        func run() async throws {
            for team in try await admin.options.administration().store.teams() {
                print("\(team.id)\t\(team.name)")
            }
        }
    }
}

struct ProfessionalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "professional", abstract: "Create and list professionals.", subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a professional; prints their id.")
        @ParentCommand var admin: AdminCommand
        @Option(help: "Name.") var name: String
        @Option(help: "Discipline.") var discipline: Discipline
        @Option(name: .customLong("team"), help: "A team id (repeat for several teams).") var teams: [String]

        func run() async throws {
            let professional = try await admin.options.administration().createProfessional(
                name: name, discipline: discipline, teamIds: teams)
            print(professional.id)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List professionals: id, discipline, name, teams.")
        @ParentCommand var admin: AdminCommand

        func run() async throws {
            for record in try await admin.options.administration().store.professionals() {
                let professional = record.professional
                print(
                    "\(professional.id)\t\(professional.discipline.rawValue)\t\(professional.name)\t"
                        + record.teamIds.joined(separator: ","))
            }
        }
    }
}

struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client", abstract: "Register, move and list clients.",
        subcommands: [Create.self, Move.self, Erase.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a client in a team; prints the client id.")
        @ParentCommand var admin: AdminCommand
        @Option(help: "The client's name.") var name: String
        @Option(help: "The team responsible for the client.") var team: String

        func run() async throws {
            print(try await admin.options.administration().createClient(name: name, teamId: team))
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a client to another team.",
            discussion: """
                The new team's professionals receive the client's whole history on their next sync; the old \
                team's professionals have it removed from their laptops (after their pending writes were sent).
                """)
        @ParentCommand var admin: AdminCommand
        @Argument(help: "The client's id.") var clientId: String
        @Option(help: "The new team.") var team: String

        func run() async throws {
            try await admin.options.administration().moveClient(clientId, toTeam: team)
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a client (AVG article 17); prints how many changes were removed.",
            discussion: """
                The content of every change about the client is removed from the server's database file, and \
                every laptop holding the client removes it on its next sync (unsent writes stay in that laptop's \
                rejected list without their text). Only the fact that an id was erased remains. Recorded in the \
                audit log with the reason.
                """)
        @ParentCommand var admin: AdminCommand
        @Argument(help: "The client's id.") var clientId: String
        @Option(help: "Why (e.g. the request's reference); one line, no personal data.") var reason: String

        func run() async throws {
            print(try await admin.options.administration().eraseClient(clientId, reason: reason))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List clients: id and team.")
        @ParentCommand var admin: AdminCommand

        func run() async throws {
            for client in try await admin.options.administration().store.clients() {
                print("\(client.id)\t\(client.teamId)")
            }
        }
    }
}

struct AdminEnrollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Issue a one-time enrollment code for a professional's laptop; prints the code.",
        discussion: "The code is shown once; the server keeps only its hash. It expires after --valid-hours.")

    @ParentCommand var admin: AdminCommand
    @Option(help: "The professional's id.") var professional: String
    @Option(help: "Hours the code stays valid.") var validHours = 24

    func validate() throws {
        guard (1...24 * 30).contains(validHours) else { throw ValidationError("--valid-hours must be 1–720") }
    }

    func run() async throws {
        let code = try await admin.options.administration().issueEnrollmentCode(
            professionalId: professional, validForMillis: Int64(validHours) * 3_600_000)
        print(code)
    }
}

struct CompactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Stop serving sync cursors older than --keep-days; prints the new horizon.",
        discussion: """
            Laptops that have not synced within that time rebuild their replica from the server on their next \
            sync, keeping their own writes.
            """)

    @ParentCommand var admin: AdminCommand
    @Option(help: "Days of sync history to keep serving incrementally.") var keepDays: Int

    func validate() throws {
        guard keepDays >= 1 else { throw ValidationError("--keep-days must be at least 1") }
    }

    func run() async throws {
        print(try await admin.options.administration().compact(keepMillis: Int64(keepDays) * 86_400_000))
    }
}
