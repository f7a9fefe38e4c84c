import Foundation

/// One measured figure, its baseline from the same run, and the target it is held to.
struct Figure: Sendable {
    /// A stable identifier for scripts (`push`, `pull`, `live`, …): the same figure on every backend and size.
    var id: String
    /// Where the server kept its data: `sqlite` or `postgresql`. Figures of the laptop alone (local write,
    /// journey, search) say `sqlite`: the replica's own database.
    var backend: String
    var name: String
    var value: Double
    var unit: String
    var baseline: Double?
    var baselineName: String?
    /// How the ratio is formed: value / baseline, or baseline / value for times (so higher is better
    /// either way is not assumed: the target text says which way).
    var ratio: Double?
    var target: String
    var met: Bool?
    var details: [String: String] = [:]

    var jsonLine: String {
        var object: [String: Any] = [
            "id": id, "backend": backend, "figure": name, "value": value, "unit": unit, "target": target,
        ]
        if let baseline { object["baseline"] = baseline }
        if let baselineName { object["baselineName"] = baselineName }
        if let ratio { object["ratio"] = ratio }
        if let met { object["met"] = met }
        if !details.isEmpty { object["details"] = details }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Prints figures as a table, then as JSON lines.
struct Report {
    var figures: [Figure] = []

    mutating func add(_ figure: Figure) {
        figures.append(figure)
        FileHandle.standardError.write(Data("  \(figure.id) (\(figure.backend)) \(figure.name): \(Self.format(figure.value)) \(figure.unit)\n".utf8))
    }

    func table() -> String {
        let header = ["figure", "backend", "value", "baseline", "ratio", "target", "met"]
        var rows = [header]
        for figure in figures {
            rows.append([
                figure.name,
                figure.backend,
                "\(Self.format(figure.value)) \(figure.unit)",
                figure.baseline.map { "\(Self.format($0)) (\(figure.baselineName ?? ""))" } ?? "—",
                figure.ratio.map { String(format: "%.2f×", $0) } ?? "—",
                figure.target,
                figure.met.map { $0 ? "yes" : "NO" } ?? "—",
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.enumerated().map { index, row in
            let line = "| " + row.enumerated().map { column, cell in
                cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: " | ") + " |"
            if index == 0 {
                return line + "\n|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"
            }
            return line
        }.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        if value >= 100 { return String(format: "%.0f", value) }
        if value >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.3g", value)
    }
}

/// Seconds since an arbitrary start, monotonic.
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// Runs `body` and returns its result and the seconds it took.
func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
    let start = now()
    let result = try await body()
    return (result, now() - start)
}

/// The value at fraction `q` (0…1) of sorted `values`.
func quantile(_ values: [Double], _ q: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
}
