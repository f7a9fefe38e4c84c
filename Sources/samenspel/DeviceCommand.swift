import ArgumentParser
import Casework
import ChangeLog
import Foundation
import SyncProtocol
import SyncServer

struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device", abstract: "List and revoke enrolled devices.", subcommands: [List.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List devices: id, professional, device name, enrolled, last seen, revoked.")
        @ParentCommand var admin: AdminCommand
        @OptionGroup var output: ListFormatOptions

        func run() async throws {
            try await admin.options.withAdministration { administration in
                var list = ListOutput([
                    ("id", "id"), ("professional", "professional"), ("professional id", "professionalId"),
                    ("device", "name"), ("enrolled", "enrolledAt"), ("last seen", "lastSeenAt"), ("revoked", "revokedAt"),
                ])
                for device in try await administration.store.devices() {
                    list.add([
                        .text(device.id), .text(device.professional.name), .text(device.professional.id),
                        device.name.map(ListValue.text) ?? .none, .time(device.enrolledAt),
                        device.lastSeenAt.map(ListValue.time) ?? .none, device.revokedAt.map(ListValue.time) ?? .none,
                    ])
                }
                try list.print(output.format)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a device (lost or stolen laptop): on its next contact it wipes its replica.",
            discussion: """
                Recorded in the operations journal too: a restore from a backup made before the revocation \
                revokes the device again before the server serves.
                """)
        @ParentCommand var admin: AdminCommand
        @Argument(help: "The device's id.") var deviceId: String

        func run() async throws {
            try await admin.options.withAdministration { administration in
                try await administration.revokeDevice(deviceId)
                printError("revoked \(deviceId); the laptop wipes its replica on its next contact with the server")
            }
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show the audit log (every push, pull and admin action), verify its hash chain, or rotate its key.",
        subcommands: [Show.self, Verify.self, RotateKey.self], defaultSubcommand: Show.self)

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show audit entries, oldest first.")
        @ParentCommand var admin: AdminCommand
        @Option(
            help: "Only entries about this client: a name (or part of it) or an id; an erased client by its id.")
        var client: String?
        @Option(help: "Only entries by this professional: a name, its start, or an id.") var professional: String?
        @OptionGroup var output: ListFormatOptions

        func run() async throws {
            try await admin.options.withAdministration { administration in
                var actor: String?
                if let professional { actor = try await administration.professional(professional).id }
                var clientId: String?
                if let client {
                    // An id the directory no longer knows may still be in the log (a restore, a compaction).
                    let id = client.trimmingCharacters(in: .whitespaces).lowercased()
                    clientId = Identifier.isValid(id) ? id : try await administration.client(client).id
                }
                let entries = try await administration.store.auditEntries(clientId: clientId, actor: actor)
                switch output.format {
                case .json:
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    for entry in entries { print(String(decoding: try encoder.encode(entry), as: UTF8.self)) }
                case .text:
                    // People read names; the ids stay in --format json.
                    let names = Dictionary(
                        try await administration.store.professionals().map { ($0.professional.id, $0.professional.name) }
                            + administration.store.clients().compactMap { client in client.name.map { (client.id, $0) } },
                        uniquingKeysWith: { first, _ in first })
                    var list = ListOutput([
                        ("seq", ""), ("at", ""), ("action", ""), ("result", ""), ("actor", ""), ("device", ""),
                        ("origin", ""), ("clients", ""), ("details", ""),
                    ])
                    for entry in entries {
                        let details = entry.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                        list.add([
                            .number(entry.seq ?? 0), .time(entry.at), .text(entry.action), .text(entry.result),
                            .text(names[entry.actor] ?? entry.actor), entry.deviceId.map(ListValue.text) ?? .none,
                            entry.origin.map(ListValue.text) ?? .none, .list(entry.clientIds.map { names[$0] ?? $0 }),
                            .text(details),
                        ])
                    }
                    try list.print(.text)
                }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the hash chain and the anchors; exits 1 if either is broken.",
            discussion: """
                The chain is an HMAC under the audit key (--audit-key, by default samenspel-audit.key in the \
                data folder): give the same key file as the server. The server also records the log's head \
                from time to time in the anchors file (--audit-anchors; by default samenspel-audit-anchors.jsonl \
                in the data folder): every anchor since the last restore must still be in the log with its \
                hash, which shows entries cut off at the end or a rewritten tail — what the chain alone cannot. \
                Prints the last entry as an anchor (SEQ:HASH) on stdout; `--anchor SEQ:HASH` checks one kept \
                elsewhere (a ticket, the log shipper) as well.
                """)
        @ParentCommand var admin: AdminCommand
        @Option(help: ArgumentHelp("An anchor printed by an earlier verify, that must still hold.", valueName: "seq:hash"))
        var anchor: String?
        @Flag(help: "Fail when the anchors file is missing or holds no anchor (for a server that has been running; the daily timer sets it).")
        var requireAnchors = false

        func run() async throws {
            let expected = try anchor.map { text in
                guard let anchor = AuditAnchor(text) else {
                    throw ValidationError("--anchor must be SEQ:HASH as an earlier 'audit verify' printed it")
                }
                return anchor
            }
            let anchorLog = try admin.options.files.auditAnchorLog(
                for: try StorageChoice(data: admin.options.data, postgres: admin.options.postgres))
            let requireAnchors = self.requireAnchors
            try await admin.options.withAdministration { administration in
                let key = administration.store.auditKey
                let recorded = try anchorLog?.read(key: key) ?? AuditAnchorLog.Contents()
                let anchors = recorded.anchors + (expected.map { [$0] } ?? [])
                let result = try await administration.store.verifyAudit(anchors: anchors)
                if result.needsKey {
                    let generation = result.missingGeneration.map { " (generation \($0))" } ?? ""
                    printError(
                        "the audit log is chained under a key\(generation) this command was not given (--audit-key or "
                            + "SAMENSPEL_AUDIT_KEY, the server's current file): it cannot be verified")
                    throw ExitCode.failure
                }
                if let broken = result.firstBroken {
                    let at = result.firstBrokenAt.map { " (written " + ListValue.time($0).shown + ", as it says)" } ?? ""
                    printError(
                        "the audit log is BROKEN at entry \(broken)\(at), the first of \(result.entries) checked that does not "
                            + "verify: it, or an entry before it, was altered, or it was written without the audit key "
                            + "(or the key given is not the one the server writes with)")
                    throw ExitCode.failure
                }
                if let key, key.generation > max(result.newestGeneration, 1) {
                    printError(
                        "the audit key \(key.path) has generation \(key.generation), but the log records no rotation to it: "
                            + "entries since the rotation were cut off (or a rotation stopped before recording it; the next "
                            + "entry of the server records it)")
                    throw ExitCode.failure
                }
                if let failed = result.failedAnchor {
                    let source = recorded.writtenAt[failed.seq].map {
                        "recorded in \(anchorLog?.path ?? "the anchors file") at " + ListValue.time($0).shown
                    } ?? "given with --anchor"
                    let how = failed.seq > (result.last?.seq ?? 0)
                        ? "the log ends at entry \(result.last?.seq ?? 0): entries up to \(failed.seq) were cut off"
                        : "that entry has another hash now: entries up to it were removed or replaced"
                    printError("the audit log does NOT hold the anchor \(failed.seq) (\(source)): \(how)")
                    throw ExitCode.failure
                }
                let path = anchorLog?.path ?? ""
                if !recorded.unverifiedLines.isEmpty {
                    printError(
                        "the anchors file \(path) has \(recorded.unverifiedLines.count) line(s) that do not verify under the "
                            + "audit key (lines \(recorded.unverifiedLines.prefix(10).map(String.init).joined(separator: ", "))): "
                            + "it was edited, or written under a key this command was not given")
                    throw ExitCode.failure
                }
                if !recorded.unreadableLines.isEmpty {
                    printError(
                        "note: line(s) \(recorded.unreadableLines.prefix(10).map(String.init).joined(separator: ", ")) of \(path) "
                            + "do not read (cut off by a crash while being written); the lines after them verify")
                }
                if recorded.anchors.isEmpty {
                    let why = anchorLog == nil ? "no anchors file was given (--audit-anchors)"
                        : recorded.exists ? "the anchors file \(path) holds no anchor" : "there is no anchors file \(path)"
                    printError(
                        "\(requireAnchors ? "" : "warning: ")\(why): entries cut off at the end of the log cannot be detected "
                            + "(a running server records anchors; give the file it writes)")
                    if requireAnchors { throw ExitCode.failure }
                }
                var held = ""
                if !anchors.isEmpty { held = ", \(anchors.count) anchor(s) hold" }
                if let restoredAt = recorded.restoredAt {
                    held += " (since the restore of " + ListValue.time(restoredAt).shown
                        + "; \(recorded.anchorsBeforeRestore) earlier anchor(s) describe the history it replaced)"
                }
                printError("the audit log is intact: \(result.entries) entries, hash chain verified\(held)")
                if let last = result.last { print(last) }
            }
        }
    }

    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Start a new generation of the audit key; entries from now on are chained under it.",
            discussion: """
                Rotate when the key may have been read by someone who should not have it, or as the \
                municipality's key policy asks. The key file gets the new generation (old ones stay, so the \
                entries chained under them still verify), then the log records the rotation \
                (admin.auditKeyRotated), and the anchors file an anchor under the new generation. A running \
                server with the same file picks the new generation up within a second. With several \
                instances, copy the new file to every instance at once: an instance with the old file refuses \
                to write audit entries after a newer generation's (503) until it has it.
                """)
        @ParentCommand var admin: AdminCommand

        func run() async throws {
            let anchorLog = try admin.options.files.auditAnchorLog(
                for: try StorageChoice(data: admin.options.data, postgres: admin.options.postgres))
            try await admin.options.withAdministration { administration in
                guard administration.store.auditKey != nil else {
                    throw CLIError("this database has no audit key to rotate: give --audit-key FILE (as the server has it)")
                }
                let rotated = try await administration.rotateAuditKey()
                // An anchor under the new generation at once: lines of an older one cannot follow it.
                if let anchorLog, let head = try await administration.store.auditHead() {
                    try anchorLog.append(head, at: WallClock.millis(), key: rotated)
                }
                printError(
                    "the audit key \(rotated.path) is now at generation \(rotated.generation); give the new file to every "
                        + "server instance and keep a copy where the database's administrators cannot read it")
            }
        }
    }
}
