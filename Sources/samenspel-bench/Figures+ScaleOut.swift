import Casework
import Foundation
import Replica
import SyncServer

extension Figures {
    // MARK: Scale-out on PostgreSQL

    /// Three laptops push their notes at once, through one server instance, then (into a fresh database)
    /// through two instances on the same PostgreSQL; the figure is the second rate against the first. A
    /// colleague's laptop pulls through the second instance all the while; a change its pulls skipped
    /// would be repaired by the digest check at the end of a sync, so `repairedClients` must stay 0.
    static func scaleOut(_ sizes: Sizes, _ folder: String, _ backend: BenchBackend, _ report: inout Report) async throws {
        guard case .postgresql = backend else { return }
        let perPusher = max(1, sizes.push / 10)
        func pushRate(instances: Int, _ folder: String) async throws
            -> (rate: Double, pulled: Int, repaired: Int, lockShare: Double, replans: Int, cpu: [String: Double])
        {
            let office = try await Office(directory: folder, clients: sizes.clients, backend: backend)
            var servers = [office.server]
            if instances > 1 { servers.append(try office.anotherInstance()) }
            defer { for instance in servers.dropFirst() { instance.stop() } }
            let disciplines: [Discipline] = [.clientManager, .incomeConsultant, .accountManager]
            var pushers: [Laptop] = []
            for index in 0..<3 {
                let laptop = try await office.enroll(
                    "Pusher \(index)", discipline: disciplines[index], server: servers[index % servers.count])
                try await laptop.sync()
                try await laptop.write(perPusher, on: office.clients, seed: UInt64(index + 1))
                pushers.append(laptop)
            }
            let puller = try await office.enroll("Puller", discipline: .clientManager, server: servers.last!)
            try await puller.sync()
            let started = now()
            let cpuBefore = try CPUTime.sample(servers: servers)
            let pulling = Task {
                var pulled = 0
                var repaired = 0
                while !Task.isCancelled {
                    guard let report = try? await puller.sync() else { continue }
                    pulled += report.pulled
                    repaired += report.repairedClients.count
                }
                return (pulled, repaired)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for laptop in pushers {
                    group.addTask {
                        let report = try await laptop.sync()
                        guard report.pushed == perPusher else { throw BenchError("pushed \(report.pushed) of \(perPusher)") }
                    }
                }
                try await group.waitForAll()
            }
            let seconds = now() - started
            let cpu = try CPUTime.sample(servers: servers).used(since: cpuBefore, over: seconds)
            var (lockWait, replans) = (0.0, 0.0)
            for server in servers {
                lockWait += try await office.metric("samenspel_db_log_lock_wait_seconds_total", server: server)
                replans += (try? await office.metric("samenspel_db_push_replans_total", server: server)) ?? 0
            }
            pulling.cancel()
            var (pulled, repaired) = await pulling.value
            let last = try await puller.sync()
            pulled += last.pulled
            repaired += last.repairedClients.count
            return (Double(3 * perPusher) / seconds, pulled, repaired, lockWait / seconds, Int(replans), cpu)
        }
        let one = try await pushRate(instances: 1, folder + "/one")
        let two = try await pushRate(instances: 2, folder + "/two")
        let ratio = two.rate / one.rate
        let complete = two.pulled >= 3 * perPusher && two.repaired == 0 && one.repaired == 0
        report.add(
            Figure(
                id: "scaleOut", backend: backend.name,
                name: "3 laptops pushing \(3 * perPusher) changes at once through 2 instances", value: two.rate,
                unit: "changes/s", baseline: one.rate, baselineName: "through 1 instance, changes/s", ratio: ratio,
                target: "≥ 1.5× baseline; a puller misses nothing", met: ratio >= 1.5 && complete,
                details: [
                    "pulledDuringPushes": String(two.pulled), "repairedAfterSkips": String(two.repaired + one.repaired),
                    // Seconds spent waiting for the log lock per second of pushing, over the instances: near 0
                    // means the lock is not what bounds the rate.
                    "lockWaitPerSecondOne": String(format: "%.3f", one.lockShare),
                    "lockWaitPerSecondTwo": String(format: "%.3f", two.lockShare),
                    // Pushes that had to decide again under the lock (a concurrent append changed their facts).
                    "replansOne": String(one.replans), "replansTwo": String(two.replans),
                    // Cores busy while pushing: the laptops (this process), the server instances, PostgreSQL.
                    "coresOne": CPUTime.describe(one.cpu), "coresTwo": CPUTime.describe(two.cpu),
                ]))
    }
}

/// CPU time of the processes in a measurement: this process (the laptops), the server instances, and every
/// process called `postgres` on this machine (the database, when it runs here).
struct CPUTime {
    var seconds: [String: Double]

    static func sample(servers: [ServerProcess]) throws -> CPUTime {
        var seconds = ["laptops": try processSeconds(pid: getpid())]
        seconds["servers"] = try servers.map { try processSeconds(pid: $0.process.processIdentifier) }.reduce(0, +)
        var postgres = 0.0
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry),
                (try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8))?.hasPrefix("postgres") == true
            else { continue }
            postgres += (try? processSeconds(pid: pid)) ?? 0
        }
        seconds["postgresql"] = postgres
        return CPUTime(seconds: seconds)
    }

    /// Cores busy on average over `wall` seconds since `earlier`, per part.
    func used(since earlier: CPUTime, over wall: Double) -> [String: Double] {
        seconds.mapValues { $0 }.merging(earlier.seconds) { now, before in (now - before) / wall }
    }

    static func describe(_ cores: [String: Double]) -> String {
        cores.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.2f", $0.value))" }.joined(separator: ", ")
    }

    /// User and system time of a process (`/proc/PID/stat`, fields 14 and 15, in clock ticks).
    private static func processSeconds(pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The command name may hold spaces: the fields after it start after its closing parenthesis.
        guard let close = stat.lastIndex(of: ")") else { throw BenchError("cannot read /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw BenchError("cannot read /proc/\(pid)/stat")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
