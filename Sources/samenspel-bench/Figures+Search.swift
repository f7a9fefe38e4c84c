import Casework
import Foundation
import GRDB
import Replica

extension Figures {
    // MARK: Offline search

    /// Offline search over a replica of `searchNotes` notes of ~500 bytes (Dutch words from a small vocabulary,
    /// so a common word is in nearly every note), plus 50 notes that name a landlord. The queries: that rare
    /// name, a common word, the start of a word, two common words, a word that is nowhere; each over the
    /// whole caseload and in one client's file. Indexing what was written, which a sync leaves to the first
    /// search or the app's background sync, is timed on its own (`indexSeconds`). The baseline is the same queries answered without the index, by scanning the replica's changes with `LIKE '%word%'`.
    static func search(_ sizes: Sizes, _ folder: String, _ report: inout Report) async throws {
        let office = try await Office(directory: folder, clients: min(sizes.clients, 150))
        let laptop = try await office.enroll("Sanne Bakker")
        try await laptop.sync()
        try await laptop.write(sizes.searchNotes, on: office.clients)
        for index in 0..<50 {
            _ = try await laptop.replica.addNote(
                clientId: office.clients[index % office.clients.count],
                NoteContent(text: "Gebeld met verhuurder Woonbron over de huurachterstand (\(index))"))
        }
        // What arrived is indexed after a sync (the app does it at once), not while it is stored.
        let (indexed, indexSeconds) = try await timed { try await laptop.replica.indexForSearch() }
        let queries = ["woonbron", "schulden", "kinderop", "vervoer budget", "fietsenmaker"]
        var times: [Double] = []
        var inOneFile: [Double] = []
        var hits: [String: Int] = [:]
        for _ in 0..<max(3, sizes.repeats) {
            for query in queries {
                let (results, seconds) = try await timed { try await laptop.replica.search(query) }
                hits[query] = results.total
                times.append(seconds)
                // The same in one client's file (the search field on the client's page).
                let (_, scoped) = try await timed { try await laptop.replica.search(query, clientId: office.clients[0]) }
                inOneFile.append(scoped)
            }
        }
        times += inOneFile
        guard hits["woonbron"] == 50, hits["fietsenmaker"] == 0 else { throw BenchError("search found \(hits)") }
        let database = try DatabaseQueue(path: laptop.directory + "/" + Replica.fileName)
        var scans: [Double] = []
        for _ in 0..<3 {
            for query in queries {
                let words = query.split(separator: " ").map { "%\($0)%" }
                let (_, seconds) = try await timed {
                    try await database.read { db in
                        try String.fetchAll(
                            db,
                            sql: "SELECT id FROM changes WHERE entity_type = 'note' AND "
                                + words.map { _ in "payload LIKE ?" }.joined(separator: " AND ")
                                + " ORDER BY hlc DESC LIMIT 50",
                            arguments: StatementArguments(words))
                    }
                }
                scans.append(seconds)
            }
        }
        let median = quantile(times, 0.5) * 1000
        let scan = quantile(scans, 0.5) * 1000
        report.add(
            Figure(
                id: "search", backend: "sqlite",
                name: "search over \(sizes.searchNotes + 50) notes (median)", value: median, unit: "ms",
                baseline: scan, baselineName: "LIKE scan without the index, ms", ratio: median / scan,
                target: "≤ 50 ms", met: median <= 50,
                details: [
                    "p90": String(format: "%.2f", quantile(times, 0.9) * 1000),
                    "oneClientMedian": String(format: "%.2f", quantile(inOneFile, 0.5) * 1000),
                    "max": String(format: "%.2f", (times.max() ?? 0) * 1000),
                    "indexSeconds": String(format: "%.2f", indexSeconds),
                    "indexRate": String(Int(Double(indexed) / indexSeconds)),
                    "hits": queries.map { "\($0)=\(hits[$0] ?? 0)" }.joined(separator: " "),
                ]))
    }
}
