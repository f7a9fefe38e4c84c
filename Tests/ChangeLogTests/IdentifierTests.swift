import ChangeLog
import SamenspelTestSupport
import Testing

@Suite struct IdentifierTests {
    @Test func make_givesValidVersion7Uuids() {
        var generator = SeededGenerator(seed: 1)
        let id = Identifier.make(wallMillis: 1_764_412_171_123, using: &generator)
        #expect(Identifier.isValid(id))
        let characters = Array(id)
        #expect(characters[14] == "7")
        #expect("89ab".contains(characters[19]))
        #expect(id.hasPrefix("019acf29-2373"))  // 1764412171123 = 0x019ACF292373
    }

    @Test func make_isUniqueAndOrderedByTime() {
        var ids: [String] = []
        for millis in stride(from: Int64(1_700_000_000_000), to: 1_700_000_001_000, by: 10) {
            ids.append(Identifier.make(wallMillis: millis))
        }
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
    }

    @Test(arguments: [
        "", "01A226D5-7C0F-773C-869A-6BD13EA9AC37", "01a226d5-7c0f-773c-869a-6bd13ea9ac3", "01a226d5_7c0f-773c-869a-6bd13ea9ac37",
        "01a226d5-7c0f-773c-869a-6bd13ea9ac37 ", "g1a226d5-7c0f-773c-869a-6bd13ea9ac37", "../../etc/passwd",
    ])
    func isValid_rejectsAnythingButLowercaseCanonicalUuids(_ text: String) {
        #expect(!Identifier.isValid(text))
    }
}
