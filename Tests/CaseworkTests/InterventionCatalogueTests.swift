import Casework
import Foundation
import SamenspelTestSupport
import Testing

/// The catalogue is published as data in Protocol/intervention-catalogue.json, so a client written from the
/// spec reproduces the journey's labels and the defaults of each kind; the CatalogueCodegen build plugin
/// generates the code's table from that file. This test reads the file itself and holds the built table to
/// it, kind for kind, so a broken generator cannot pass unnoticed.
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
