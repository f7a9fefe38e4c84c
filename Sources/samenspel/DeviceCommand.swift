import ArgumentParser
import Casework
import ChangeLog
import Foundation
import SyncServer

struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device", abstract: "List and revoke enrolled devices.", subcommands: [List.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List devices: id, professional, enrolled, last seen, revoked.")
        @ParentCommand var admin: AdminCommand

        func run() async throws {
            try await admin.options.withAdministration { administration in
                for device in try await administration.store.devices() {
                    let columns = [
                        device.id, device.professional.id, device.professional.name, device.name ?? "",
                        CalendarTime.iso8601(millis: device.enrolledAt),
                        device.lastSeenAt.map { CalendarTime.iso8601(millis: $0) } ?? "never",
                        device.revokedAt.map { "revoked " + CalendarTime.iso8601(millis: $0) } ?? "active",
                    ]
                    print(columns.joined(separator: "\t"))
                }
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
        abstract: "Show the audit log (every push, pull and admin action), or verify its hash chain.",
        subcommands: [Show.self, Verify.self], defaultSubcommand: Show.self)

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show audit entries, oldest first.")
        @ParentCommand var admin: AdminCommand
        @Option(help: "Only entries about this client.") var client: String?
        @Option(help: "Only entries by this professional.") var professional: String?
        @Option(help: "text or json.") var format: JourneyFormat = .text

        enum JourneyFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

        func run() async throws {
            try await admin.options.withAdministration { administration in
                let entries = try await administration.store.auditEntries(clientId: client, actor: professional)
                switch format {
                case .json:
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    for entry in entries { print(String(decoding: try encoder.encode(entry), as: UTF8.self)) }
                case .text:
                    for entry in entries {
                        let details = entry.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                        print(
                            [String(entry.seq ?? 0), CalendarTime.iso8601(millis: entry.at), entry.action, entry.result,
                             entry.actor, entry.deviceId ?? "-", entry.clientIds.joined(separator: ","), details,
                             entry.origin ?? "-"].joined(separator: "\t"))
                    }
                }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the hash chain; exits 1 if it is broken.",
            discussion: """
                Prints the last entry as an anchor (SEQ:HASH) on stdout. Keep it outside the server (a ticket, \
                the log shipper); `audit verify --anchor SEQ:HASH` later also proves that no entry up to it was \
                removed — which the chain alone cannot show for entries cut off at the end. The chain is an HMAC \
                under the audit key (--audit-key, by default samenspel-audit.key in the data folder): give the \
                same key as the server.
                """)
        @ParentCommand var admin: AdminCommand
        @Option(help: ArgumentHelp("An anchor printed by an earlier verify, that must still hold.", valueName: "seq:hash"))
        var anchor: String?

        func run() async throws {
            let expected = try anchor.map { text in
                guard let anchor = AuditAnchor(text) else {
                    throw ValidationError("--anchor must be SEQ:HASH as an earlier 'audit verify' printed it")
                }
                return anchor
            }
            try await admin.options.withAdministration { administration in
                let result = try await administration.store.verifyAudit(anchor: expected)
                if result.needsKey {
                    printError(
                        "the audit log is chained under a key this command was not given (--audit-key or "
                            + "SAMENSPEL_AUDIT_KEY, as the server has it): it cannot be verified")
                    throw ExitCode.failure
                }
                if let broken = result.firstBroken {
                    let at = result.firstBrokenAt.map { " (written " + CalendarTime.iso8601(millis: $0) + ", as it says)" } ?? ""
                    printError(
                        "the audit log is BROKEN at entry \(broken)\(at), the first of \(result.entries) checked that does not "
                            + "verify: it, or an entry before it, was altered, or it was written without the audit key")
                    throw ExitCode.failure
                }
                if let expected, result.anchorHolds == false {
                    printError("the audit log does NOT hold the anchor \(expected): entries up to \(expected.seq) were removed or replaced")
                    throw ExitCode.failure
                }
                printError("the audit log is intact: \(result.entries) entries, hash chain verified"
                    + (expected.map { ", anchor \($0.seq) holds" } ?? ""))
                if let last = result.last { print(last) }
            }
        }
    }
}
