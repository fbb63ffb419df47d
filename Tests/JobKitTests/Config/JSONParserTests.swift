import Foundation
@testable import JobKit
import Testing

/// The jobs file's JSON parser: RFC 8259 exactly, with positions and key order kept.
@Suite struct JSONParserTests {
    func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        let bytes = Array(text.utf8)
        return try JSONParser.parse(bytes, locator: SourceLocator(bytes: bytes))
    }

    /// The message of the error `text` causes, prefixed with its line and column.
    func failure(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        do {
            _ = try JSONParser.parse(bytes, locator: SourceLocator(bytes: bytes))
            return nil
        } catch {
            let (line, column) = SourceLocator(bytes: bytes).position(of: error.offset)
            return "\(line):\(column): \(error.message)"
        }
    }

    @Test func objectsKeepKeyOrderDuplicatesAndPositions() throws {
        let value = try parse(#"{"b": 1, "a": [true, null], "b": "x"}"#)
        let members = try #require(value.members)
        #expect(members.map(\.key) == ["b", "a", "b"])
        #expect(members.map(\.keyOffset) == [1, 9, 28])
        #expect(members.map(\.value.offset) == [6, 14, 33])
        #expect(members[1].value.content == .array([
            JSONValue(content: .bool(true), offset: 15),
            JSONValue(content: .null, offset: 21),
        ]))
    }

    static let strings: [(String, String)] = [
        (#""plain""#, "plain"),
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{08}\u{0C}\n\r\t"),
        (#""caf\u00e9 \u00E9""#, "café é"),
        (#""\ud83c\udf1e""#, "🌞"),
        (#""🌞 direct""#, "🌞 direct"),
        (#""""#, ""),
    ]

    @Test(arguments: strings)
    func stringsDecodeEveryEscape(json: String, expected: String) throws {
        #expect(try parse(json).content == .string(expected))
    }

    static let numbers = ["0", "-0", "90", "0.5", "-1.25", "1e3", "1E+3", "2.5e-3", "12345678901234567890"]

    @Test(arguments: numbers)
    func numbersAreKeptAsWritten(json: String) throws {
        #expect(try parse(json).content == .number(json))
    }

    static let failures: [(String, String)] = [
        ("01", "1:1: invalid number 01; JSON numbers look like 90, 0.5 or 1e3."),
        ("1.", "1:1: invalid number 1.; JSON numbers look like 90, 0.5 or 1e3."),
        (".5", "1:1: invalid number .5; JSON numbers look like 90, 0.5 or 1e3."),
        ("+1", "1:1: invalid number +1; JSON numbers look like 90, 0.5 or 1e3."),
        ("1e", "1:1: invalid number 1e; JSON numbers look like 90, 0.5 or 1e3."),
        ("NaN", "1:1: NaN is not a JSON value; text needs double quotes, as in \"NaN\"."),
        (#""\x41""#, #"1:2: invalid escape \x in a string; use \", \\, \/, \b, \f, \n, \r, \t or \uXXXX."#),
        (#""\u12""#, #"1:2: \u must be followed by four hex digits, as in \u00E9."#),
        (#""\ud83c""#, #"1:2: \uD83C is the first half of a surrogate pair without its second half."#),
        (#""\udf1e""#, #"1:2: \uDF1E is the second half of a surrogate pair without its first half."#),
        ("\"a\u{01}\"", "1:3: a string cannot hold the control character U+0001; write \\u0001."),
        ("\"abc", "1:1: unterminated string; the file ends before its closing quote."),
        ("{\"a\" 1}", "1:6: expected \":\" after the key \"a\", found \"1\"."),
        ("{a: 1}", "1:2: the key a needs double quotes: \"a\"."),
        ("{'a': 1}", "1:2: JSON keys need double quotes, not single quotes."),
        ("{\"a\": 1,\n  # note\n}", "2:3: JSON has no comments."),
        ("[1 2]", "1:4: expected \",\" or \"]\" in the array that starts at line 1, column 1, found \"2\"; is a comma missing?"),
        ("[1, ", "1:5: the file ends before the array that starts at line 1, column 1 is closed; add \"]\"."),
        ("{\"é\": ×}", "1:7: expected a value, found \"×\"."),
        ("[\n\t\"x\",\n\t\u{7F}]", "3:2: expected a value, found U+007F."),
    ]

    @Test(arguments: failures)
    func syntaxErrorsSayWhereAndWhy(json: String, expected: String) {
        #expect(failure(json) == expected)
    }

    @Test func invalidUTF8InAStringIsRefused() {
        var bytes = Array(#"{"name": "ab"}"#.utf8)
        bytes[10] = 0xFF
        #expect(throws: JSONSyntaxError(at: 9, "the string is not valid UTF-8")) {
            try JSONParser.parse(bytes, locator: SourceLocator(bytes: bytes))
        }
    }

    @Test func nestingIsLimited() {
        let deep = String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        let fine = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect(failure(deep) == "1:\(JSONParser.maximumDepth + 1): objects and arrays nest more than \(JSONParser.maximumDepth) deep.")
        #expect(failure(fine) == nil)
    }

    @Test func compactJSONKeepsOrderAndNumbers() throws {
        let value = try parse("{ \"z\" : [ 1.50 , -0 , null ] ,\n \"a\" : { \"tab\" : \"\\t\\u0001/\" } }")
        #expect(value.compactJSON == #"{"z":[1.50,-0,null],"a":{"tab":"\t\u0001/"}}"#)
    }

    @Test func columnsCountCharactersNotBytes() {
        let bytes = Array("é€🌞x\nab".utf8)
        let locator = SourceLocator(bytes: bytes)
        #expect(locator.position(of: 0) == (1, 1))
        #expect(locator.position(of: 9) == (1, 4))  // x, after 2 + 3 + 4 bytes
        #expect(locator.position(of: 11) == (2, 1))
        #expect(locator.position(of: bytes.count) == (2, 3))
    }
}
