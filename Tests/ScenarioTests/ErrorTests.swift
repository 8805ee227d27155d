import Scenario
import Testing

@Suite("Syntax errors")
struct ErrorTests {
    /// Each case: script, the exact one-line message, and the caret line under the script's offending line.
    static let cases: [(String, String, String)] = [
        ("0 sokcet(..., SOCK_STREAM, IPPROTO_TCP) = 3",
         "t.pkt:1:3: expected a system call (socket, setsockopt, getsockopt, bind, listen, accept, connect, write, send, read, recv, shutdown, close or FreeRTOS_…), found 'sokcet' (did you mean socket?)",
         "  ^"),
        ("--personality=linux",
         "t.pkt:1:15: expected 'freertos' or 'rfc', found 'linux'",
         "              ^"),
        ("--seeds=3",
         "t.pkt:1:1: expected an option (--personality, --config, --tolerance_usecs, --seed, --device_app, --peer_app or -D NAME=value), found '--seeds=3' (did you mean --seed?)",
         "^"),
        ("--seed",
         "t.pkt:1:1: expected '--seed=N', found '--seed'",
         "^"),
        ("--seed=x1",
         "t.pkt:1:8: expected a seed (a number from 0 to 2^64-1), found 'x1'",
         "       ^"),
        ("--tolerance_usecs=-5",
         "t.pkt:1:19: expected a number of microseconds, found '-5'",
         "                  ^"),
        ("-X",
         "t.pkt:1:1: expected an option (--personality, --config, --tolerance_usecs, --seed, --device_app, --peer_app or -D NAME=value), found '-X'",
         "^"),
        ("-D",
         "t.pkt:1:3: expected NAME=value after '-D', found end of line",
         "  ^"),
        ("-D 9X=1",
         "t.pkt:1:4: expected a define name (letters, digits and _), found '9X'",
         "   ^"),
        ("-DNAME",
         "t.pkt:1:3: expected NAME=value after '-D', found 'NAME'",
         "  ^"),
        ("0 close(3) = 0\n--seed=1",
         "t.pkt:2:1: expected options before the first event, found '--seed=1'",
         "^"),
        ("+0.1 < SYN 0:0(0)",
         "t.pkt:1:8: expected TCP flags (such as S, S., ., F., P., R. or -), found 'SYN'",
         "       ^"),
        ("+0.1 < S 0:0 win 5",
         "t.pkt:1:14: expected '(' and the length in start:end(length), found 'win'",
         "             ^"),
        ("+0.1 < S 1:6(4)",
         "t.pkt:1:14: expected length 5 to match 1:6, found '4'",
         "             ^"),
        ("0 < P. 1:3(2) \"abc\"",
         "t.pkt:1:15: expected a payload of 2 bytes to match (2), found 3 bytes",
         "              ^"),
        ("0 < . 1:1(0) ack 1 wnd 5",
         "t.pkt:1:20: expected 'win', '<options>', 'port', 'addr' or end of line, found 'wnd'",
         "                   ^"),
        ("0 < . 1:1(0) ack 1 ack 2",
         "t.pkt:1:20: expected at most one 'ack' clause, found another 'ack'",
         "                   ^"),
        ("0 < . 1:1(0) win 65536",
         "t.pkt:1:18: expected a window (0 to 65535), found '65536'",
         "                 ^"),
        ("0 < S 0:0(0) <mss 1460,sackok>",
         "t.pkt:1:24: expected a TCP option (mss, sackOK, nop, wscale, TS, sack, eol or ...), found 'sackok' (did you mean sackOK?)",
         "                       ^"),
        ("0 < S 0:0(0) <mss 1460 nop>",
         "t.pkt:1:24: expected ',' or '>' after a TCP option, found 'nop'",
         "                       ^"),
        ("0 > S. 0:0(0) <...,mss 1>",
         "t.pkt:1:19: expected '>' after '...' (it must be the last option), found ','",
         "                  ^"),
        ("0 < S 0:0(0) <TS val 1>",
         "t.pkt:1:23: expected 'ecr' after the timestamp value, found '>'",
         "                      ^"),
        ("0 < S 0:0(0) addr 1.2.3",
         "t.pkt:1:19: expected an IPv4 address (such as 192.0.2.2), found '1.2.3'",
         "                  ^"),
        ("\tclose(3) = 0",
         "t.pkt:1:2: expected an event time (such as 0, +0.1, 1~2, 0...0.5 or *), found 'close'",
         "\t^"),
        ("10ms close(3) = 0",
         "t.pkt:1:1: expected a time in seconds with at most 9 decimals (such as 0.1), found '10ms'",
         "^"),
        ("0.0000000001 close(3) = 0",
         "t.pkt:1:1: expected a time in seconds with at most 9 decimals (such as 0.1), found '0.0000000001'",
         "^"),
        ("2~1 > . 1:1(0)",
         "t.pkt:1:3: expected an upper bound of at least 2, found '1'",
         "  ^"),
        ("+2...+1 close(3) = 0",
         "t.pkt:1:6: expected an end time of at least +2, found '+1'",
         "     ^"),
        ("0...1 > . 1:1(0)",
         "t.pkt:1:7: expected a system call after the blocking time '0...1', found '>'",
         "      ^"),
        ("+1",
         "t.pkt:1:3: expected '<', '>', a system call or '%{ … }%' after the event time, found end of file",
         "  ^"),
        ("0 close(3) = ENOTCONN junk",
         "t.pkt:1:23: expected end of line, found 'junk'",
         "                      ^"),
        ("+1 ! close(3) = 0",
         "t.pkt:1:4: expected '<', '>', a system call or '%{ … }%' after the event time, found '!'",
         "   ^"),
        ("0 close(3) = 0 junk",  // after a number, a name is read as an errno
         "t.pkt:1:16: expected an errno name (such as ENOTCONN) or end of line, found 'junk'",
         "               ^"),
        ("0 close(3 4) = 0",
         "t.pkt:1:11: expected ',' or ')' after an argument, found '4'",
         "          ^"),
        ("0 close(3)",
         "t.pkt:1:11: expected '=' and the expected result after the call, found end of file",
         "          ^"),
        ("0 close(3) =\n",
         "t.pkt:1:13: expected a result (a number, -1 ENAME, -pdFREERTOS_ERRNO_ENAME, a name or ...), found end of line",
         "            ^"),
        ("0 close(3) = -1 NOTCONN",
         "t.pkt:1:17: expected an errno name (such as ENOTCONN) or end of line, found 'NOTCONN'",
         "                ^"),
        ("0 close(3) = -1 ENOTCONN (unclosed",
         "t.pkt:1:26: expected ')' to close the comment opened here, found end of line",
         "                         ^"),
        ("0 close(3) = -pdFREERTOS_ENOTCONN",
         "t.pkt:1:15: expected a number or pdFREERTOS_ERRNO_… after '-', found 'pdFREERTOS_ENOTCONN'",
         "              ^"),
        ("0 close(99999999999999999999) = 0",
         "t.pkt:1:9: expected a number that fits in 64 bits, found '99999999999999999999'",
         "        ^"),
        ("0 close(3, @) = 0",
         "t.pkt:1:12: expected an argument (a number, a name, ..., [array], {struct} or \"string\"), found '@'",
         "           ^"),
        ("0 close(3, é) = 0",
         "t.pkt:1:12: expected an argument (a number, a name, ..., [array], {struct} or \"string\"), found 'é'",
         "           ^"),
        ("// déjà vu\n0 < S 0:0(0)\n+0 %{ ok }% é",
         "t.pkt:3:13: expected end of line, found 'é'",
         "            ^"),
        ("0 < S 0:0(0) <mss 1460> \"é\" ",
         "t.pkt:1:25: expected 'ack', 'win', 'port', 'addr' or end of line, found string \"é\"",
         "                        ^"),
    ]

    @Test(arguments: cases)
    func messageAndCaret(source: String, message: String, caret: String) {
        guard let error = parseError(source) else { return }
        #expect(error.description == message)
        #expect(error.caretLine(source: source) == caret)
    }

    /// Times that go backwards parse, but a run refuses them at the offending time.
    @Test(arguments: [
        ("1.0 %{ assert true }%\n+0.5 %{ assert true }%\n0.5 %{ assert true }%",
         "t.pkt:3:1: expected a time at or after the previous event's 1.500000 s, found 0.500000 s"),
        ("2 %{ assert true }%\n1~3 %{ assert true }%",
         "t.pkt:2:1: expected a time at or after the previous event's 2.000000 s, found 1.000000 s"),
    ])
    func timesThatGoBackwardsAreLocated(source: String, message: String) throws {
        let script = try Script.parse(source, file: "t.pkt")
        #expect(throws: ScenarioError.self) { try script.checkTimesGoForward(file: "t.pkt") }
        do {
            try script.checkTimesGoForward(file: "t.pkt")
        } catch {
            #expect(error.description == message)
        }
        let forward = try Script.parse("1 %{ assert true }%\n+0.5 %{ assert true }%\n1.5 %{ assert true }%\n* %{ assert true }%")
        #expect(throws: Never.self) { try forward.checkTimesGoForward(file: "t.pkt") }
    }

    @Test func renderedErrorHasMessageSourceLineAndCaret() {
        let source = "0 close(3) = 0\n+0.1   < S 1:6(4) win 5\n"
        guard let error = parseError(source) else { return }
        #expect(error == ScenarioError(file: "t.pkt", line: 2, column: 16, expected: "length 5 to match 1:6", found: "'4'"))
        #expect(error.rendered(source: source) == """
            t.pkt:2:16: expected length 5 to match 1:6, found '4'
            +0.1   < S 1:6(4) win 5
                           ^
            """)
    }

    @Test func unterminatedBlockIsReportedAtItsStart() {
        let source = "0 close(3) = 0\n+0 %{ assert x\n+1 close(4) = 0\n"
        #expect(parseError(source)?.description == "t.pkt:2:4: expected '}%' to close the '%{' block opened here, found end of file")
    }

    @Test func unterminatedCommentIsReportedAtItsStart() {
        let source = "0 close(3) = 0 /* no end\n+1 close(4) = 0\n"
        #expect(parseError(source)?.description == "t.pkt:1:16: expected '*/' to close the comment opened here, found end of file")
        #expect(parseError("--seed=1 /* x")?.description == "t.pkt:1:10: expected '*/' to close the comment opened here, found end of file")
    }

    @Test func unterminatedStringIsReportedAtItsStart() {
        #expect(parseError("0 write(3, \"abc, 3) = 3\n")?.description == "t.pkt:1:12: expected '\"' to close the string opened here, found end of line")
        #expect(parseError("0 write(3, \"abc")?.description == "t.pkt:1:12: expected '\"' to close the string opened here, found end of file")
    }

    @Test func badEscapes() {
        #expect(parseError(#"0 write(3, "a\q", 2) = 2"#)?.description
            == #"t.pkt:1:14: expected an escape (\n, \r, \t, \0, \\, \" or \xHH), found '\q'"#)
        #expect(parseError(#"0 write(3, "a\xZ1", 2) = 2"#)?.description
            == #"t.pkt:1:14: expected an escape (\n, \r, \t, \0, \\, \" or \xHH), found '\xZ1'"#)
    }

    @Test func errorsAreEquatableValues() {
        #expect(throws: ScenarioError(file: "x.pkt", line: 1, column: 1, expected: "an event time (such as 0, +0.1, 1~2, 0...0.5 or *)", found: "'<'")) {
            try Script.parse("< S 0:0(0)", file: "x.pkt")
        }
    }

    @Test func longTokensAreShortenedInMessages() {
        let name = String(repeating: "x", count: 100)
        #expect(parseError("0 \(name)() = 0")?.found.hasSuffix("…'") == true)
    }
}
