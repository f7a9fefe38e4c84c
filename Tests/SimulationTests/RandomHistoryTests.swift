import Foundation
import SamenspelTestSupport
import Testing

/// Property: whatever happens on the way — writes of every kind, faults, crashes, restarts, moves, skewed
/// clocks on laptops and on the administrator's host, restores of the server from a backup, erasures —
/// after a quiet round every replica that can see a client shows the server's journey byte for byte, every
/// write the server stored is everywhere exactly once, every write it refused is in its author's rejected
/// list (none for a clock dragged ahead), and nothing of an erased client is left in any file.
///
/// Every history runs on the in-memory reference store, on SQLite and, when a PostgreSQL server is configured
/// (always in CI), on PostgreSQL: the same seeds, so the same writes, faults and operations, with backups and
/// restores made by each backend's own tools.
///
/// `SAMENSPEL_SIM_HISTORIES` sets how many histories run on SQLite (default 200, in four shards that run in
/// parallel), `SAMENSPEL_SIM_MEMORY_HISTORIES` on the in-memory store (default 200, the same seeds),
/// `SAMENSPEL_SIM_POSTGRES_HISTORIES` on PostgreSQL (default 60: each history there creates databases and
/// runs `pg_dump`/`pg_restore`), `SAMENSPEL_SIM_SEED` replays one, `SAMENSPEL_SIM_STEPS` sets
/// the steps per history (60). A history that breaks an invariant or throws prints its backend and seed
/// (and, for a throw, the step it threw at).
@Suite struct RandomHistoryTests {
    static let shards = 4

    @Test(arguments: SimulatedServer.Backend.allCases, 0..<shards)
    func randomHistories_convergeWithoutLosingOrDoublingAWrite(backend: SimulatedServer.Backend, shard: Int) async throws {
        guard backend != .postgres || PostgresTestDatabase.enabled else { return }
        let environment = ProcessInfo.processInfo.environment
        let seeds: [UInt64]
        if let seed = environment["SAMENSPEL_SIM_SEED"].flatMap(UInt64.init) {
            seeds = shard == 0 ? [seed] : []
        } else {
            let count = switch backend {
            case .memory: environment["SAMENSPEL_SIM_MEMORY_HISTORIES"].flatMap(Int.init) ?? 200
            case .sqlite: environment["SAMENSPEL_SIM_HISTORIES"].flatMap(Int.init) ?? 200
            case .postgres: environment["SAMENSPEL_SIM_POSTGRES_HISTORIES"].flatMap(Int.init) ?? 60
            }
            seeds = (1...UInt64(max(count, 1))).filter { count > 0 && Int($0) % Self.shards == shard }.map { $0 &* 0x9E37_79B9 }
        }
        let steps = environment["SAMENSPEL_SIM_STEPS"].flatMap(Int.init) ?? 60
        let started = ContinuousClock.now
        var totals: [String: Int] = [:]
        for seed in seeds {
            let simulation: Simulation
            let problems: [String]
            do {
                simulation = try await Simulation(seed: seed, steps: steps, backend: backend)
            } catch {
                Issue.record(error, "\(backend) history with seed \(seed) could not start — replay with SAMENSPEL_SIM_SEED=\(seed)")
                return
            }
            do {
                problems = try await simulation.run()
            } catch {
                // A crash reopen, a move or a read that throws ends the history: say which one, and where.
                let (stage, trace) = (await simulation.stage, await simulation.recentTrace(40))
                Issue.record(
                    error,
                    """
                    \(backend) history with seed \(seed) threw at \(stage) — replay with SAMENSPEL_SIM_SEED=\(seed): \(error)
                    last actions:
                    \(trace)
                    """)
                return
            }
            totals.merge(await simulation.counts, uniquingKeysWith: +)
            if !problems.isEmpty {
                let trace = await simulation.recentTrace(Int(environment["SAMENSPEL_SIM_TRACE"] ?? "") ?? 40)
                Issue.record(
                    """
                    \(backend) history with seed \(seed) broke \(problems.count) invariant(s) — replay with SAMENSPEL_SIM_SEED=\(seed):
                    \(problems.prefix(10).joined(separator: "\n"))
                    last actions:
                    \(trace)
                    """)
                return
            }
        }
        print("random histories on \(backend), shard \(shard): \(seeds.count) × \(steps) steps in \(ContinuousClock.now - started)")
        print("  " + totals.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        // The histories must really exercise what they claim to: checked over every shard of a backend once
        // the last has finished, where they ran enough histories (per shard, a rare write such as a sub-goal's
        // update was sometimes missing from 50 histories by chance).
        let (all, histories, complete) = await CoverageTally.shared.add(totals, histories: seeds.count, backend: "\(backend)")
        guard complete, histories >= 160 else { return }
        for event in ["faults injected", "replica crashes", "server restarts", "client moves", "writes rejected",
                      "writes re-stamped", "clients removed", "server restores", "operations redone after a restore",
                      "client erasures", "admin clock skews"] {
            #expect((all[event] ?? 0) > 0, "no \(event) in \(histories) histories on \(backend)")
        }
        for kind in Simulation.WriteKind.allCases {
            #expect((all["writes \(kind.rawValue)"] ?? 0) > 0, "no \(kind.rawValue) written in \(histories) histories on \(backend)")
        }
    }
}

/// What the shards of each backend did, added up; complete once every shard of the backend has reported.
actor CoverageTally {
    static let shared = CoverageTally()
    private var totals: [String: [String: Int]] = [:]
    private var histories: [String: Int] = [:]
    private var shards: [String: Int] = [:]

    func add(_ counts: [String: Int], histories count: Int, backend: String) -> (totals: [String: Int], histories: Int, complete: Bool) {
        totals[backend, default: [:]].merge(counts, uniquingKeysWith: +)
        histories[backend, default: 0] += count
        shards[backend, default: 0] += 1
        return (totals[backend] ?? [:], histories[backend] ?? 0, shards[backend] == RandomHistoryTests.shards)
    }
}
