import ArgumentParser
import Casework
import Foundation
import JourneyViews

/// How a list command prints: a table for people, or JSON for scripts.
enum ListFormat: String, ExpressibleByArgument, CaseIterable {
    /// Aligned columns under a header row; times in this computer's time zone (`07-12-2026 09:30`).
    case text
    /// One JSON object per line (keys as the header names them, in camelCase); times in UTC ISO 8601.
    case json
}

/// `--format text|json` of a list command.
struct ListFormatOptions: ParsableArguments {
    @Option(help: "text (a table with a header, local times) or json (one object per line, UTC times, for scripts).")
    var format: ListFormat = .text
}

/// One value in a list: text, a moment, a set of ids, or nothing.
enum ListValue {
    case text(String)
    case time(Int64)
    case list([String])
    case number(Int64)
    case none

    /// What a person reads in the table.
    var shown: String {
        switch self {
        case .text(let text): return text.isEmpty ? "-" : text
        case .time(let millis): return TimeZone.current.dutchDateTime(millis: millis)
        case .list(let items): return items.isEmpty ? "-" : items.joined(separator: ",")
        case .number(let number): return String(number)
        case .none: return "-"
        }
    }

    /// What a script reads in the JSON.
    var json: Any {
        switch self {
        case .text(let text): return text
        case .time(let millis): return CalendarTime.iso8601(millis: millis)
        case .list(let items): return items
        case .number(let number): return number
        case .none: return NSNull()
        }
    }
}

/// A list with named columns, printed as a table with a header row or as JSON lines.
struct ListOutput {
    /// A column: its header in the table and its key in the JSON.
    struct Column {
        let header: String
        let key: String
    }

    let columns: [Column]
    private(set) var rows: [[ListValue]] = []

    /// A list with these columns (header, JSON key).
    init(_ columns: [(String, String)]) {
        self.columns = columns.map { Column(header: $0.0, key: $0.1) }
    }

    /// Adds a row, one value per column.
    mutating func add(_ row: [ListValue]) {
        precondition(row.count == columns.count, "a row has one value per column")
        rows.append(row)
    }

    /// Prints the list on standard output.
    func print(_ format: ListFormat) throws {
        switch format {
        case .json:
            for row in rows {
                let object = Dictionary(uniqueKeysWithValues: zip(columns.map(\.key), row.map(\.json)))
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                Swift.print(String(decoding: data, as: UTF8.self))
            }
        case .text:
            let cells = [columns.map { $0.header.uppercased() }] + rows.map { $0.map(\.shown) }
            let widths = columns.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
            for line in cells {
                let padded = line.enumerated().map { index, cell in
                    index == line.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
                }
                Swift.print(padded.joined(separator: "  "))
            }
        }
    }
}
