import ArgumentParser
import Casework
import ChangeLog
import Replica

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show who this replica is, pending writes, refused writes and the last sync.")

    @OptionGroup var options: ReplicaOptions

    func run() async throws {
        let status = try await options.open().status()
        let identity = status.identity
        print("professional: \(identity.professional.name) (\(identity.professional.discipline.label))")
        print("server:       \(identity.serverURL)")
        print("device:       \(identity.deviceId)")
        print("clients:      \(status.clientCount)")
        print("changes:      \(status.changeCount)")
        print("pending:      \(status.pendingChanges) write(s) not yet on the server")
        if !status.waiting.isEmpty {
            print("waiting:      \(status.waiting.count) of them the server cannot place yet; sent again at every sync")
            for waiting in status.waiting {
                let change = waiting.change
                print(
                    "  \(change.id)  \(change.entityType).\(change.operation) \(change.entityId) client \(change.clientId) "
                        + "— \(waiting.code): \(waiting.message)")
            }
        }
        print("last sync:    \(status.lastSyncAt.map { ListValue.time($0).shown } ?? "never")")
        print("rejected:     \(status.rejected.count)"
            + (status.rejected.isEmpty ? "" : " (once dealt with: samenspel rejected ack CHANGE_ID)"))
        for rejected in status.rejected {
            // The change id first: it is what `rejected ack` takes.
            let change = rejected.change
            print(
                "  \(change.id)  \(ListValue.time(rejected.rejectedAt).shown)  "
                    + "\(change.entityType).\(change.operation) \(change.entityId) client \(change.clientId) "
                    + "— \(rejected.code): \(rejected.message)")
        }
    }
}

struct ClientsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clients", abstract: "List the clients in this replica: id, name, changes, last activity.")

    @OptionGroup var options: ReplicaOptions
    @OptionGroup var output: ListFormatOptions

    func run() async throws {
        var list = ListOutput([("id", "id"), ("name", "name"), ("changes", "changes"), ("last activity", "lastActivityAt")])
        for client in try await options.open().clients() {
            list.add([
                .text(client.id), client.name.map(ListValue.text) ?? .none, .number(Int64(client.changeCount)),
                .time(client.lastActivity.wallMillis),
            ])
        }
        try list.print(output.format)
    }
}
