import ChangeLog
import Foundation
import SamenspelTestSupport
import Testing

@Suite struct JSONValueTests {
    @Test func canonicalText_sortsKeysAndHasNoWhitespace() {
        let value = JSONValue.object([
            "zeta": .int(1), "alpha": .array([.bool(true), .null, .double(1.5)]), "Beta": .string("x"),
        ])
        #expect(value.canonicalText == #"{"Beta":"x","alpha":[true,null,1.5],"zeta":1}"#)
    }

    @Test func canonicalText_escapesOnlyWhatJsonRequires() {
        let value = JSONValue.string("quote \" backslash \\ newline \n tab \t bell \u{07} slash / é 🙂")
        #expect(value.canonicalText == #""quote \" backslash \\ newline \n tab \t bell \u0007 slash / é 🙂""#)
    }

    @Test func decodingCanonicalText_givesTheSameValue() throws {
        let value = JSONValue.object([
            "text": .string("line one\nline \"two\""), "n": .int(-42), "list": .array([.string("a"), .object([:])]),
        ])
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(value.canonicalText.utf8))
        #expect(decoded == value)
        #expect(decoded.canonicalText == value.canonicalText)
    }

    @Test func canonicalPrettyText_isIndentedAndStable() {
        let value = JSONValue.object([
            "b": .array([.int(1), .object([:]), .array([])]), "a": .object(["x": .string("/")]),
        ])
        #expect(value.canonicalPrettyText == """
            {
              "a": {
                "x": "/"
              },
              "b": [
                1,
                {},
                []
              ]
            }
            """)
    }

    @Test func keyOrderOfTheInput_doesNotChangeTheCanonicalText() throws {
        let first = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"b": 1, "a": [2, 3]}"#.utf8))
        let second = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"a":[2,3],"b":1}"#.utf8))
        #expect(first.canonicalText == second.canonicalText)
    }
}
