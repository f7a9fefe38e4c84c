import ArgumentParser
import Replica

struct PassphraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passphrase",
        abstract: "The passphrase that unlocks this laptop's replica.",
        subcommands: [Change.self])

    struct Change: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give the replica a new passphrase (the current one is needed).",
            discussion: """
                Only the wrapping of the device key changes, so it takes a moment whatever the replica holds, \
                and the old wrapping leaves the files at once. The current passphrase comes as for every \
                command (a terminal asks; SAMENSPEL_PASSPHRASE or --passphrase-file); the new one from \
                --new-passphrase-file, SAMENSPEL_NEW_PASSPHRASE, or asked twice on a terminal.
                """)

        @OptionGroup var options: ReplicaOptions
        @Option(help: ArgumentHelp("A file whose first line is the new passphrase.", valueName: "file"))
        var newPassphraseFile: String?
        @OptionGroup var scrypt: ScryptCostOption

        func run() throws {
            let directory = try options.directory()
            let (current, _) = try options.passphrase(asking: "Current passphrase for \(directory): ")
            let (new, _) = try Passphrase.read(
                file: newPassphraseFile, fileFlag: "--new-passphrase-file", environment: "SAMENSPEL_NEW_PASSPHRASE",
                prompt: "New passphrase: ", confirming: true)
            let replica = try Replica(directory: directory, passphrase: current)
            try replica.changePassphrase(
                from: current, to: new, cost: scrypt.cost)
            printError("the replica in \(directory) has a new passphrase")
        }
    }
}
