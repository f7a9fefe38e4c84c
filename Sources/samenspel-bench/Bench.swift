import ArgumentParser
import Casework
import ChangeLog
import Foundation
import GRDB
@_spi(Benchmarks) import Replica
import SQLiteSupport
import SyncProtocol
import SyncServer

/// `samenspel-bench`: every performance figure of BENCHMARKS.md with its baseline, measured in one run.
@main
struct SamenspelBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samenspel-bench",
        abstract: "Measure Samenspel's performance figures, each against a baseline taken in the same run.",
        discussion: """
            Prints a table (stdout) and one JSON object per figure (stdout, after the table; or --json FILE).
            Build in release mode: swift run -c release samenspel-bench
            """,
        subcommands: [Run.self, ServeChild.self], defaultSubcommand: Run.self)
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the benchmark (default).")

    enum Scale: String, ExpressibleByArgument, CaseIterable { case full, tiny }

    @Option(help: "full (the sizes the targets are stated for) or tiny (a quick check that it works).")
    var scale: Scale = .full

    @Option(help: "Also write the JSON lines to this file.") var json: String?

    @Option(help: "Work folder (default: a new temporary folder, removed afterwards).") var work: String?

    enum BackendChoice: String, ExpressibleByArgument, CaseIterable { case sqlite, postgresql, both }

    @Option(help: ArgumentHelp(
        "The server's storage: sqlite, postgresql or both in the same run (default: sqlite, or both with --postgres).",
        valueName: "backend"))
    var backend: BackendChoice?

    @Option(help: ArgumentHelp(
        "A PostgreSQL server whose user may create databases: each figure gets a new database on it, dropped afterwards.",
        valueName: "url"))
    var postgres: String?

    /// The figures in the order they run.
    static let figureNames = [
        "local", "push", "pull", "history", "devices", "fleet", "audit", "live", "scaleOut", "journey", "search",
        "hostile", "encryption",
    ]
    /// The figures that measure the laptop alone: measured once, whatever the server's backend.
    static let laptopFigures: Set<String> = ["local", "journey", "search", "encryption"]
    /// The figures of several server instances, which need PostgreSQL.
    static let postgresFigures: Set<String> = ["scaleOut"]

    @Option(parsing: .upToNextOption, help: ArgumentHelp(
        "Only these figures, separated by spaces or commas: \(figureNames.joined(separator: ", ")).",
        valueName: "figure"))
    var only: [String] = []

    /// The figures asked for: every one without `--only`.
    var wanted: Set<String> {
        only.isEmpty ? Set(Self.figureNames) : Set(only.flatMap { $0.split(separator: ",").map(String.init) })
    }

    /// The backends asked for, in the order they run.
    var backends: [BenchBackend] {
        switch backend ?? (postgres == nil ? .sqlite : .both) {
        case .sqlite: [.sqlite]
        case .postgresql: [.postgresql(url: postgres ?? "")]
        case .both: [.sqlite, .postgresql(url: postgres ?? "")]
        }
    }

    func validate() throws {
        let unknown = wanted.subtracting(Self.figureNames).sorted()
        if !unknown.isEmpty {
            throw ValidationError(
                "no figure named \(unknown.joined(separator: ", ")); the figures are \(Self.figureNames.joined(separator: ", "))")
        }
        if postgres == nil, let backend, backend != .sqlite {
            throw ValidationError("--backend \(backend.rawValue) needs --postgres URL (a server whose user may create databases)")
        }
    }

    func run() async throws {
        let sizes = scale == .full ? Sizes.full : Sizes.tiny
        let folder = work ?? NSTemporaryDirectory() + "samenspel-bench-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { if work == nil { try? FileManager.default.removeItem(atPath: folder) } }
        var report = Report()
        let backendNames = backends.map(\.name).joined(separator: ", ")
        FileHandle.standardError.write(Data("samenspel-bench, scale \(scale.rawValue), \(backendNames), in \(folder)\n".utf8))
        for name in Self.figureNames where wanted.contains(name) {
            if name == "pull" && wanted.contains("push") { continue }  // measured with the push
            for backend in Self.laptopFigures.contains(name) ? [.sqlite] : backends {
                if Self.postgresFigures.contains(name), case .sqlite = backend { continue }
                let place = "\(folder)/\(name)-\(backend.name)"
                let before = report.figures.count
                do {
                    try await Figures.measure(name, sizes, place, backend, &report)
                    // CI checks by this that every figure is produced on every backend, not its value.
                    if report.figures.count == before {
                        throw BenchError("the figure \(name) produced nothing on \(backend.name)")
                    }
                } catch {
                    await Office.closeAll()
                    throw error
                }
                await Office.closeAll()
            }
        }

        print(report.table())
        print("")
        let lines = report.figures.map(\.jsonLine).joined(separator: "\n")
        print(lines)
        if let json { try (lines + "\n").write(toFile: json, atomically: true, encoding: .utf8) }
        let missed = report.figures.filter { $0.met == false }.map(\.name)
        if !missed.isEmpty {
            FileHandle.standardError.write(Data("targets not met: \(missed.joined(separator: ", "))\n".utf8))
        }
    }
}

enum Figures {
    /// Measures the figure called `name` (one of ``Run/figureNames``) with its server on `backend`.
    static func measure(
        _ name: String, _ sizes: Sizes, _ folder: String, _ backend: BenchBackend, _ report: inout Report
    ) async throws {
        switch name {
        case "local": try await localWrite(sizes, folder, &report)
        case "push", "pull": try await pushAndPull(sizes, folder, backend, &report)
        case "history": try await history(sizes, folder, backend, &report)
        case "devices": try await devices(sizes, folder, backend, &report)
        case "fleet": try await fleet(sizes, folder, backend, &report)
        case "live": try await live(sizes, folder, backend, &report)
        case "scaleOut": try await scaleOut(sizes, folder, backend, &report)
        case "journey": try await journey(sizes, folder, &report)
        case "search": try await search(sizes, folder, &report)
        case "hostile": try await hostile(sizes, folder, backend, &report)
        case "encryption": try await encryption(sizes, folder, &report)
        case "audit": try await audit(sizes, folder, backend, &report)
        default: throw BenchError("no figure named \(name)")
        }
    }

    // MARK: Local write

    /// Recording one note (change, projections, outbox; one durable transaction each) against a bare GRDB
    /// insert of a row of the same size in one transaction each, with the same durability settings.
    static func localWrite(_ sizes: Sizes, _ folder: String, _ report: inout Report) async throws {
        let office = try await Office(directory: folder, clients: 1)
        let laptop = try await office.enroll("Sanne Bakker")
        try await laptop.sync()
        var text = NoteText(seed: 7)
        let texts = (0..<sizes.localWrites).map { _ in text.make() }

        let bare = try DatabaseFile.openPool(at: folder + "/bare.sqlite", label: "bare")
        try await bare.write { db in
            try db.execute(sql: "CREATE TABLE rows (id TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL)")
        }
        // A change row is its payload plus ids, clock and author: about 300 bytes more than the text.
        let padding = String(repeating: "x", count: 300)
        func bareRound() async throws -> Double {
            let (_, seconds) = try await timed {
                for body in texts {
                    try await bare.write { db in
                        try db.execute(
                            sql: "INSERT INTO rows (id, body) VALUES (?, ?)", arguments: [UUID().uuidString, body + padding])
                    }
                }
            }
            return Double(texts.count) / seconds
        }
        let client = office.clients[0]
        func noteRound() async throws -> Double {
            let (_, seconds) = try await timed {
                for body in texts { _ = try await laptop.replica.addNote(clientId: client, NoteContent(text: body)) }
            }
            return Double(texts.count) / seconds
        }
        // Interleaved, best of two each: a shared machine's noise hits both alike.
        var bareRates: [Double] = []
        var noteRates: [Double] = []
        for _ in 0..<2 {
            bareRates.append(try await bareRound())
            noteRates.append(try await noteRound())
        }
        let rate = noteRates.max()!
        let baseline = bareRates.max()!
        report.add(
            Figure(
                id: "local", backend: "sqlite",
                name: "local write (record one note)", value: rate, unit: "notes/s", baseline: baseline,
                baselineName: "bare GRDB insert/s", ratio: rate / baseline, target: "≥ 0.5× baseline",
                met: rate / baseline >= 0.5, details: ["writes": String(texts.count)]))
    }

    // MARK: Push and initial pull

    static func pushAndPull(_ sizes: Sizes, _ folder: String, _ backend: BenchBackend, _ report: inout Report) async throws {
        let office = try await Office(directory: folder, clients: sizes.clients, backend: backend)
        let sanne = try await office.enroll("Sanne Bakker")
        try await sanne.sync()
        try await sanne.write(sizes.push, on: office.clients)
        let pending = try await sanne.replica.allChanges().filter { $0.entityType == "note" }

        let jsonPush = try pending.chunked(Replica.pushBatchSize).reduce(0) { total, batch in
            total + (try WireCoding.makeEncoder().encode(PushRequest(changes: batch))).count
        }
        let wireBefore = try loopbackBytes()
        let (pushReport, pushSeconds) = try await timed { try await sanne.sync() }
        let pushWire = try loopbackBytes() - wireBefore
        guard pushReport.pushed == pending.count else {
            throw BenchError("pushed \(pushReport.pushed) of \(pending.count)")
        }
        // The baseline: as many notes stored by the same store (planner, validation, audit) without HTTP, in
        // batches of the same size, into an office of its own on the same backend, as empty as this one was.
        let baseline = try await Office(directory: folder + "/baseline", clients: sizes.clients, backend: backend)
        let loader = try await baseline.enroll("Sanne Bakker")
        try await loader.sync()
        let notes = try await baseline.notes(pending.count, as: loader, seed: 1).chunked(Replica.pushBatchSize)
        let (_, directSeconds) = try await timed {
            for batch in notes { try await baseline.storeDirectly(batch, as: loader) }
        }
        let pushRate = Double(pending.count) / pushSeconds
        let directRate = Double(pending.count) / directSeconds
        report.add(
            Figure(
                id: "push", backend: backend.name,
                name: "push \(pending.count) changes over HTTP", value: pushRate, unit: "changes/s",
                baseline: directRate, baselineName: "store insert/s, no HTTP", ratio: pushRate / directRate,
                target: "≥ 30,000/s and ≥ 0.5×", met: pushRate >= 30_000 && pushRate / directRate >= 0.5,
                details: [
                    "seconds": String(format: "%.2f", pushSeconds),
                    "serverSeconds": String(format: "%.2f", try await office.serverSeconds("POST", "/v1/push")),
                ]))

        // Initial pull into a fresh laptop of a colleague.
        let ahmed = try await office.enroll("Ahmed Yilmaz", discipline: .incomeConsultant)
        let pullBefore = try loopbackBytes()
        let (pullReport, pullSeconds) = try await timed { try await ahmed.sync() }
        let pullWire = try loopbackBytes() - pullBefore
        let pulled = pullReport.pulled

        // The baseline: the same changes, read from a local file and applied in the same pages.
        let changes = try await ahmed.replica.allChanges()
        let file = folder + "/changes.jsonl"
        let encoder = WireCoding.makeEncoder()
        var jsonPull = 0
        var fileText = Data()
        for page in changes.chunked(Replica.pullPageSize) {
            let line = try encoder.encode(page)
            jsonPull += line.count
            fileText.append(line)
            fileText.append(UInt8(ascii: "\n"))
        }
        try fileText.write(to: URL(fileURLWithPath: file))
        let fresh = try await office.enroll(ahmed.professional)
        let (applied, applySeconds) = try await timed { () async throws -> Int in
            // Read with the same fast reader the pull uses, so the baseline is not slowed by JSONDecoder.
            var applied = 0
            for line in try Data(contentsOf: URL(fileURLWithPath: file)).split(separator: UInt8(ascii: "\n")) {
                guard case .array(let items) = try JSONValue(parsing: String(decoding: line, as: UTF8.self)) else {
                    throw BenchError("the change file is not a list of pages")
                }
                let page = try items.map { item throws(WireShapeError) in try Change(reading: item, path: "change") }
                applied += try await fresh.replica.applyBulk(page)
            }
            return applied
        }
        let pullRate = Double(pulled) / pullSeconds
        let applyRate = Double(applied) / applySeconds
        report.add(
            Figure(
                id: "pull", backend: backend.name,
                name: "initial pull of \(pulled) changes over HTTP", value: pullRate, unit: "changes/s",
                baseline: applyRate, baselineName: "apply from file/s", ratio: pullRate / applyRate,
                target: "≥ 40,000/s", met: pullRate >= 40_000,
                details: [
                    "seconds": String(format: "%.2f", pullSeconds), "pages": String(pullReport.pages),
                    "serverSeconds": String(format: "%.2f", try await office.serverSeconds("GET", "/v1/changes")),
                ]))

        // Bytes on the wire (loopback, headers and TCP/IP included) against the JSON bodies. Not on
        // PostgreSQL: its own traffic runs over loopback too, and the laptop's wire is the same on both.
        guard case .sqlite = backend else { return }
        let pushPerChange = Double(pushWire) / Double(pending.count)
        let jsonPushPerChange = Double(jsonPush) / Double(pending.count)
        report.add(
            Figure(
                id: "pushBytes", backend: backend.name,
                name: "push bytes on the wire per change", value: pushPerChange, unit: "bytes",
                baseline: jsonPushPerChange, baselineName: "JSON body bytes", ratio: pushPerChange / jsonPushPerChange,
                target: "reported; compression on by default", met: nil))
        let pullPerChange = Double(pullWire) / Double(max(pulled, 1))
        let jsonPullPerChange = Double(jsonPull) / Double(max(changes.count, 1))
        report.add(
            Figure(
                id: "pullBytes", backend: backend.name,
                name: "pull bytes on the wire per change", value: pullPerChange, unit: "bytes",
                baseline: jsonPullPerChange, baselineName: "JSON body bytes", ratio: pullPerChange / jsonPullPerChange,
                target: "reported; compression on by default", met: nil))
    }

    // MARK: History size: idle and incremental sync, server memory

    /// Idle and incremental syncs against a log of `bigLog` changes, each against the same with `smallLog`;
    /// and the server's peak memory while a fresh laptop pulls the whole big log.
    static func history(_ sizes: Sizes, _ folder: String, _ backend: BenchBackend, _ report: inout Report) async throws {
        struct Measured {
            var idle: [Double] = []
            var incremental: [Double] = []
            var initialPull: (changes: Int, seconds: Double, peakBytes: Int64, idleBytes: Int64) = (0, 0, 0, 0)
        }
        func measure(log: Int, _ folder: String) async throws -> Measured {
            let office = try await Office(directory: folder, clients: sizes.clients, backend: backend)
            let seeder = try await office.enroll("Sanne Bakker")
            try await seeder.sync()
            try await office.load(log, as: seeder)
            // A fresh server process: its memory before and during a laptop's initial pull of the whole log.
            let server = try office.restartServer()
            defer { server.stop() }
            var measured = Measured()
            let reader = try await office.enroll("Ahmed Yilmaz", discipline: .incomeConsultant, server: server)
            let idleBytes = try server.peakResidentBytes()
            let (initial, seconds) = try await timed { try await reader.sync() }
            measured.initialPull = (initial.pulled, seconds, try server.peakResidentBytes(), idleBytes)
            for _ in 0..<sizes.repeats {
                let (report, seconds) = try await timed { try await reader.sync() }
                guard report.pulled == 0 else { throw BenchError("an idle sync pulled \(report.pulled)") }
                measured.idle.append(seconds)
            }
            for round in 0..<sizes.repeats {
                try await office.load(sizes.incremental, as: seeder, batch: sizes.incremental)
                let (report, seconds) = try await timed { try await reader.sync() }
                guard report.pulled == sizes.incremental else {
                    throw BenchError("round \(round): pulled \(report.pulled) of \(sizes.incremental)")
                }
                measured.incremental.append(seconds)
            }
            try await office.close()
            return measured
        }
        let small = try await measure(log: sizes.smallLog, folder + "/small")
        let big = try await measure(log: sizes.bigLog, folder + "/big")
        let idle = quantile(big.idle, 0.5) * 1000
        let idleBase = quantile(small.idle, 0.5) * 1000
        report.add(
            Figure(
                id: "idle", backend: backend.name,
                name: "idle sync, \(sizes.bigLog) changes in the log (median)", value: idle, unit: "ms",
                baseline: idleBase, baselineName: "\(sizes.smallLog) in the log, ms", ratio: idle / idleBase,
                target: "≤ 1.5× baseline", met: idle / idleBase <= 1.5,
                details: ["p90": String(format: "%.2f", quantile(big.idle, 0.9) * 1000)]))
        let incremental = quantile(big.incremental, 0.5) * 1000
        let incrementalBase = quantile(small.incremental, 0.5) * 1000
        report.add(
            Figure(
                id: "incremental", backend: backend.name,
                name: "sync of \(sizes.incremental) new changes, \(sizes.bigLog) in the log (median)", value: incremental,
                unit: "ms", baseline: incrementalBase, baselineName: "\(sizes.smallLog) in the log, ms",
                ratio: incremental / incrementalBase, target: "≤ 1.5× baseline", met: incremental / incrementalBase <= 1.5))
        let pull = big.initialPull
        let aboveIdle = Double(pull.peakBytes - pull.idleBytes) / 1_048_576
        report.add(
            Figure(
                id: "memory", backend: backend.name,
                name: "server peak memory during a \(pull.changes)-change initial pull", value: aboveIdle,
                unit: "MB above idle", baseline: Double(pull.idleBytes) / 1_048_576, baselineName: "idle MB",
                ratio: nil, target: "≤ 150 MB above idle", met: aboveIdle <= 150,
                details: [
                    "pullSeconds": String(format: "%.1f", pull.seconds),
                    "pullRate": String(format: "%.0f", Double(pull.changes) / pull.seconds),
                ]))
    }

    // MARK: Many devices at once

    static func devices(_ sizes: Sizes, _ folder: String, _ backend: BenchBackend, _ report: inout Report) async throws {
        let office = try await Office(directory: folder, clients: sizes.clients, backend: backend)
        // An office at 9:00: teams of ten professionals (the three disciplines), each team with its own
        // caseload, so each laptop pulls what its nine colleagues pushed.
        let disciplines: [Discipline] = [.clientManager, .incomeConsultant, .accountManager]
        let teamSize = 10
        var laptops: [Laptop] = []
        var team = (team: office.team, clients: office.clients)
        for index in 0..<sizes.devices {
            if index > 0 && index % teamSize == 0 {
                team = try await office.addTeam("Team \(index / teamSize)", clients: max(1, sizes.clients / 10))
            }
            let laptop = try await office.enroll("Professional \(index)", discipline: disciplines[index % 3], team: team.team)
            try await laptop.sync()
            try await laptop.write(sizes.perDevice, on: [team.clients[index % team.clients.count]], seed: UInt64(index))
            laptops.append(laptop)
        }
        let start = now()
        let outcomes = await withTaskGroup(of: (Double, Int, String?).self) { group in
            for laptop in laptops {
                group.addTask {
                    let begin = now()
                    do {
                        let report = try await laptop.sync()
                        return (now() - begin, report.pulled, report.pushed == sizes.perDevice ? nil : "pushed \(report.pushed)")
                    } catch {
                        return (now() - begin, 0, String(describing: error))
                    }
                }
            }
            var outcomes: [(Double, Int, String?)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        let wall = now() - start
        let errors = outcomes.compactMap(\.2)
        let latencies = outcomes.map(\.0)
        report.add(
            Figure(
                id: "devices", backend: backend.name,
                name: "\(sizes.devices) devices syncing at once (push \(sizes.perDevice), pull the team's new)",
                value: quantile(latencies, 0.5) * 1000, unit: "ms p50", baseline: nil, baselineName: nil, ratio: nil,
                target: "zero errors; p50/p99 reported", met: errors.isEmpty,
                details: [
                    "p99ms": String(format: "%.0f", quantile(latencies, 0.99) * 1000),
                    "errors": String(errors.count), "firstError": errors.first ?? "",
                    "wallSeconds": String(format: "%.2f", wall), "teamSize": String(teamSize),
                    "changesPulled": String(outcomes.map(\.1).reduce(0, +)),
                ]))
    }

    // MARK: Journey

    /// The journey of a client with `journeyEntries` writes (the journey mix), median of repeated reads:
    /// target ≤ 30 ms (issue 16). And of a client with ten times as many, reported.
    static func journey(_ sizes: Sizes, _ folder: String, _ report: inout Report) async throws {
        let office = try await Office(directory: folder, clients: 2)
        let laptop = try await office.enroll("Sanne Bakker")
        try await laptop.sync()
        for (client, count) in zip(office.clients, [sizes.journeyEntries, sizes.journeyEntries * 10]) {
            try await laptop.write(count, on: [client], notesOnly: false)
            var times: [Double] = []
            var entries = 0
            for _ in 0..<max(3, sizes.repeats / 3) {
                let (journey, seconds) = try await timed { try await laptop.replica.journey(clientId: client) }
                entries = journey.timeline.count
                times.append(seconds)
            }
            let median = quantile(times, 0.5) * 1000
            let small = count == sizes.journeyEntries
            report.add(
                Figure(
                    id: "journey", backend: "sqlite",
                    name: "journey of a client with \(entries) timeline entries (median)", value: median, unit: "ms",
                    baseline: nil, baselineName: nil, ratio: nil, target: small ? "≤ 30 ms" : "reported",
                    met: small ? median <= 30 : nil, details: ["p90Ms": String(format: "%.1f", quantile(times, 0.9) * 1000)]))
        }
    }
}

extension Array {
    /// The array in consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
