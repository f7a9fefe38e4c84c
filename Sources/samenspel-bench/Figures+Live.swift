import AsyncHTTPClient
import Casework
import Foundation
import Logging
import Replica
import SyncServer
import Synchronization

extension Figures {
    // MARK: Live sync

    /// 200 laptops in teams of ten keep the server's event stream open (`BackgroundSync`, live, with an hour
    /// between interval syncs, so only a poke brings a change). In turn, one laptop per team writes a note
    /// and sends it at once, as the app does after a write; the figure is the time from the write until each
    /// of its nine colleagues' replicas has pulled it. All laptops share the benchmark's process, on the
    /// server's two cores. On SQLite one server; on PostgreSQL two instances, with the laptops of a team
    /// spread over both, so every delivery to the other instance goes by its notification.
    static func live(_ sizes: Sizes, _ folder: String, _ backend: BenchBackend, _ report: inout Report) async throws {
        let office = try await Office(directory: folder, clients: sizes.clients, backend: backend)
        var servers = [office.server]
        if case .postgresql = backend { servers.append(try office.anotherInstance()) }
        defer { for instance in servers.dropFirst() { instance.stop() } }
        report.add(try await measureLive(
            sizes, backend: backend, instances: servers.count,
            addTeam: { name in try await office.addTeam(name, clients: 3) },
            enroll: { name, discipline, team, index in
                try await office.enroll(name, discipline: discipline, team: team, server: servers[index % servers.count])
            }))
    }

    private final class Pulled: Sendable {
        /// When the laptop last finished a sync that brought changes (seconds, `now()`).
        let at = Mutex<Double>(0)
    }

    private static func measureLive(
        _ sizes: Sizes, backend: BenchBackend, instances: Int,
        addTeam: (String) async throws -> (team: String, clients: [String]),
        enroll: (String, Discipline, String, Int) async throws -> Laptop
    ) async throws -> Figure {
        let disciplines: [Discipline] = [.clientManager, .incomeConsultant, .accountManager]
        let teamSize = min(10, sizes.devices)
        var teams: [(clients: [String], laptops: [(Laptop, BackgroundSync, Pulled)])] = []
        var tasks: [Task<Void, Never>] = []
        defer { for task in tasks { task.cancel() } }
        var team = (team: "", clients: [String]())
        for index in 0..<sizes.devices {
            if index % teamSize == 0 {
                team = try await addTeam("Team \(index / teamSize)")
                teams.append((team.clients, []))
            }
            let laptop = try await enroll("Professional \(index)", disciplines[index % 3], team.team, index)
            try await laptop.sync()
            let background = BackgroundSync(replica: laptop.replica, interval: 3600, transport: laptop.transport, live: true)
            let pulled = Pulled()
            tasks.append(Task { await background.run() })
            tasks.append(Task {
                var seen: Int64?
                for await state in await background.states() {
                    guard let at = state.lastSuccessAt, at != seen else { continue }
                    seen = at
                    if (state.lastReport?.pulled ?? 0) > 0 { pulled.at.withLock { $0 = now() } }
                }
            })
            teams[teams.count - 1].laptops.append((laptop, background, pulled))
        }
        // Every stream open before the first write.
        for (_, background, _) in teams.flatMap(\.laptops) {
            while await !background.state.live { try await Task.sleep(for: .milliseconds(20)) }
        }
        var latencies: [Double] = []
        var missed = 0
        var text = NoteText(seed: 11)
        for round in 0..<(3 * teams.count) {
            let members = teams[round % teams.count]
            let writer = (round / teams.count) % members.laptops.count
            let (laptop, background, _) = members.laptops[writer]
            _ = try await laptop.replica.addNote(
                clientId: members.clients[round % members.clients.count], NoteContent(text: text.make()))
            let written = now()
            await background.syncNow()
            var waiting = Array(members.laptops.indices.filter { $0 != writer })
            while !waiting.isEmpty && now() - written < 10 {
                try await Task.sleep(for: .milliseconds(2))
                waiting.removeAll { index in
                    let at = members.laptops[index].2.at.withLock { $0 }
                    guard at > written else { return false }
                    latencies.append(at - written)
                    return true
                }
            }
            missed += waiting.count
        }
        let p99 = quantile(latencies, 0.99) * 1000
        return Figure(
            id: "live", backend: backend.name,
            name: "live: a colleague's write to \(sizes.devices) watching laptops, \(instances) server instance\(instances == 1 ? "" : "s") (p99)",
            value: p99, unit: "ms",
            baseline: nil, baselineName: nil, ratio: nil, target: "≤ 1000 ms p99, none missed",
            met: p99 <= 1000 && missed == 0,
            details: [
                "p50ms": String(format: "%.0f", quantile(latencies, 0.5) * 1000),
                "maxms": String(format: "%.0f", (latencies.max() ?? 0) * 1000),
                "deliveries": String(latencies.count), "missedAfter10s": String(missed), "teams": String(teams.count),
            ])
    }
}
