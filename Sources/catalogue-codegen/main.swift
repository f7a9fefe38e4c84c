// Writes the intervention catalogue's Swift table from Protocol/intervention-catalogue.json, so the code reads
// the catalogue from the file the protocol publishes, not from a copy (the CatalogueCodegen build plugin
// runs it for the Casework target). Usage: catalogue-codegen INPUT.json OUTPUT.swift
import Foundation

struct Catalogue: Decodable {
    struct Kind: Decodable {
        let code: String
        let valence: String
        let targets: [String]
        let behaviour: String
        let label: [String: String]
    }

    let format: String
    let kinds: [Kind]
}

func literal(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}

func member(_ name: String) throws -> String {
    guard !name.isEmpty, name.allSatisfy({ $0.isASCII && $0.isLetter }) else {
        throw NSError(domain: "catalogue-codegen", code: 1, userInfo: [NSLocalizedDescriptionKey: "not a code: \(name)"])
    }
    return "." + name
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: catalogue-codegen INPUT.json OUTPUT.swift\n".utf8))
    exit(64)
}
let catalogue = try JSONDecoder().decode(Catalogue.self, from: Data(contentsOf: URL(fileURLWithPath: arguments[1])))
guard catalogue.format == "samenspel.intervention-catalogue.v1" else {
    FileHandle.standardError.write(Data("\(arguments[1]): unknown format \(catalogue.format)\n".utf8))
    exit(65)
}
var lines = [
    "// Generated from Protocol/intervention-catalogue.json by the CatalogueCodegen build plugin: edit the JSON.",
    "extension InterventionCatalogue {",
    "    /// The published catalogue, in its order.",
    "    static let published: [InterventionKind] = [",
]
for kind in catalogue.kinds {
    guard let english = kind.label["en"], let dutch = kind.label["nl"] else {
        FileHandle.standardError.write(Data("\(kind.code): needs an en and an nl label\n".utf8))
        exit(65)
    }
    let targets = try kind.targets.map(member).joined(separator: ", ")
    lines.append(
        "        .init(code: \(literal(kind.code)), valence: \(try member(kind.valence)), targets: [\(targets)], "
            + "behaviour: \(try member(kind.behaviour)), label: \(literal(english)), dutchLabel: \(literal(dutch))),")
}
lines += ["    ]", "}", ""]
try lines.joined(separator: "\n").write(toFile: arguments[2], atomically: true, encoding: .utf8)
