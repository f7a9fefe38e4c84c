import ChangeLog
import Foundation
import Testing

/// The fast payload reader reads exactly what `JSONDecoder` reads, and refuses what is not JSON.
@Suite struct JSONValueParsingTests {
    static let texts = [
        #"{"text":"Huisbezoek: \"goed\" gesprek\nmet \\ en \/ en \u00e9 \ud83d\ude00","score":3,"x":-0.5e2,"y":[true,false,null,[],{}]}"#,
        #"  [ 1 , -0 , 12345678901234 , 1.25 , 1E3 , "" , "é ñ ü 日本" ]  "#,
        #""plain""#, "0", "-17", "true", "null", #"{"a":{"b":{"c":[{"d":"e"}]}}}"#,
        #"{"tab":"\t","ctl":"\u0001","bs":"\b\f\r"}"#,
    ]

    @Test(arguments: texts) func readsTheSameValuesAsJSONDecoder(_ text: String) throws {
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        let parsed = try JSONValue(parsing: text)
        #expect(parsed == expected)
        #expect(try JSONValue(parsing: parsed.canonicalText) == parsed, "canonical text reads back")
    }

    static let invalid = [
        "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "nul", "\"open", "\"a\u{01}\"", "[1] x", "{\"a\":1,}",
        "\"\\x\"", "\"\\ud800\"", "1e", "NaN", "[" + String(repeating: "[", count: 600) + "]",
    ]

    @Test(arguments: invalid) func refusesWhatIsNotJSON(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test func canonicalText_escapesOnlyWhatItMust_andCopiesPlainTextWhole() {
        let value = JSONValue.object(["b": .string("plain text é"), "a": .string("quote \" slash \\ nl \n ctl \u{01}")])
        #expect(value.canonicalText == #"{"a":"quote \" slash \\ nl \n ctl \u0001","b":"plain text é"}"#)
    }
}
