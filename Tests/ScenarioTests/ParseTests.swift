import Scenario
import SimClock
import TCPWire
import Testing

@Suite("Parsing the simulator design's example")
struct DesignExampleTests {
    @Test func parsesEveryLineIntoTheExpectedStep() throws {
        let script = try Script.parse(designExample, file: "stall.pkt")
        #expect(script.options == [.personality(.freertos), .config("Fixtures/configs/terminal-server.h")])
        #expect(script.defines.isEmpty)
        let expected: [(EventTime, StepKind)] = [
            (.absolute(.zero), .call(CallSpec(name: "socket", arguments: [.any, .identifier("SOCK_STREAM"), .identifier("IPPROTO_TCP")], result: .value(3)))),
            (.relative(.zero), .call(CallSpec(name: "setsockopt", arguments: [.number(3), .identifier("SOL_SOCKET"), .identifier("FREERTOS_SO_REUSE_LISTEN_SOCKET"), .array([.number(1)]), .number(4)], result: .value(0)))),
            (.relative(.zero), .call(CallSpec(name: "bind", arguments: [.number(3), .any, .number(3301)], result: .value(0)))),
            (.relative(.zero), .call(CallSpec(name: "listen", arguments: [.number(3), .number(1)], result: .value(0)))),
            (.relative(ms(100)), .inbound(PacketSpec(flags: .syn, sequence: SequenceRange(start: SeqNumber(0), length: 0), window: 64240,
                options: .exactly([.maximumSegmentSize(1460), .sackPermitted, .noOperation, .noOperation, .noOperation, .windowScale(7)])))),
            (.relative(.zero), .outbound(PacketSpec(flags: [.syn, .ack], sequence: SequenceRange(start: SeqNumber(0), length: 0), ack: SeqNumber(1),
                options: .startingWith([.maximumSegmentSize(1460)])))),
            (.relative(ms(10)), .inbound(PacketSpec(flags: .ack, sequence: SequenceRange(start: SeqNumber(1), length: 0), ack: SeqNumber(1), window: 502))),
            (.relative(.seconds(1)), .call(CallSpec(name: "shutdown", arguments: [.number(3), .identifier("SHUT_RDWR")], result: .value(0)))),
            (.relative(.zero), .outbound(PacketSpec(flags: [.fin, .ack], sequence: SequenceRange(start: SeqNumber(1), length: 0), ack: SeqNumber(1)))),
            (.relative(ms(10)), .inbound(PacketSpec(flags: .ack, sequence: SequenceRange(start: SeqNumber(1), length: 0), ack: SeqNumber(2), window: 502))),
            (.relative(.zero), .assertion(" assert state(3) == eFIN_WAIT_1 and flags(3).finAcked ")),
            (.relative(.seconds(2)), .inbound(PacketSpec(flags: .syn, sequence: SequenceRange(start: SeqNumber(0), length: 0), window: 64240,
                options: .exactly([.maximumSegmentSize(1460)]), endpoint: EndpointSelector(port: 40002)))),
            (.relative(.zero), .outbound(PacketSpec(flags: [.rst, .ack], sequence: SequenceRange(start: SeqNumber(0), length: 0), ack: SeqNumber(1),
                endpoint: EndpointSelector(port: 40002)))),
            (.relative(.seconds(30)), .assertion(" assert state(3) == eCLOSE_WAIT ")),
        ]
        #expect(script.steps.count == expected.count)
        for (step, (time, kind)) in zip(script.steps, expected) {
            #expect(step.time == time, "line \(step.location.line)")
            #expect(step.kind == kind, "line \(step.location.line)")
        }
    }

    @Test func stepsCarryTheirSourceLocations() throws {
        let script = try Script.parse(designExample, file: "stall.pkt")
        #expect(script.steps.map(\.location.line) == Array(3...16))
        #expect(script.steps.allSatisfy { $0.location.column == 1 })
        #expect(script.steps[0].bodyLocation == ScriptLocation(line: 3, column: 8, offset: script.steps[0].location.offset + 7))
        #expect(script.steps[10].bodyLocation.column == 8)  // the `%{`
    }
}

@Suite("Step kinds")
struct StepKindTests {
    @Test func inboundOutboundCallAndAssertion() {
        #expect(step("0 < S 0:0(0) win 1")?.kind == .inbound(PacketSpec(flags: .syn, sequence: SequenceRange(start: SeqNumber(0), length: 0), window: 1)))
        #expect(step("0 > R 0:0(0)")?.kind == .outbound(PacketSpec(flags: .rst, sequence: SequenceRange(start: SeqNumber(0), length: 0))))
        #expect(step("0 close(3) = 0")?.kind == .call(CallSpec(name: "close", arguments: [.number(3)], result: .value(0))))
        #expect(step("0 %{ state(3) == eCLOSED }%")?.kind == .assertion(" state(3) == eCLOSED "))
    }

    @Test func assertionBlocksMaySpanLines() throws {
        let script = try Script.parse("+0 %{\n  assert a\n  assert b\n}%\n+1 close(3) = 0\n")
        #expect(script.steps.map(\.kind.description) == ["%{\n  assert a\n  assert b\n}%", "close(3) = 0"])
        #expect(script.steps[1].location.line == 5)
    }

    @Test func blankLinesAndCommentsAreIgnored() throws {
        let script = try Script.parse("// c\n\n/* a\n b */\n0 close(3) = 0 // trailing\n/* x */ +1 close(4) = 0\n\r\n")
        #expect(script.steps.count == 2)
        #expect(script.steps[1].location == ScriptLocation(line: 6, column: 9, offset: 52))
    }

    @Test func crlfLineEndings() throws {
        let script = try Script.parse("--seed=3\r\n0 close(3) = 0\r\n+1 > F. 1:1(0) ack 1\r\n")
        #expect(script.options == [.seed(3)])
        #expect(script.steps.count == 2)
    }

    @Test func emptyScript() throws {
        #expect(try Script.parse("") == Script())
        #expect(try Script.parse("\n\n  // only a comment\n") == Script())
    }
}

@Suite("Event times")
struct TimeTests {
    static let timeCases: [(String, EventTime)] = [
        ("0", .absolute(.zero)),
        ("1.5", .absolute(ms(1500))),
        (".25", .absolute(ms(250))),
        ("+0", .relative(.zero)),
        ("+0.000001", .relative(.microseconds(1))),
        ("+0.123456789", .relative(.nanoseconds(123_456_789))),
        ("+30", .relative(.seconds(30))),
        ("*", .any),
        ("0.1~0.2", .range(.absolute(ms(100)), .absolute(ms(200)))),
        ("+0~+0.5", .range(.relative(.zero), .relative(ms(500)))),
        ("1~+0.5", .range(.absolute(.seconds(1)), .relative(ms(500)))),
    ]

    @Test(arguments: timeCases)
    func timesOfPackets(text: String, time: EventTime) {
        #expect(step("\(text) > . 1:1(0) ack 1")?.time == time)
    }

    @Test func blockingCalls() {
        #expect(step("0...0.1 accept(3, ..., ...) = 4")?.time == .blocking(start: .absolute(.zero), end: .absolute(ms(100))))
        #expect(step("+0...+2 read(4, ..., 10) = 0")?.time == .blocking(start: .relative(.zero), end: .relative(.seconds(2))))
        #expect(step("0.5...1 accept(3, ..., ...) = 4")?.time == .blocking(start: .absolute(ms(500)), end: .absolute(.seconds(1))))
    }
}

@Suite("Packets")
struct PacketTests {
    static let flagCases: [(String, TCPFlags)] = [
        ("S", .syn), ("S.", [.syn, .ack]), (".", .ack), ("F.", [.fin, .ack]), ("P.", [.psh, .ack]),
        ("R.", [.rst, .ack]), ("R", .rst), ("F", .fin), ("-", []), ("FP.", [.fin, .psh, .ack]),
        ("SEW", [.syn, .ece, .cwr]), ("U.", [.urg, .ack]),
    ]

    @Test(arguments: flagCases)
    func flags(text: String, flags: TCPFlags) {
        #expect(packet("0 < \(text) 0:0(0)")?.flags == flags)
    }

    @Test func sequenceRangeAckAndWindow() {
        let p = packet("0 < P. 1:1001(1000) ack 4294967295 win 65535")
        #expect(p?.sequence == SequenceRange(start: SeqNumber(1), length: 1000))
        #expect(p?.sequence.end == SeqNumber(1001))
        #expect(p?.ack == SeqNumber(UInt32.max))
        #expect(p?.window == 65535)
        #expect(packet("0 < . 4294967295:9(10) ack 1")?.sequence.length == 10)  // wraps
    }

    @Test func clausesInAnyOrder() {
        #expect(packet("0 < . 1:1(0) win 5 <nop> ack 2 port 9") == packet("0 < . 1:1(0) ack 2 win 5 <nop> port 9"))
    }

    @Test func options() {
        #expect(packet("0 < S 0:0(0) <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>")?.options
            == .exactly([.maximumSegmentSize(1460), .sackPermitted, .timestamps(value: 1, echoReply: 0), .noOperation, .windowScale(7)]))
        #expect(packet("0 > S. 0:0(0) ack 1 <...>")?.options == .any)
        #expect(packet("0 > S. 0:0(0) ack 1 <mss 536,...>")?.options == .startingWith([.maximumSegmentSize(536)]))
        #expect(packet("0 < . 1:1(0) <sack 5:10 20:30,eol>")?.options
            == .exactly([.sack([SACKBlock(left: SeqNumber(5), right: SeqNumber(10)), SACKBlock(left: SeqNumber(20), right: SeqNumber(30))]), .endOfList]))
        #expect(packet("0 < . 1:1(0) <>")?.options == .exactly([]))
        #expect(packet("0 < . 1:1(0)")?.options == nil)
    }

    @Test func payloads() {
        #expect(packet(#"0 > P. 1:7(6) "HELLO\n" ack 1"#)?.payload == Array("HELLO\n".utf8))
        #expect(packet(#"0 < P. 1:5(4) "\x00\xff\t\"" ack 1"#)?.payload == [0, 0xFF, 9, 0x22])
        #expect(packet("0 < P. 1:5(4) ack 1")?.payload == nil)
    }

    @Test func endpoints() {
        #expect(packet("0 < S 0:0(0) port 40002")?.endpoint == EndpointSelector(port: 40002))
        #expect(packet("0 < S 0:0(0) addr 192.0.2.7 port 1")?.endpoint == EndpointSelector(address: IPv4Address(192, 0, 2, 7), port: 1))
        #expect(packet("0 < S 0:0(0) addr 10.0.0.1")?.endpoint == EndpointSelector(address: IPv4Address(10, 0, 0, 1)))
        #expect(packet("0 < S 0:0(0)")?.endpoint == nil)
    }
}

@Suite("Calls")
struct CallTests {
    @Test func bsdAndFreeRTOSNames() {
        for name in CallSpec.bsdNames {
            #expect(call("0 \(name)(3) = 0")?.name == name)
        }
        let c = call("0 FreeRTOS_shutdown(3, FREERTOS_SHUT_RDWR) = 0")
        #expect(c == CallSpec(name: "FreeRTOS_shutdown", arguments: [.number(3), .identifier("FREERTOS_SHUT_RDWR")], result: .value(0)))
        #expect(c?.isFreeRTOSName == true)
        #expect(call("0 FreeRTOS_select(set, 5000) = 1")?.arguments == [.identifier("set"), .number(5000)])
        #expect(call("0 FreeRTOS_FD_SET(3, set, eSELECT_READ|eSELECT_EXCEPT) = 0")?.arguments.last
            == .bitwiseOr([.identifier("eSELECT_READ"), .identifier("eSELECT_EXCEPT")]))
    }

    @Test func arguments() {
        #expect(call(#"0 write(4, "hi\n", 3) = 3"#)?.arguments == [.number(4), .string(Array("hi\n".utf8)), .number(3)])
        #expect(call("0 setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}, 8) = 0")?.arguments[3]
            == .structure([StructField(name: "l_onoff", value: .number(1)), StructField(name: "l_linger", value: .number(0))]))
        #expect(call("0 setsockopt(3, 0, X, [1, [2], ...], -4) = 0")?.arguments.suffix(2)
            == [.array([.number(1), .array([.number(2)]), .any]), .number(-4)])
        #expect(call("0 setsockopt(3, 0, 0x1F, {AF_INET, ...}, 0) = 0")?.arguments[2...3]
            == [.number(31), .structure([StructField(name: nil, value: .identifier("AF_INET")), StructField(name: nil, value: .any)])])
        #expect(call("0 close() = 0")?.arguments == [])
    }

    @Test func results() {
        #expect(call("0 close(3) = -1 ENOTCONN")?.result == .errno(value: -1, name: "ENOTCONN", comment: nil))
        #expect(call("0 close(3) = -1 ENOTCONN (Transport endpoint isn't connected (really))")?.result
            == .errno(value: -1, name: "ENOTCONN", comment: "Transport endpoint isn't connected (really)"))
        #expect(call("0 recv(4, ..., 10, 0) = -pdFREERTOS_ERRNO_ENOTCONN")?.result == .freeRTOSError(name: "ENOTCONN"))
        #expect(call("0 FreeRTOS_accept(3, ..., ...) = FREERTOS_INVALID_SOCKET")?.result == .symbol("FREERTOS_INVALID_SOCKET"))
        #expect(call("0 read(4, ..., 10) = ...")?.result == .any)
        #expect(call("0 read(4, ..., 10) = -5")?.result == .value(-5))
        #expect(call("0 read(4, ..., 10) = 0x10")?.result == .value(16))
    }
}

@Suite("Option lines")
struct OptionLineTests {
    @Test func everyOption() throws {
        let script = try Script.parse("""
            --personality=rfc --config=cfg/FreeRTOSIPConfig.h // the config
            --tolerance_usecs=2500 --seed=18446744073709551615
            -D MSS=1460 -DPORT=3301
            -D EMPTY=
            0 close(3) = 0
            """)
        #expect(script.options == [.personality(.rfc), .config("cfg/FreeRTOSIPConfig.h"), .toleranceMicroseconds(2500), .seed(.max)])
        #expect(script.defines == ["MSS": "1460", "PORT": "3301", "EMPTY": ""])
        #expect(script.steps.count == 1)
    }

    @Test func laterDefineWins() throws {
        #expect(try Script.parse("-D A=1\n-D A=2\n").defines == ["A": "2"])
    }
}
