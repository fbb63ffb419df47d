import Foundation
@testable import JobKit
import Testing

/// The hand-written encodings of the batch and control-poll parameters read back, on the
/// server and in Foundation, as exactly the strings encoded: quotes, backslashes, separators,
/// braces, control characters, non-ASCII text, empty strings and NULL. And the integers of a
/// result are read from libpq's text as `Int64(String)` reads them.
@Suite struct ParameterEncodingTests {
    static let awkward: [String] = [
        "plain", "", "with \"quotes\"", "back\\slash", "\\\"", "comma,separated", "{braces}", "NULL", "null",
        "tab\tnew\nline", "\u{1}\u{1F}\u{7F}", "ünïcödé ✓ 日本", "emoji 🧪", "line\u{2028}para\u{2029}", " spaced ",
        "trailing\\",
    ]

    @Test func aPostgresArrayLiteralReadsBackAsItsElements() throws {
        let url = try TestDatabase.url
        let elements: [String?] = Self.awkward + [nil, "after null"]
        let rows = try PostgresTestSQL.rows(
            url, "SELECT value FROM unnest($1::text[]) WITH ORDINALITY AS u(value, n) ORDER BY n",
            [PostgresArrayLiteral.text(elements)]
        )
        #expect(rows.map { $0[0] } == elements)
        #expect(try PostgresTestSQL.rows(url, "SELECT cardinality($1::text[])", [PostgresArrayLiteral.text([])]) == [["0"]])
    }

    @Test func aJSONStringArrayParsesAsItsStrings() throws {
        for strings in [Self.awkward, [], ["one"]] {
            let text = JSONStringArray.text(strings)
            let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String]
            #expect(parsed == strings, "\(text)")
        }
    }

    @Test func aJSONStringArrayReadsBackOnTheServer() throws {
        let rows = try PostgresTestSQL.rows(
            try TestDatabase.url, "SELECT value FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS j(value, n) ORDER BY n",
            [JSONStringArray.text(Self.awkward)]
        )
        #expect(rows.map { $0[0] } == Self.awkward)
    }

    @Test func anIntegerColumnReadsAsInt64ReadsItsText() {
        let texts = [
            "0", "7", "-1", "1795000000000000", "9223372036854775807", "-9223372036854775808",
            "9223372036854775808", "-9223372036854775809", "99999999999999999999", "", "-", "12a", "a12", " 1", "1.5", "--1",
        ]
        for text in texts {
            let read = text.withCString { PostgresResult.decimal($0) }
            #expect(read == Int64(text), "\(text)")
        }
    }
}
