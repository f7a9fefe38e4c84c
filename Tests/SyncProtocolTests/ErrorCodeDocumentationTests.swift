import Foundation
import SamenspelTestSupport
import SyncProtocol
import Testing

/// The operator's guide and the OpenAPI description list the error codes the server sends, with their HTTP
/// statuses, exactly as ``ErrorCode/all`` does (issue 20: `Deploy/README.md` once named the wrong status for
/// `batchTooLarge`). A code added to the code, or a status changed, fails here until the documents follow.
@Suite struct ErrorCodeDocumentationTests {
    /// ``ErrorCode/all`` as a dictionary (each code is listed once: checked below).
    static func listed() -> [String: [Int]] {
        Dictionary(ErrorCode.all.map { ($0.code.rawValue, $0.statuses) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func errorCodeAll_listsEveryCodeOnce_withSortedStatuses() throws {
        let codes = ErrorCode.all.map(\.code.rawValue)
        #expect(Set(codes).count == codes.count, "a code is listed twice in ErrorCode.all")
        for entry in ErrorCode.all {
            #expect(!entry.statuses.isEmpty && entry.statuses == entry.statuses.sorted(), "\(entry.code)")
            #expect(Set(entry.statuses).count == entry.statuses.count, "\(entry.code)")
            #expect(entry.statuses.allSatisfy { $0 == 200 || (400...599).contains($0) }, "\(entry.code)")
        }
        // Every `public static let x = ErrorCode("x")` of ErrorCode is in the list, and nothing else. (The
        // server's storage layer and the replica declare their own codes elsewhere: they are never sent.)
        let source = try RepositoryFiles.text("Sources/SyncProtocol/ErrorDetail.swift")
        let declaration = try #require(source.range(of: "public struct ErrorCode:"))
        let body = try #require(source.range(of: "{", range: declaration.upperBound..<source.endIndex)).upperBound
        let end = try #require(source.range(of: "\n}\n", range: body..<source.endIndex)).lowerBound
        var declared: [String] = []
        for match in source[body..<end].matches(of: #/public static let (\w+) = ErrorCode\("(\w+)"\)/#) {
            #expect(match.output.1 == match.output.2, "ErrorCode.\(match.output.1) is \"\(match.output.2)\"")
            declared.append(String(match.output.2))
        }
        #expect(declared.count >= 30)
        let unlisted = Set(declared).subtracting(codes).sorted()
        let undeclared = Set(codes).subtracting(declared).sorted()
        #expect(unlisted.isEmpty, "codes of ErrorCode missing from ErrorCode.all: \(unlisted)")
        #expect(undeclared.isEmpty, "codes in ErrorCode.all without their static let: \(undeclared)")
        // Every code the push planner gives per change is in the list (as a per-change or a push-refusing code).
        #expect(Set(ErrorCode.perChange.map(\.rawValue)).isSubset(of: codes))
        #expect(ErrorCode.all.allSatisfy { $0.code.isKnown })
    }

    /// A code is a plain JSON string on the wire, byte for byte as when codes were strings, and a code this
    /// version does not know (a newer server's) decodes as itself.
    @Test func errorCode_isAPlainStringOnTheWire_andKeepsUnknownCodes() throws {
        let detail = ErrorDetail(code: ErrorCode.outOfScope, message: "not in your caseload")
        let encoded = try WireCoding.makeEncoder().encode(ErrorBody(error: detail))
        let asStrings = try WireCoding.makeEncoder().encode(["error": ["code": "outOfScope", "message": "not in your caseload"]])
        #expect(encoded == asStrings)
        let result = PushResult(id: "a", status: .rejected, error: ErrorDetail(code: ErrorCode.idReused, message: "m"))
        let json = try #require(String(data: WireCoding.makeEncoder().encode(result), encoding: .utf8))
        #expect(json.contains(#""code":"idReused""#), "\(json)")
        #expect(try WireCoding.makeDecoder().decode(PushResult.self, from: Data(json.utf8)) == result)

        let newer = try WireCoding.makeDecoder().decode(
            ErrorBody.self, from: Data(#"{"error":{"code":"someNewerCode","message":"m"}}"#.utf8))
        #expect(newer.error.code == ErrorCode("someNewerCode") && newer.error.code.rawValue == "someNewerCode")
        #expect(!newer.error.code.isKnown && ErrorCode.rateLimited.isKnown)
        #expect("\(ErrorCode.cursorExpired)" == "cursorExpired" && ErrorCode(rawValue: "notFound") == .notFound)
        #expect(throws: DecodingError.self) {
            try WireCoding.makeDecoder().decode(ErrorBody.self, from: Data(#"{"error":{"code":7,"message":"m"}}"#.utf8))
        }
    }

    @Test func deployReadme_errorCodeTable_matchesErrorCodeAll() throws {
        let rows = try Self.errorTable(in: RepositoryFiles.text("Deploy/README.md"))
        let documented = Dictionary(rows.map { ($0.code, $0.statuses) }, uniquingKeysWith: { first, _ in first })
        #expect(documented.count == rows.count, "a code has two rows: \(rows.map(\.code).sorted())")
        let listed = Self.listed()
        let missing = Set(listed.keys).subtracting(documented.keys).sorted()
        let extra = Set(documented.keys).subtracting(listed.keys).sorted()
        #expect(missing.isEmpty, "codes of ErrorCode.all missing from Deploy/README.md's table: \(missing)")
        #expect(extra.isEmpty, "codes in Deploy/README.md's table that ErrorCode.all does not have: \(extra)")
        for (code, statuses) in listed.sorted(by: { $0.key < $1.key }) {
            guard let row = rows.first(where: { $0.code == code }) else { continue }
            #expect(
                row.statuses == statuses, "\(code): Deploy/README.md says \(row.statuses), ErrorCode.all \(statuses)")
            #expect(
                statuses.contains(200) == row.statusText.contains("per change"),
                "\(code): the status column says 'per change' exactly for codes of a 200 push answer")
        }
    }

    /// The protocol's own table (Protocol/README.md §12) has every code a request can fail with, under each
    /// status the server answers it with; the codes that only come per change in a `200` push answer are §5's.
    @Test func protocolReadme_errorTable_matchesErrorCodeAll() throws {
        let lines = try RepositoryFiles.text("Protocol/README.md").split(separator: "\n").map(String.init)
        let heading = try #require(lines.firstIndex { $0.hasPrefix("## 12. Errors") }, "no '## 12. Errors' in Protocol/README.md")
        let end = lines[(heading + 1)...].firstIndex { $0.hasPrefix("## ") } ?? lines.endIndex
        var documented: [String: Set<Int>] = [:]
        for line in lines[heading..<end] where line.hasPrefix("|") {
            let cells = Self.cells(of: line)
            guard cells.count == 3, let status = Int(cells[0]) else { continue }
            for match in cells[1].matches(of: #/`(\w+)`/#) { documented[String(match.output.1), default: []].insert(status) }
        }
        let expected = Dictionary(uniqueKeysWithValues: ErrorCode.all.compactMap { entry -> (String, Set<Int>)? in
            let statuses = Set(entry.statuses.filter { $0 != 200 })
            return statuses.isEmpty ? nil : (entry.code.rawValue, statuses)
        })
        #expect(expected.count >= 20)
        let missing = Set(expected.keys).subtracting(documented.keys).sorted()
        let extra = Set(documented.keys).subtracting(expected.keys).sorted()
        #expect(missing.isEmpty, "request codes of ErrorCode.all missing from Protocol/README.md §12: \(missing)")
        #expect(extra.isEmpty, "codes in Protocol/README.md §12 that no request fails with: \(extra)")
        for (code, statuses) in expected.sorted(by: { $0.key < $1.key }) where documented[code] != nil {
            #expect(documented[code] == statuses, "\(code): §12 says \(documented[code]!.sorted()), ErrorCode.all \(statuses.sorted())")
        }
    }

    @Test func openAPI_namesEveryCode_whereItsStatusBelongs() throws {
        let openAPI = try RepositoryFiles.text("Protocol/openapi.yaml")
        for entry in ErrorCode.all {
            let named = openAPI.contains("`\(entry.code)`")
            #expect(named, "Protocol/openapi.yaml never names `\(entry.code)`")
        }
        // The error body's code: every request-level code in its description, or in its enum if it has one.
        let errorDetail = try Self.schema("ErrorDetail", in: openAPI)
        let requestLevel = ErrorCode.all.filter { $0.statuses.contains { $0 != 200 } }.map(\.code)
        for code in requestLevel {
            let named = errorDetail.contains("`\(code)`")
            #expect(named, "ErrorDetail.code in Protocol/openapi.yaml does not name `\(code)`")
        }
        if let line = errorDetail.split(separator: "\n").first(where: { $0.contains("enum:") }) {
            let inner = line.drop { $0 != "[" }.dropFirst().prefix { $0 != "]" }
            let values = inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(Set(values) == Set(ErrorCode.all.map(\.code.rawValue)), "ErrorDetail.code's enum differs from ErrorCode.all")
        }
        // A push result's error: every code a 200 push answer can carry.
        let pushResult = try Self.schema("PushResult", in: openAPI)
        for entry in ErrorCode.all where entry.isPerChange {
            let named = pushResult.contains("`\(entry.code)`")
            #expect(named, "PushResult.error in Protocol/openapi.yaml does not name `\(entry.code)`")
        }
    }

    /// The parser refuses what it cannot read, so a reshaped table fails loudly instead of matching nothing.
    @Test func errorTable_readsRows_andRefusesAnotherShape() throws {
        let good = """
            # Guide

            ## Error codes

            Text.

            | code | HTTP status | what it means | what the operator / laptop does |
            |---|---|---|---|
            | `a` | 400 | x \\| y | z |
            | `b` | 200, per change; 404 | x | z |

            ## Next
            """
        let rows = try Self.errorTable(in: good)
        #expect(rows.map(\.code) == ["a", "b"])
        #expect(rows.map(\.statuses) == [[400], [200, 404]])
        let broken = [
            ("## Error codes", "## Codes"),  // no heading
            ("| z |\n| `b`", "|\n| `b`"),  // a row of 3 cells
            ("`b`", "b"),  // a code without backticks
            ("| 400 |", "| bad request |"),  // no status
            ("HTTP status", "status"),  // another header
        ]
        for (text, replacement) in broken {
            #expect(throws: TableError.self, "\(replacement)") {
                try Self.errorTable(in: good.replacingOccurrences(of: text, with: replacement))
            }
        }
    }

    // MARK: Reading the documents

    struct TableError: Error, CustomStringConvertible {
        let description: String
    }

    struct Row {
        let code: String
        let statuses: [Int]
        let statusText: String
    }

    /// The rows of the first table under the heading `## Error codes`: a code in backticks, then its HTTP
    /// statuses (every three-digit number of the cell, ascending), then two columns of text.
    static func errorTable(in markdown: String) throws -> [Row] {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let headings = lines.indices.filter { lines[$0].trimmingCharacters(in: .whitespaces) == "## Error codes" }
        guard headings.count == 1, let heading = headings.first else {
            throw TableError(description: "expected one heading '## Error codes', found \(headings.count)")
        }
        var index = heading + 1
        while index < lines.count, !lines[index].hasPrefix("|") {
            guard !lines[index].hasPrefix("#") else { throw TableError(description: "no table under '## Error codes'") }
            index += 1
        }
        var table: [[String]] = []
        while index < lines.count, lines[index].hasPrefix("|") {
            table.append(cells(of: lines[index]))
            index += 1
        }
        let header = ["code", "http status", "what it means", "what the operator / laptop does"]
        guard table.count >= 3, table[0].map({ $0.lowercased() }) == header,
            table[1].allSatisfy({ $0.wholeMatch(of: #/:?-{3,}:?/#) != nil })
        else { throw TableError(description: "the table under '## Error codes' must have the columns \(header)") }
        return try table.dropFirst(2).map { cells in
            guard cells.count == 4 else { throw TableError(description: "a row without 4 cells: \(cells)") }
            guard let code = cells[0].wholeMatch(of: #/`(\w+)`/#)?.output.1 else {
                throw TableError(description: "a code cell that is not one `code`: \(cells[0])")
            }
            let statuses = cells[1].matches(of: #/\b[1-5][0-9][0-9]\b/#).compactMap { Int($0.output) }
            guard !statuses.isEmpty else { throw TableError(description: "\(code): no HTTP status in '\(cells[1])'") }
            return Row(code: String(code), statuses: Array(Set(statuses)).sorted(), statusText: cells[1])
        }
    }

    /// The cells of a markdown table row, trimmed; `\|` is a bar inside a cell.
    static func cells(of line: String) -> [String] {
        var cells: [String] = []
        var cell = ""
        var escaped = false
        for character in line.trimmingCharacters(in: .whitespaces).dropFirst() {
            if escaped {
                cell.append(character)
                escaped = false
            } else if character == "\\" {
                cell.append(character)
                escaped = true
            } else if character == "|" {
                cells.append(cell.trimmingCharacters(in: .whitespaces))
                cell = ""
            } else {
                cell.append(character)
            }
        }
        let last = cell.trimmingCharacters(in: .whitespaces)
        if !last.isEmpty { cells.append(last) }
        return cells
    }

    /// The lines of a schema under `components/schemas` of the OpenAPI file, from its name to the next schema.
    static func schema(_ name: String, in yaml: String) throws -> String {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0 == "    \(name):" }) else {
            throw TableError(description: "no schema \(name) in Protocol/openapi.yaml")
        }
        let end = lines[(start + 1)...].firstIndex { line in
            line.count > 4 && line.hasPrefix("    ") && line.dropFirst(4).first.map { $0 != " " } == true
                || line.first.map { $0 != " " } == true
        } ?? lines.endIndex
        return lines[start..<end].joined(separator: "\n")
    }
}
