import ArgumentParser
import Foundation
import SyncProtocol
import SyncServer

/// `samenspel admin keys`: the key store and the master key.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "The clients' keys and the master key that wraps them: status, rotate, backup, restore.",
        discussion: """
            Every client's case notes are sealed under a key of its own, kept in the key store apart from \
            the change log and wrapped by the master key (--master-key or --master-key-command). Erasing a \
            client destroys its key. Protocol/README.md, "Encryption at rest", describes the hierarchy.
            """,
        subcommands: [Status.self, Rotate.self, Backup.self, Restore.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keys per master key generation, keys destroyed, and changes sealed.")
        @ParentCommand var admin: AdminCommand

        func run() async throws {
            try await admin.options.withAdministration { administration in
                let status = try await administration.store.keyStatus()
                let master = administration.store.keyring.master
                print("master key: \(master.source), generations \(master.generations.map(String.init).joined(separator: ", "))")
                for generation in status.keysByGeneration.keys.sorted() {
                    print("client keys under generation \(generation): \(status.keysByGeneration[generation]!)")
                }
                print("client keys destroyed by erasures: \(status.destroyed)")
                print("changes sealed: \(status.sealedChanges); erasure records (no content): \(status.plainChanges - status.unsealedContent)")
                if !status.missingKeys.isEmpty {
                    print(
                        "clients whose keys the key store lacks: \(status.missingKeys.joined(separator: ", ")) — their "
                            + "notes cannot be read or synced: put back the newest key-store backup (admin keys restore "
                            + "--from FILE); if no backup holds the key, the notes are lost: erase the client (admin "
                            + "client erase ID) so that the team's laptops sync again")
                }
                if status.unsealedContent > 0 {
                    print(
                        "changes with content not sealed: \(status.unsealedContent) (of clients whose keys were destroyed, "
                            + "in a change log restored from before their erasure): start the server, or run `admin restore`, "
                            + "to erase them again")
                }
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a new master key generation and rewrap every client key under it, while the server runs.",
            discussion: """
                With --master-key FILE the file gets the new generation (older ones stay, so that key-store \
                backups made before can still be restored; remove a line once those backups have expired). \
                With --master-key-command, add the new generation in your key management first. Audited.
                """)
        @ParentCommand var admin: AdminCommand

        func run() async throws {
            let rotation = try await admin.options.withAdministration { try await $0.rotateMasterKey() }
            printError(
                "master key generation \(rotation.to) started; \(rotation.rewrapped) client key(s) rewrapped from generation "
                    + "\(rotation.from) and older")
        }
    }

    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the key store (wrapped keys, no master key) to --to FILE.",
            discussion: """
                Keep key-store backups apart from the change log's, and no longer than the time you allow \
                an erasure to take (at most a month under AVG article 12(3)): a client erased after a \
                key-store backup can be read from old change-log backups only while that key-store backup \
                exists.
                """)
        @ParentCommand var admin: AdminCommand
        @Option(help: ArgumentHelp("The file to create (must not exist).", valueName: "file")) var to: String

        func run() async throws {
            let to = self.to
            let keys = try await admin.options.withAdministration { try await $0.backupKeys(to: to) }
            printError("backed up \(keys) client key(s) to \(to)")
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put back the keys of a key-store backup that the key store lacks.",
            discussion: """
                Keys destroyed since the backup stay destroyed, and keys of clients the change log says are \
                erased are destroyed again.
                """)
        @ParentCommand var admin: AdminCommand
        @Option(help: ArgumentHelp("The key-store backup.", valueName: "file")) var from: String

        func run() async throws {
            let from = self.from
            let (added, reconciliation) = try await admin.options.withAdministration(keyStoreMayBeEmpty: true) {
                try await $0.restoreKeys(from: from)
            }
            printError("put back \(added) client key(s) from \(from); destroyed again: \(reconciliation.keysDestroyed)")
            for clientId in reconciliation.erasedAgain { printError("erased again: client \(clientId)") }
        }
    }
}
