public import ArgumentParser
public import Casework
import Foundation
import Replica
import SyncServer

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

    @Option(help: ArgumentHelp(
        "A file whose first line is the replica's passphrase (or set SAMENSPEL_PASSPHRASE; on a terminal it is asked).",
        valueName: "file"))
    var passphraseFile: String?

    /// Opens the enrolled replica, unlocked with its passphrase. A replica from before encryption at rest
    /// gets the passphrase now, so on a terminal it is asked twice.
    func open() throws -> Replica {
        let directory = try directory()
        let first = try Replica.needsFirstPassphrase(directory: directory)
        let (passphrase, source) = try passphrase(
            asking: first
                ? "This replica gets a passphrase now (it protects the case notes on this laptop): "
                : "Passphrase for \(directory): ",
            confirming: first)
        do {
            return try Replica(directory: directory, passphrase: passphrase)
        } catch let error as ReplicaError where error.code == ReplicaError.wrongPassphrase {
            // A try refused by the wait was not made: say only that.
            if error.message.hasPrefix("too many") { throw CLIError(error.message) }
            throw CLIError(
                "\(error.message) (the passphrase came from \(source)). A forgotten passphrase cannot be recovered: "
                    + "enroll again in another folder with a new code; this folder keeps its unsent writes.")
        }
    }

    /// The passphrase and where it came from: `--passphrase-file`, `SAMENSPEL_PASSPHRASE`, or asked on the
    /// terminal without echo (twice when `confirming`, for a new one).
    func passphrase(asking prompt: String, confirming: Bool = false) throws -> (text: String, source: String) {
        try Passphrase.read(
            file: passphraseFile, fileFlag: "--passphrase-file", environment: "SAMENSPEL_PASSPHRASE", prompt: prompt,
            confirming: confirming)
    }
}

/// `--scrypt-log-n`: how hard a new passphrase is made to guess (`enroll`, `passphrase change`).
struct ScryptCostOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "scrypt's cost for the passphrase, as log2 N (10-22, default 17: 128 MiB and about half a second per unlock). "
            + "Lower unlocks faster with less memory, and makes a stolen laptop's passphrase cheaper to guess.",
        valueName: "n"))
    var scryptLogN = 17

    func validate() throws {
        guard (10...22).contains(scryptLogN) else { throw ValidationError("--scrypt-log-n must be 10 to 22") }
    }

    /// The cost asked for.
    var cost: PassphraseCost { PassphraseCost(rounds: 1 << scryptLogN, blockSize: 8, parallelism: 1) }
}

/// Reading a passphrase where a script or a person gives it.
enum Passphrase {
    /// The first line of `file`, else the variable `environment` (removed from this process's environment
    /// once read), else asked on the terminal without echo. Returns it with where it came from.
    static func read(
        file: String?, fileFlag: String, environment: String, prompt: String, confirming: Bool
    ) throws -> (text: String, source: String) {
        if let file {
            // Also a pipe (`<(…)`, /dev/stdin), which FileManager cannot read.
            guard let handle = FileHandle(forReadingAtPath: file) else { throw CLIError("cannot read \(file)") }
            let text = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)  // nil: an empty file
            return (String(text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).first ?? ""), file)
        }
        if let value = ProcessInfo.processInfo.environment[environment], !value.isEmpty {
            unsetenv(environment)  // not passed on to programs this one starts (the browser, for one)
            return (value, environment)
        }
        guard isatty(STDIN_FILENO) == 1 else {
            throw CLIError("give the passphrase with \(fileFlag) FILE or \(environment) (no terminal to ask on)")
        }
        let first = ask(prompt)
        if confirming, ask("Again: ") != first { throw CLIError("the two passphrases differ") }
        return (first, "the terminal")
    }

    private static func ask(_ prompt: String) -> String {
        guard let typed = getpass(prompt) else { return "" }
        return String(cString: typed)
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
extension VacancyStatus: ExpressibleByArgument {}

/// A date option as people type it (`31-12-2026` or `2026-12-31`); a day that does not exist is named as such,
/// in the language of the command line (see ``messageLanguage()``).
func typedDate(_ text: String) throws -> CalendarDate {
    do {
        return try CalendarDate.parse(typed: text)
    } catch {
        throw ValidationError(error.message(in: messageLanguage()))
    }
}

/// The language of a message written while the options are still being parsed: `--lang`/`--language` on
/// the command line, else `SAMENSPEL_LANG`, else English.
func messageLanguage() -> Language {
    let arguments = CommandLine.arguments
    for (index, argument) in arguments.enumerated() {
        var value: String?
        if argument == "--lang" || argument == "--language", index + 1 < arguments.count { value = arguments[index + 1] }
        if argument.hasPrefix("--lang=") { value = String(argument.dropFirst(7)) }
        if argument.hasPrefix("--language=") { value = String(argument.dropFirst(11)) }
        if let value, let language = Language(rawValue: value.lowercased()) { return language }
    }
    return ((try? Settings.value(nil as Language?, "SAMENSPEL_LANG")) ?? nil) ?? .en
}

extension Responsible: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(code: argument)
    }

    public static var allValueStrings: [String] { ["client"] + Discipline.allCases.map(\.rawValue) }
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

/// The id of the client `text` names in `replica` (a name, its start, or an id; see `ClientLookup`). Unless
/// the text was the full id, says on standard error whom it found, and who else fits: what a short name
/// means can change when a colleague registers a client with a name like it.
func lookUpClient(_ text: String, in replica: Replica) async throws -> String {
    let found = try await replica.findClient(text)
    sayWhatWasFound(found, kind: "client", typed: text)
    return found.candidate.id
}

/// Says on standard error which candidate a name found, unless it was a full id.
func sayWhatWasFound(_ found: ClientLookup.Found, kind: String, typed: String) {
    guard !found.byFullId else { return }
    let also = found.alsoFitting.isEmpty ? ""
        : "; also fitting '\(typed)': " + found.alsoFitting.map { $0.name ?? $0.id }.joined(separator: ", ")
    printError("\(kind): \(found.candidate.name ?? "") (\(found.candidate.id))\(also)")
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// The server's files outside its database, for `serve` and `admin` alike: the operations journal, the audit
/// log's key and its anchors.
struct ServerFileOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The operations journal: admin actions and enrollments, redone after a restore [SAMENSPEL_JOURNAL] (with --data: DIR/samenspel-journal.jsonl; with --postgres: none unless given).",
        valueName: "file"))
    var journal: String?

    @Option(help: ArgumentHelp(
        "The audit log's key (HMAC of its hash chain), created if missing; give admin the server's [SAMENSPEL_AUDIT_KEY] (with --data: DIR/samenspel-audit.key; with --postgres: none unless given).",
        valueName: "file"))
    var auditKey: String?

    @Option(help: ArgumentHelp(
        "Where the server records the audit log's head, for 'audit verify' [SAMENSPEL_AUDIT_ANCHORS] (with --data: DIR/samenspel-audit-anchors.jsonl; with --postgres: none unless given).",
        valueName: "file"))
    var auditAnchors: String?

    @Option(help: ArgumentHelp(
        "The master key file that wraps the clients' keys; keep it apart from backups [SAMENSPEL_MASTER_KEY] (with --data: DIR/samenspel-master.key, created if missing; with --postgres: required, the same file for every instance, or --master-key-command).",
        valueName: "file"))
    var masterKey: String?

    @Option(help: ArgumentHelp(
        "A command of your key management that prints the master key, instead of a file [SAMENSPEL_MASTER_KEY_COMMAND].",
        valueName: "command"))
    var masterKeyCommand: String?

    @Option(help: ArgumentHelp(
        "The key store with the clients' keys, SQLite only [SAMENSPEL_KEY_STORE] (DIR/samenspel-keys.sqlite).",
        valueName: "file"))
    var keyStore: String?

    /// The master key given by `--master-key-command` or `--master-key` (or their variables); `nil` when
    /// neither is (a SQLite store then reads, or creates, the file beside its database).
    func configuredMasterKey(creating: Bool = true) throws -> MasterKey? {
        let command = try Settings.value(masterKeyCommand, "SAMENSPEL_MASTER_KEY_COMMAND") as String?
        let file = try Settings.value(masterKey, "SAMENSPEL_MASTER_KEY") as String?
        switch (command, file) {
        case (_?, _?): throw CLIError("give the master key as a file (--master-key) or a command (--master-key-command), not both")
        case (let command?, nil): return try MasterKey.load(.command(command))
        case (nil, let file?): return try MasterKey.load(.file(file), creating: creating)
        case (nil, nil): return nil
        }
    }

    /// The master key for PostgreSQL, which must be given one (every instance and admin the same): a file
    /// is never created here, so that no instance makes a key of its own.
    func postgresMasterKey() throws -> MasterKey {
        guard let key = try configuredMasterKey(creating: false) else {
            throw CLIError(
                "PostgreSQL needs the master key that wraps the clients' keys: --master-key FILE (the same file for every "
                    + "instance and admin; make the first with `(umask 077; openssl rand -hex 32 > FILE)`) or "
                    + "--master-key-command CMD (or SAMENSPEL_MASTER_KEY)")
        }
        return key
    }

    /// The audit anchors file: `--audit-anchors`, else `SAMENSPEL_AUDIT_ANCHORS`, else next to a SQLite
    /// database; none for PostgreSQL unless given.
    func auditAnchorLog(for choice: StorageChoice) throws -> AuditAnchorLog? {
        if let path = try Settings.value(auditAnchors, "SAMENSPEL_AUDIT_ANCHORS") as String? { return AuditAnchorLog(path: path) }
        if case .sqlite(let directory) = choice { return AuditAnchorLog(path: AuditAnchorLog.defaultPath(dataDirectory: directory)) }
        return nil
    }

    /// The operations journal: `--journal`, else `SAMENSPEL_JOURNAL`, else next to a SQLite database; none for
    /// PostgreSQL unless given (several instances must share one file).
    func operationsJournal(for choice: StorageChoice) throws -> OperationsJournal? {
        if let path = try Settings.value(journal, "SAMENSPEL_JOURNAL") as String? { return OperationsJournal(path: path) }
        if case .sqlite(let directory) = choice {
            return OperationsJournal(path: OperationsJournal.defaultPath(dataDirectory: directory))
        }
        return nil
    }

    /// The SQLite store of `directory`, with the audit key given (by default the one beside the database).
    func sqliteStore(_ directory: String, keyStoreMayBeEmpty: Bool = false) throws -> SQLiteSyncStore {
        try SQLiteSyncStore(
            directory: directory, auditKeyPath: try Settings.value(auditKey, "SAMENSPEL_AUDIT_KEY"),
            masterKey: try configuredMasterKey(),
            keyStorePath: try Settings.value(keyStore, "SAMENSPEL_KEY_STORE"), keyStoreMayBeEmpty: keyStoreMayBeEmpty)
    }

    /// The audit key for PostgreSQL: loaded (created if missing) when a file is given; none otherwise.
    func postgresAuditKey() throws -> AuditKey? {
        try (Settings.value(auditKey, "SAMENSPEL_AUDIT_KEY") as String?).map { try AuditKey.load(path: $0) }
    }
}
