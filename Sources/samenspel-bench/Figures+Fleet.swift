import AsyncHTTPClient
import Casework
import ChangeLog
import Foundation
import NIOCore
import Replica
import Synchronization
import SyncProtocol
import SyncServer

/// A municipality's fleet: thousands of enrolled laptops syncing at random moments, as seen by the server.
///
/// The load comes from the benchmark's process, apart from the server's: each laptop is only its token,
/// its cursor and its clock (no replica, no SQLite), and every sync goes over a few shared connections
/// (``HTTPSyncTransport`` on one `HTTPClient`). So the server's cores do the server's work, and the
/// generator's own CPU is reported next to the server's.
extension Figures {
    /// One simulated laptop: what a sync needs to send and where its pulls continue.
    final class FleetLaptop: Sendable {
        let deviceId: String
        let token: String
        let professional: Professional
        let clients: [String]
        private struct State {
            var cursor: String?
            var clock = HybridLogicalClock()
            var busy = false
            var text: NoteText
        }
        private let state: Mutex<State>

        init(_ enrolled: EnrollResponse, clients: [String], seed: UInt64) {
            deviceId = enrolled.deviceId
            token = enrolled.token
            professional = enrolled.professional
            self.clients = clients
            state = Mutex(State(text: NoteText(seed: seed)))
        }

        /// Marks the laptop as syncing; `false` when it already is (a laptop does not sync twice at once).
        func claim() -> Bool {
            state.withLock { state in
                guard !state.busy else { return false }
                state.busy = true
                return true
            }
        }

        /// A sync as a laptop makes it: push `notes` new notes (0: none), then pull until the server has no
        /// more. Throws on any error, including a refused change.
        func sync(notes: Int, over transport: HTTPSyncTransport) async throws {
            defer { state.withLock { $0.busy = false } }
            if notes > 0 {
                let changes = state.withLock { state in
                    (0..<notes).map { index -> Change in
                        let wall = WallClock.millis()
                        let event = CaseEvent.noteAdded(NoteContent(text: state.text.make(), behaviour: .jobSearch))
                        return Change(
                            id: Identifier.make(wallMillis: wall), clientId: clients[index % clients.count],
                            entityType: event.entityType, entityId: Identifier.make(wallMillis: wall),
                            operation: event.operation, payload: event.payload, hlc: state.clock.tick(wallMillis: wall),
                            authorId: professional.id, authorDiscipline: professional.discipline.rawValue, deviceId: deviceId)
                    }
                }
                let answer = try await transport.push(PushRequest(changes: changes), token: token)
                if let refused = answer.results.first(where: { $0.error != nil })?.error {
                    throw BenchError("a push was refused: \(refused.code.rawValue)")
                }
            }
            var more = true
            while more {
                let page = try await transport.pull(after: state.withLock { $0.cursor }, limit: 1_000, token: token)
                state.withLock { $0.cursor = page.cursor }
                more = page.hasMore
            }
        }
    }

    /// What one period of load measured.
    struct FleetRun {
        var rate: Double
        var latencies: [Double]
        var errors: [String]
        var seconds: Double
        var generatorCPU: Double
        var serverCPU: Double

        var p50: Double { quantile(latencies, 0.5) * 1000 }
        var p99: Double { quantile(latencies, 0.99) * 1000 }
        var syncsPerSecond: Double { Double(latencies.count) / seconds }

        func details(devices: Int, teams: Int) -> [String: String] {
            [
                "p50Ms": String(format: "%.1f", p50), "p99Ms": String(format: "%.1f", p99),
                "errors": String(errors.count), "firstError": errors.first ?? "",
                "syncsPerSecond": String(format: "%.1f", syncsPerSecond), "offeredRate": String(format: "%.0f", rate),
                "seconds": String(format: "%.0f", seconds), "devices": String(devices), "teams": String(teams),
                "loadGeneratorCores": String(format: "%.2f", generatorCPU),
                "serverCores": String(format: "%.2f", serverCPU),
            ]
        }
    }

    /// `fleet`: `fleetDevices` laptops in teams of ten, syncing at `fleetRate` syncs a second in all (Poisson
    /// arrivals; each sync pushes 0–3 notes and pulls its team's new changes) for `fleetSeconds`: zero
    /// errors, p99 ≤ 250 ms. Then the rate rises by a quarter, `fleetStepSeconds` a step, until p99 passes 1 s (or
    /// errors appear): the saturation rate is the last that stayed under. Latency counts from the moment a
    /// sync was due, so a server that falls behind is charged for the wait.
    static func fleet(_ sizes: Sizes, _ folder: String, _ backend: BenchBackend, _ report: inout Report) async throws {
        let office = try await Office(directory: folder, clients: 1, backend: backend)
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { _ = client.shutdown() }
        let transport = try HTTPSyncTransport(baseURL: office.server.baseURL, client: client)
        let disciplines: [Discipline] = [.clientManager, .incomeConsultant, .accountManager]
        let teamSize = 10
        let teams = max(1, sizes.fleetDevices / teamSize)
        var laptops: [FleetLaptop] = []
        for teamIndex in 0..<teams {
            let team = try await office.addTeam("Team \(teamIndex)", clients: 5)
            for member in 0..<teamSize {
                let professional = try await office.admin.createProfessional(
                    name: "Professional \(teamIndex)-\(member)", discipline: disciplines[member % 3], teamIds: [team.team])
                let code = try await office.admin.issueEnrollmentCode(professionalId: professional.id)
                let enrolled = try await enroll(code, over: transport)
                laptops.append(FleetLaptop(enrolled, clients: team.clients, seed: UInt64(laptops.count)))
            }
        }
        // Every laptop has synced once (its caseload's registrations), as after a day's work.
        for laptop in laptops where laptop.claim() { try await laptop.sync(notes: 0, over: transport) }

        let steady = try await load(laptops, rate: sizes.fleetRate, seconds: sizes.fleetSeconds, transport, office)
        report.add(
            Figure(
                id: "fleet", backend: backend.name,
                name: "\(laptops.count) laptops, \(Int(sizes.fleetRate)) syncs/s for \(Int(sizes.fleetSeconds)) s (p99)",
                value: steady.p99, unit: "ms p99", baseline: nil, baselineName: nil, ratio: nil,
                target: "zero errors, p99 ≤ 250 ms", met: steady.errors.isEmpty && steady.p99 <= 250,
                details: steady.details(devices: laptops.count, teams: teams).merging(["phase": "steady"]) { $1 }))

        var rate = sizes.fleetRate
        // The steady rate is the first that held (or, if even it did not, nothing did).
        var saturation = steady.errors.isEmpty && steady.p99 <= 1_000 ? steady.syncsPerSecond : 0
        var last = steady
        while true {
            rate *= 1.25
            let run = try await load(laptops, rate: rate, seconds: sizes.fleetStepSeconds, transport, office)
            last = run
            guard run.errors.isEmpty, run.p99 <= 1_000 else { break }
            saturation = run.syncsPerSecond
            if rate >= sizes.fleetMaxRate { break }
        }
        var details = last.details(devices: laptops.count, teams: teams)
        details["phase"] = "saturation"
        details["firstRateOverOneSecond"] = last.p99 > 1_000 || !last.errors.isEmpty ? String(format: "%.0f", last.rate) : "none"
        report.add(
            Figure(
                id: "fleet", backend: backend.name, name: "syncs/s the fleet reaches with p99 ≤ 1 s (saturation)",
                value: saturation, unit: "syncs/s", baseline: sizes.fleetRate, baselineName: "steady rate",
                ratio: saturation / sizes.fleetRate, target: "reported", met: nil, details: details))
    }

    /// Enrolls a device, waiting as the server asks when this address enrolled too many at once (the server
    /// limits enrollment attempts per address).
    private static func enroll(_ code: String, over transport: HTTPSyncTransport) async throws -> EnrollResponse {
        while true {
            do {
                return try await transport.enroll(EnrollRequest(code: code, deviceName: "fleet"))
            } catch let error as ReplicaError where error.httpStatus == 429 {
                try await Task.sleep(for: .seconds(Double(error.retryAfterSeconds ?? 1)))
            }
        }
    }

    /// Offers syncs at `rate` a second (exponential gaps) for `seconds`, each by a random laptop not already
    /// syncing, and waits for the last; measures every sync from the moment it was due.
    private static func load(
        _ laptops: [FleetLaptop], rate: Double, seconds: Double, _ transport: HTTPSyncTransport, _ office: Office
    ) async throws -> FleetRun {
        var generator = SystemRandomNumberGenerator()
        let cpuBefore = (ProcessCPU.seconds(of: nil), ProcessCPU.seconds(of: office.server.process.processIdentifier))
        let start = now()
        let outcomes = await withTaskGroup(of: (Double, String?).self) { group in
            var due = start
            while due - start < seconds {
                due += -log(Double.random(in: Double.ulpOfOne..<1, using: &generator)) / rate
                let wait = due - now()
                if wait > 0 { try? await Task.sleep(for: .seconds(wait)) }
                // A laptop still busy with its last sync is not due again: another one is.
                var laptop = laptops.randomElement(using: &generator)!
                var tries = 0
                while !laptop.claim(), tries < 20 {
                    laptop = laptops.randomElement(using: &generator)!
                    tries += 1
                }
                guard tries < 20 else { continue }
                let notes = Int.random(in: 0...3, using: &generator)
                let scheduled = due
                group.addTask {
                    do {
                        try await laptop.sync(notes: notes, over: transport)
                        return (now() - scheduled, nil)
                    } catch {
                        return (now() - scheduled, String(describing: error))
                    }
                }
            }
            var outcomes: [(Double, String?)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        let wall = now() - start
        let cpuAfter = (ProcessCPU.seconds(of: nil), ProcessCPU.seconds(of: office.server.process.processIdentifier))
        return FleetRun(
            rate: rate, latencies: outcomes.map(\.0), errors: outcomes.compactMap(\.1), seconds: wall,
            generatorCPU: (cpuAfter.0 - cpuBefore.0) / wall, serverCPU: (cpuAfter.1 - cpuBefore.1) / wall)
    }
}

/// CPU time of a process, from `/proc/PID/stat` (user and system).
enum ProcessCPU {
    /// Seconds of CPU `pid` used so far (this process for `nil`); 0 where `/proc` cannot be read.
    static func seconds(of pid: Int32?) -> Double {
        let path = "/proc/\(pid.map(String.init) ?? "self")/stat"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let end = text.lastIndex(of: ")")
        else { return 0 }
        // After the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
