import Casework
import Foundation
import SamenspelTestSupport
import Testing

/// The catalogue is published as data in Protocol/intervention-catalogue.json, so a client written from the
/// spec reproduces the journey's labels and the defaults of each kind; the code's table must say exactly
/// the same. (The binary keeps the table compiled in: an installed `samenspel` has no resource folder to
/// read the file from, so this test is what keeps the two one.)
@Suite struct InterventionCatalogueTests {
    struct Published: Decodable {
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

    @Test func thePublishedCatalogue_isTheCodesCatalogue_kindForKindInOrder() throws {
        let published = try JSONDecoder().decode(
            Published.self, from: Data(try RepositoryFiles.text("Protocol/intervention-catalogue.json").utf8))
        #expect(published.format == "samenspel.intervention-catalogue.v1")
        #expect(published.kinds.map(\.code) == InterventionCatalogue.kinds.map(\.code))
        for (file, code) in zip(published.kinds, InterventionCatalogue.kinds) {
            #expect(file.valence == code.valence.rawValue, "\(code.code)")
            #expect(file.targets == code.targets.map(\.rawValue), "\(code.code)")
            #expect(file.behaviour == code.behaviour.rawValue, "\(code.code)")
            #expect(file.label == ["en": code.label, "nl": code.dutchLabel], "\(code.code)")
            #expect(InterventionCatalogue.label(of: code.code, in: .nl) == file.label["nl"])
        }
    }
}
