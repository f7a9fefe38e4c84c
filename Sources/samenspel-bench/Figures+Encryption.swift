import Casework
import Foundation
@_spi(Benchmarks) import Replica

extension Figures {
    // MARK: Encryption at rest

    /// What sealing costs (AES-256-GCM under per-client keys), on the laptops and on the server: the same
    /// work in two offices, one whose server and laptops seal and one whose server and laptops store
    /// unsealed (``Replica/storeUnsealed()``, ``ClientKeyring/storeUnsealedForBenchmarks()``; key lookups
    /// still run, so the figure leaves out their small cost). Local writes (`localWrites` notes one by one),
    /// the push of `push / 10` notes over HTTP (sealed by the server), a fresh colleague's initial pull of
    /// them (opened by the server, sealed by the laptop), and the journey of a client with `journeyEntries`
    /// entries. Sealed and unsealed rounds alternate, best of two each; the value is the largest of the four
    /// time ratios (target ≤ 1.3×).
    static func encryption(_ sizes: Sizes, _ folder: String, _ report: inout Report) async throws {
        let offices = [
            true: try await Office(directory: folder + "/sealed", clients: 1),
            false: try await Office(directory: folder + "/unsealed", clients: 1, sealed: false),
        ]
        let count = max(sizes.push / 10, 200)
        var best: [String: [Bool: Double]] = [:]
        func keep(_ part: String, _ sealed: Bool, _ seconds: Double) {
            best[part, default: [:]][sealed] = min(best[part]?[sealed] ?? .infinity, seconds)
        }
        for round in 0..<4 {
            // Each round in a team of its own, so that every pull fetches as much as the one before.
            let sealed = round % 2 == 0
            let office = offices[sealed]!
            let (team, clients) = try await office.addTeam("Team \(round)", clients: 2)
            func laptop(_ name: String) async throws -> Laptop {
                let laptop = try await office.enroll("\(name) \(round)", team: team)
                if !sealed { laptop.replica.storeUnsealed() }
                try await laptop.sync()
                return laptop
            }
            let writer = try await laptop("Schrijver")
            var text = NoteText(seed: UInt64(round))
            let notes = (0..<sizes.localWrites).map { _ in NoteContent(text: text.make()) }
            keep("write", sealed, try await timed {
                for note in notes { _ = try await writer.replica.addNote(clientId: clients[0], note) }
            }.1)
            try await writer.write(count, on: [clients[0]], seed: UInt64(round))
            keep("push", sealed, try await timed { try await writer.sync() }.1)
            let reader = try await office.enroll("Lezer \(round)", team: team)
            if !sealed { reader.replica.storeUnsealed() }
            keep("pull", sealed, try await timed { try await reader.sync() }.1)
            let journal = try await laptop("Reis")
            try await journal.write(sizes.journeyEntries, on: [clients[1]], notesOnly: false, seed: UInt64(round))
            var times: [Double] = []
            for _ in 0..<3 { times.append(try await timed { try await journal.replica.journey(clientId: clients[1]) }.1) }
            keep("journey", sealed, quantile(times, 0.5))
        }
        var ratios: [String: Double] = [:]
        for (part, times) in best { ratios[part] = (times[true] ?? 0) / (times[false] ?? 1) }
        let worst = ratios.values.max() ?? 0
        var details = ratios.mapValues { String(format: "%.2f", $0) }
        details["pushChanges"] = String(count)
        details["journeyEntries"] = String(sizes.journeyEntries)
        details["sealedJourneyMs"] = String(format: "%.1f", (best["journey"]?[true] ?? 0) * 1000)
        report.add(
            Figure(
                id: "encryption", backend: "sqlite",
                name: "sealed / unsealed time, worst of write, push, pull, journey", value: worst, unit: "×",
                baseline: 1, baselineName: "unsealed", ratio: worst, target: "≤ 1.3×", met: worst <= 1.3,
                details: details))
    }
}
