import ArgumentParser
import Casework
import Foundation
import Logging
import Replica
import SyncProtocol
import SyncServer

/// `--data DIR` or `--postgres URL` for admin commands, falling back to `SAMENSPEL_DATA` or
/// `SAMENSPEL_POSTGRES_URL`.
struct AdminOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The server's SQLite data folder [SAMENSPEL_DATA].", valueName: "dir"))
    var data: String?

    @Option(help: ArgumentHelp("The server's PostgreSQL URL [SAMENSPEL_POSTGRES_URL].", valueName: "url"))
    var postgres: String?

    @OptionGroup var files: ServerFileOptions

    @Flag(help: "Create the database when the data folder holds none (the first 'team create' does so anyway).")
    var create = false

    /// The SQLite store of `directory`, which must hold a database unless `creating` or `--create` says
    /// one may be made: a mistyped folder must not silently become a new, empty server.
    func sqliteStore(_ directory: String, creating: Bool = false, keyStoreMayBeEmpty: Bool = false) throws -> SQLiteSyncStore {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), !isFolder.boolValue {
            throw CLIError("--data \(directory) is a file: give the folder that holds the server's database")
        }
        let exists = FileManager.default.fileExists(atPath: directory + "/" + SQLiteSyncStore.fileName)
        guard exists || creating || create else {
            throw CLIError(
                "there is no Samenspel database in \(directory) (a typo?): give the server's data folder (the one "
                    + "'serve --data' uses); 'admin team create' (or --create) makes a new server there")
        }
        let store = try files.sqliteStore(directory, keyStoreMayBeEmpty: keyStoreMayBeEmpty)
        if !exists { printError("created a new Samenspel database in \(directory)") }
        return store
    }

    /// Runs `body` with the administration of the chosen store (a PostgreSQL pool lives as long as `body`);
    /// `creating`: the command may create a SQLite database (see ``sqliteStore(_:creating:)``).
    /// `keyStoreMayBeEmpty`: the key store may lack every key (to put back its backup).
    func withAdministration<T: Sendable>(
        creating: Bool = false, keyStoreMayBeEmpty: Bool = false, _ body: @Sendable (Administration) async throws -> T
    ) async throws -> T {
        let user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"]
        let choice = try StorageChoice(data: data, postgres: postgres)
        let journal = try files.operationsJournal(for: choice)
        switch choice {
        case .sqlite(let directory):
            return try await body(
                Administration(
                    store: try sqliteStore(directory, creating: creating, keyStoreMayBeEmpty: keyStoreMayBeEmpty),
                    journal: journal, operatorName: user))
        case .postgres(let url):
            var logger = Logger(label: "samenspel.admin")
            logger.logLevel = .warning
            do {
                let key = try files.postgresAuditKey()
                let masterKey = try files.postgresMasterKey()
                return try await PostgresSyncStore.withStore(
                    url: url, logger: logger, masterKey: masterKey, auditKey: key, keyStoreMayBeEmpty: keyStoreMayBeEmpty
                ) { store in
                    try await body(Administration(store: store, journal: journal, operatorName: user))
                }
            } catch let error as StoreError where error == .unavailable {
                throw CLIError("cannot reach PostgreSQL at \(PostgresSyncStore.target(of: url)); nothing was changed")
            }
        }
    }
}

extension Administration {
    /// The id of the team `text` names: a name, its start, or an id (the rules of `ClientLookup`); says on
    /// standard error which team, unless the text was its id.
    func teamId(_ text: String) async throws -> String {
        let found = try ClientLookup.find(
            text, among: try await store.teams().map { ClientLookup.Candidate(id: $0.id, name: $0.name) },
            kind: "team", listedBy: "`admin team list` lists them")
        sayWhatWasFound(found, kind: "team", typed: text)
        return found.candidate.id
    }

    /// The client `text` names: a name (as registered), its start, or an id; says on standard error which,
    /// unless the text was the id. `exact`: only the full id or the whole name will do (for what cannot be
    /// undone). Erased clients have no name left, only their id.
    func client(_ text: String, exact: Bool = false) async throws -> ClientRecord {
        let clients = try await store.clients()
        let found = try ClientLookup.find(
            text, among: clients.map { ClientLookup.Candidate(id: $0.id, name: $0.name) },
            kind: "client", listedBy: "`admin client list` lists them")
        guard !exact || found.isExact else {
            throw CLIError(
                "'\(text)' is only the start of \(found.candidate.name ?? found.candidate.id)'s name: give the whole "
                    + "name or the id (\(found.candidate.id)) for this, it cannot be undone")
        }
        sayWhatWasFound(found, kind: "client", typed: text)
        return clients.first { $0.id == found.candidate.id }!
    }

    /// The professional `text` names: a name, its start, or an id; says on standard error whom, unless the
    /// text was the id.
    func professional(_ text: String) async throws -> Professional {
        let professionals = try await store.professionals().map(\.professional)
        let found = try ClientLookup.find(
            text, among: professionals.map { ClientLookup.Candidate(id: $0.id, name: $0.name) },
            kind: "professional", listedBy: "`admin professional list` lists them")
        sayWhatWasFound(found, kind: "professional", typed: text)
        return professionals.first { $0.id == found.candidate.id }!
    }
}

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Manage teams, professionals, clients, devices and backups of the server's storage.",
        discussion: "Works while the server runs. Ids are printed alone on stdout.",
        subcommands: [
            TeamCommand.self, ProfessionalCommand.self, ClientCommand.self, AdminEnrollCommand.self,
            DeviceCommand.self, AuditCommand.self, CompactCommand.self, BackupCommand.self, RestoreCommand.self,
            KeysCommand.self,
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
            try await admin.options.withAdministration(creating: true) { administration in
                print(try await administration.createTeam(name: name).id)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List teams: id and name.")
        @ParentCommand var admin: AdminCommand
        @OptionGroup var output: ListFormatOptions

        func run() async throws {
            try await admin.options.withAdministration { administration in
                var list = ListOutput([("id", "id"), ("name", "name")])
                for team in try await administration.store.teams() { list.add([.text(team.id), .text(team.name)]) }
                try list.print(output.format)
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
        @Option(name: .customLong("team"), help: "A team: its name (or part of it) or id; repeat for several teams.") var teams: [String]

        func run() async throws {
            try await admin.options.withAdministration { administration in
                var teamIds: [String] = []
                for team in teams { teamIds.append(try await administration.teamId(team)) }
                let professional = try await administration.createProfessional(
                    name: name, discipline: discipline, teamIds: teamIds)
                print(professional.id)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List professionals: id, name, discipline, teams.")
        @ParentCommand var admin: AdminCommand
        @OptionGroup var output: ListFormatOptions

        func run() async throws {
            try await admin.options.withAdministration { administration in
                let teams = Dictionary(uniqueKeysWithValues: try await administration.store.teams().map { ($0.id, $0.name) })
                var list = ListOutput([("id", "id"), ("name", "name"), ("discipline", "discipline"), ("teams", "teams")])
                for record in try await administration.store.professionals() {
                    let professional = record.professional
                    list.add([
                        .text(professional.id), .text(professional.name), .text(professional.discipline.rawValue),
                        .list(record.teamIds.map { output.format == .json ? $0 : teams[$0] ?? $0 }),
                    ])
                }
                try list.print(output.format)
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
        @Option(help: "The team responsible for the client: its name (or part of it) or id.") var team: String

        func run() async throws {
            try await admin.options.withAdministration { administration in
                print(try await administration.createClient(name: name, teamId: try await administration.teamId(team)))
            }
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
        @OptionGroup var client: AdminClientArgument
        @Option(help: "The new team: its name (or part of it) or id.") var team: String

        func run() async throws {
            try await admin.options.withAdministration { administration in
                let client = try await administration.client(try self.client.text())
                try await administration.moveClient(client.id, toTeam: try await administration.teamId(team))
            }
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a client (AVG article 17); prints how many changes were removed.",
            discussion: """
                The content of every change about the client is removed from the server's database, and \
                every laptop holding the client removes it on its next sync (unsent writes stay in that laptop's \
                rejected list without their text). Only the fact that an id was erased remains. Recorded in the \
                audit log with the reason. The client's key is destroyed: what backups of the change log, or \
                PostgreSQL's rows not yet vacuumed, still hold of the client is sealed under a key that no longer \
                exists. Only key-store backups made earlier still hold the key, until they expire (keep them at \
                most 30 days: Deploy/README.md, "Encryption at rest"). A restore from an earlier backup erases \
                the client again (the key store and the operations journal record the erasure, without the \
                client's name).
                """)
        @ParentCommand var admin: AdminCommand
        @OptionGroup(title: "The client: the whole name (case and accents aside) or the id; not a part, since erasure cannot be undone")
        var client: AdminClientArgument
        @Option(help: "Why (e.g. the request's reference); one line, no personal data.") var reason: String

        func run() async throws {
            try await admin.options.withAdministration { administration in
                let client = try await administration.client(try self.client.text(), exact: true)
                print(try await administration.eraseClient(client.id, reason: reason))
            }
            if case .postgres = try StorageChoice(data: admin.options.data, postgres: admin.options.postgres) {
                printError(
                    "note: on PostgreSQL the erased rows stay on disk until you run "
                        + "VACUUM (FULL) changes, refused_changes; (it locks those tables while it runs; see Deploy/README.md)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List clients: id, name, team, registered, and when erased (an erased client keeps only its id).")
        @ParentCommand var admin: AdminCommand
        @OptionGroup var output: ListFormatOptions

        func run() async throws {
            try await admin.options.withAdministration { administration in
                let teams = Dictionary(uniqueKeysWithValues: try await administration.store.teams().map { ($0.id, $0.name) })
                var list = ListOutput([
                    ("id", "id"), ("name", "name"), ("team", output.format == .json ? "teamId" : "team"),
                    ("registered", "registeredAt"), ("erased", "erasedAt"),
                ])
                for client in try await administration.store.clients() {
                    list.add([
                        .text(client.id), client.name.map(ListValue.text) ?? .none,
                        .text(output.format == .json ? client.teamId : teams[client.teamId] ?? client.teamId),
                        .time(client.createdAt), client.erasedAt.map(ListValue.time) ?? .none,
                    ])
                }
                try list.print(output.format)
            }
        }
    }
}

/// The client of an admin command: given as the argument or as `--client`, like everywhere else.
struct AdminClientArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The client: a name (or part of it) or id.", valueName: "client"))
    var positional: String?
    @Option(name: .customLong("client"), help: ArgumentHelp("The same, as an option.", valueName: "client"))
    var option: String?

    func validate() throws {
        if positional != nil && option != nil { throw ValidationError("give the client once: as the argument or with --client") }
        if positional == nil && option == nil { throw ValidationError("give the client: a name or id, as the argument or with --client") }
    }

    /// The client as typed.
    func text() throws -> String {
        guard let text = positional ?? option else { throw ValidationError("give the client") }
        return text
    }
}

struct AdminEnrollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Issue a one-time enrollment code for a professional's laptop; prints the code.",
        discussion: "The code is shown once; the server keeps only its hash. It expires after --valid-hours.")

    @ParentCommand var admin: AdminCommand
    @Option(help: "The professional: their name (or part of it) or id.") var professional: String
    @Option(help: "Hours the code stays valid.") var validHours = 24

    func validate() throws {
        guard (1...24 * 30).contains(validHours) else { throw ValidationError("--valid-hours must be 1–720") }
    }

    func run() async throws {
        try await admin.options.withAdministration { administration in
            let professional = try await administration.professional(self.professional)
            let code = try await administration.issueEnrollmentCode(
                professionalId: professional.id, validForMillis: Int64(validHours) * 3_600_000)
            // The code opens this professional's caseload: say whose it is, always.
            printError("a code for \(professional.name) (\(professional.discipline.rawValue), \(professional.id)), valid \(validHours) h:")
            print(code)
        }
    }
}

struct CompactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Stop serving sync cursors older than --keep-days; prints the new horizon.",
        discussion: """
            Laptops that have not synced within that time rebuild their replica from the server on their next \
            sync, keeping their own writes. Refusals of pushed writes older than that are forgotten too.
            """)

    @ParentCommand var admin: AdminCommand
    @Option(help: "Days of sync history to keep serving incrementally.") var keepDays: Int

    func validate() throws {
        guard keepDays >= 1 else { throw ValidationError("--keep-days must be at least 1") }
    }

    func run() async throws {
        try await admin.options.withAdministration { administration in
            print(try await administration.compact(keepMillis: Int64(keepDays) * 86_400_000))
        }
    }
}
