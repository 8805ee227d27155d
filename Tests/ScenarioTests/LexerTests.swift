import Scenario
import Testing

@Suite("Lexer")
struct LexerTests {
    private func tokens(_ source: String) throws -> [Token] {
        var lexer = Lexer(source: source, file: "t.pkt")
        var result: [Token] = []
        while true {
            let token = try lexer.next()
            result.append(token)
            if token.kind == .end { return result }
        }
    }

    @Test func kindsTextAndLocations() throws {
        let source = "/* é */ +0.1 < S. 0:0(0) \"ü\\n\" ... %{ x }% 0x1F 192.0.2.1 é\n*"
        let all = try tokens(source)
        #expect(all.map(\.text) == ["+", "0.1", "<", "S", ".", "0", ":", "0", "(", "0", ")", "\"ü\\n\"", "...", "%{ x }%", "0x1F", "192.0.2.1", "é", "\n", "*", ""])
        #expect(all[0].location == ScriptLocation(line: 1, column: 9, offset: 9))  // é is one column, two bytes
        #expect(all[11].kind == .string([0xC3, 0xBC, 0x0A]))
        #expect(all[12].kind == .ellipsis)
        #expect(all[13].kind == .block(" x "))
        #expect(all[16].kind == .punctuation)
        #expect(all[16].location.column == 59)
        #expect(all[17].kind == .newline)
        #expect(all[18].location == ScriptLocation(line: 2, column: 1, offset: source.utf8.count - 1))
        #expect(all[3].endOffset == all[4].location.offset)  // `S.` is written together
    }

    @Test func blockingTimesAndRangesSplitAtTheEllipsis() throws {
        #expect(try tokens("0...0.1").map(\.text) == ["0", "...", "0.1", ""])
        #expect(try tokens("0.5...1").map(\.text) == ["0.5", "...", "1", ""])
        #expect(try tokens("+.1~+.2").map(\.text) == ["+", ".1", "~", "+", ".2", ""])
    }

    @Test func optionWordsStopAtComments() {
        var lexer = Lexer(source: "--seed=1  -D X=a//b // c\n0", file: "t.pkt")
        #expect(lexer.optionWords().map(\.text) == ["--seed=1", "-D", "X=a//b"])
    }

    @Test func columnsCountScalarsNotBytes() {
        // Column 4 is the `@` after two two-byte and one three-byte scalar.
        #expect(parseError("é\u{00FC}€@")?.column == 1)
        #expect(parseError("0 <\u{00A0}S 0:0(0)")?.description == "t.pkt:1:4: expected TCP flags (such as S, S., ., F., P., R. or -), found '\u{00A0}'")
    }
}
