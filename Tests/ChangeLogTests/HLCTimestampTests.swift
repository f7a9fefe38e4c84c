import ChangeLog
import Foundation
import SamenspelTestSupport
import Testing

@Suite struct HLCTimestampTests {
    @Test func text_roundTripsAndHasFixedWidth() {
        let timestamp = HLCTimestamp(wallMillis: 1_764_412_171_123, logical: 42)
        #expect(timestamp.description == "001764412171123-00042")
        #expect(HLCTimestamp(timestamp.description) == timestamp)
        #expect(HLCTimestamp.zero.description == "000000000000000-00000")
    }

    @Test func textOrder_equalsTimestampOrder() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<2000 {
            let a = HLCTimestamp(wallMillis: Int64.random(in: 0...2_000_000_000_000, using: &generator),
                                 logical: UInt16.random(in: 0...UInt16.max, using: &generator))
            let b = HLCTimestamp(wallMillis: a.wallMillis + Int64.random(in: -2...2, using: &generator),
                                 logical: UInt16.random(in: 0...UInt16.max, using: &generator))
            #expect((a < b) == (a.description < b.description))
        }
    }

    @Test(arguments: [
        "", "1764412171123-00042", "001764412171123-0004", "001764412171123_00042", "00176441217112a-00042",
        "001764412171123-99999", "001764412171123-65536", " 01764412171123-00042", "-01764412171123-00042", "001764412171123-00042 ",
    ])
    func parsing_rejectsMalformedText(_ text: String) {
        #expect(HLCTimestamp(text) == nil)
    }

    @Test func decoding_rejectsMalformedTimestampWithAnError() {
        let json = Data(#"["2026-11-29T10:00:00Z"]"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([HLCTimestamp].self, from: json) }
    }
}

