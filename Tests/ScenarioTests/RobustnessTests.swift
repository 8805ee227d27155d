import Scenario
import SimClock
import TCPWire
import Testing

/// Parse or throw `ScenarioError` — never trap; when it parses, the printed form parses back to the same script.
private func checkNeverTraps(_ source: String, seed: UInt64) {
    do {
        let script = try Script.parse(source, file: "fuzz.pkt")
        let printed = script.description
        do {
            let again = try Script.parse(printed, file: "printed.pkt")
            #expect(again.isEquivalent(to: script), "seed \(seed): \(source.debugDescription) printed as \(printed.debugDescription)")
        } catch {
            Issue.record("seed \(seed): printed form does not parse: \(error) in \(printed.debugDescription)")
        }
    } catch {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(error.line >= 1 && error.line <= lines, "seed \(seed): \(error)")
        #expect(error.column >= 1, "seed \(seed): \(error)")
        #expect(error.file == "fuzz.pkt")
        #expect(error.rendered(source: source).hasSuffix("^"), "seed \(seed)")
    }
}

private let corpus = [designExample, fixture("passive-close.pkt"), fixture("reuse-second-client-rst.pkt"), """
    -D A=1 -DB=2
    --tolerance_usecs=10
    0.5~1 < SEW 4294967290:10(16) "0123456789abcdef" ack 3 win 0 <TS val 1 ecr 2,sack 1:2,eol,...> addr 10.0.0.2 port 1
    *     > - 0:0(0)
    0...+0.25 FreeRTOS_select(set, 5000) = 1
    +0 setsockopt(3, 0, X|Y, {a=1, [2, ...], "s\\x01"}, -4) = -1 EAGAIN (try (again))
    +0 %{ a /* not a comment */ // nor this
    }%
    """]

@Suite("Robustness")
struct RobustnessTests {
    @Test(arguments: 0..<300 as Range<UInt64>)
    func randomBytes(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let alphabet = Array("0123456789 \t\n+-*~.:()[]{}<>,=|\"\\/%xSFRP.abcEN_ackwinport".utf8)
        let count = Int.random(in: 0...160, using: &random)
        var bytes: [UInt8] = []
        for _ in 0..<count {
            bytes.append(Bool.random(using: &random) ? UInt8.random(in: 0...255, using: &random) : alphabet.randomElement(using: &random) ?? 0)
        }
        checkNeverTraps(String(decoding: bytes, as: UTF8.self), seed: seed)
    }

    @Test func everyTruncationOfValidScripts() {
        for (index, text) in corpus.enumerated() {
            let bytes = Array(text.utf8)
            for n in 0...bytes.count {
                checkNeverTraps(String(decoding: bytes[..<n], as: UTF8.self), seed: UInt64(index * 100_000 + n))
            }
        }
    }

    @Test(arguments: 0..<400 as Range<UInt64>)
    func mutationsOfValidScripts(seed: UInt64) {
        checkNeverTraps(mutated(seed: seed), seed: seed)
    }

    @Test func mutationsReachBothOutcomes() {
        var outcomes = (parsed: 0, failed: 0)
        for seed in 0..<400 as Range<UInt64> {
            if (try? Script.parse(mutated(seed: seed))) != nil { outcomes.parsed += 1 } else { outcomes.failed += 1 }
        }
        #expect(outcomes.parsed >= 40 && outcomes.failed >= 40, "\(outcomes)")
    }

    private func mutated(seed: UInt64) -> String {
        var random = SeededRandom(seed: seed &* 7919)
        guard var bytes = corpus.randomElement(using: &random).map({ Array($0.utf8) }) else { return "" }
        let fragments = ["...", "%{", "}%", "/*", "*/", "//", "\"", "\\", "(", ")", "<", ">", "-", "--seed=", "-D", "~", "+", "*", "é", "\n", "99999999999999999999", "0x", "."]
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let at = Int.random(in: 0...bytes.count, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0: if at < bytes.count { bytes.remove(at: at) }
            case 1: bytes.insert(contentsOf: Array((fragments.randomElement(using: &random) ?? "").utf8), at: at)
            case 2: if at < bytes.count { bytes[at] = UInt8.random(in: 0...255, using: &random) }
            default:
                let end = min(bytes.count, at + Int.random(in: 0...20, using: &random))
                bytes.insert(contentsOf: Array(bytes[at..<end]), at: at)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let source = "0 close(" + String(repeating: "[", count: 10_000) + ") = 0"
        #expect(parseError(source)?.expected == "at most 32 nested brackets")
    }

    @Test func manyLinesParse() throws {
        var lines = ["--personality=freertos"]
        for i in 0..<2_500 {
            lines.append("+0.001 < P. \(i * 10 + 1):\(i * 10 + 11)(10) ack 1 win 502")
            lines.append("+0 > . 1:1(0) ack \(i * 10 + 11) <...>")
            lines.append("+0 recv(4, ..., 10, 0) = 10")
            lines.append("+0 %{ assert bytesQueued(4) == 0 }%")
        }
        let script = try Script.parse(lines.joined(separator: "\n"))
        #expect(script.steps.count == 10_000)
    }
}

@Suite("Round trip")
struct RoundTripTests {
    @Test func printedScriptsParseToTheSameScript() throws {
        for text in corpus {
            let script = try Script.parse(text)
            let printed = script.description
            let again = try Script.parse(printed)
            #expect(again.isEquivalent(to: script))
            #expect(again.description == printed)
        }
    }

    @Test func printedFormIsReadable() throws {
        let script = try Script.parse(designExample)
        #expect(script.description.split(separator: "\n").prefix(9) == [
            "--personality=freertos",
            "--config=Fixtures/configs/terminal-server.h",
            "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
            "+0 setsockopt(3, SOL_SOCKET, FREERTOS_SO_REUSE_LISTEN_SOCKET, [1], 4) = 0",
            "+0 bind(3, ..., 3301) = 0",
            "+0 listen(3, 1) = 0",
            "+0.1 < S 0:0(0) win 64240 <mss 1460,sackOK,nop,nop,nop,wscale 7>",
            "+0 > S. 0:0(0) ack 1 <mss 1460,...>",
            "+0.01 < . 1:1(0) ack 1 win 502",
        ])
        #expect(script.steps[12].description == "+0 > R. 0:0(0) ack 1 port 40002")
    }

    /// Random well-formed scripts, built as values: printing then parsing gives them back.
    @Test(arguments: 0..<200 as Range<UInt64>)
    func randomScripts(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let script = randomScript(&random)
        let again = try Script.parse(script.description)
        #expect(again.isEquivalent(to: script), "seed \(seed): \(script.description)")
    }
}

private func randomScript(_ r: inout SeededRandom) -> Script {
    func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &r)] }
    func duration() -> SimDuration { .nanoseconds(pick([0, 1, 1_000, 10_000_000, 100_000_000, 1_000_000_000, 30_000_000_000, 123_456_789])) }
    func offset() -> TimeOffset { TimeOffset(duration(), relative: Bool.random(using: &r)) }
    func bytes() -> [UInt8] { (0..<Int.random(in: 0...6, using: &r)).map { _ in UInt8.random(in: 0...255, using: &r) } }
    func argument(_ depth: Int) -> Argument {
        switch Int.random(in: 0..<(depth > 2 ? 4 : 7), using: &r) {
        case 0: return .number(Int64.random(in: -5...Int64.max, using: &r))
        case 1: return .identifier(pick(["SOCK_STREAM", "x", "FREERTOS_SO_REUSE_LISTEN_SOCKET"]))
        case 2: return .any
        case 3: return .string(bytes())
        case 4: return .array((0..<Int.random(in: 0...3, using: &r)).map { _ in argument(depth + 1) })
        case 5: return .structure((0..<Int.random(in: 0...3, using: &r)).map { _ in
            StructField(name: Bool.random(using: &r) ? "f" : nil, value: argument(depth + 1)) })
        default: return .bitwiseOr([.identifier("A"), .number(2), .identifier("B")])
        }
    }
    func options() -> [TCPOption] {
        (0..<Int.random(in: 0...4, using: &r)).map { _ in
            pick([.maximumSegmentSize(UInt16.random(in: 0...UInt16.max, using: &r)), .noOperation, .sackPermitted, .endOfList,
                  .windowScale(UInt8.random(in: 0...14, using: &r)), .timestamps(value: UInt32.random(in: 0...UInt32.max, using: &r), echoReply: 0),
                  .sack([]), .sack([SACKBlock(left: SeqNumber(1), right: SeqNumber(UInt32.max))])])
        }
    }
    func packet() -> PacketSpec {
        let length = UInt32(Int.random(in: 0...3, using: &r))
        var p = PacketSpec(flags: TCPFlags(rawValue: UInt8.random(in: 0...255, using: &r)),
                           sequence: SequenceRange(start: SeqNumber(UInt32.random(in: 0...UInt32.max, using: &r)), length: length))
        if Bool.random(using: &r) { p.payload = (0..<length).map { _ in UInt8.random(in: 0...255, using: &r) } }
        if Bool.random(using: &r) { p.ack = SeqNumber(UInt32.random(in: 0...UInt32.max, using: &r)) }
        if Bool.random(using: &r) { p.window = UInt16.random(in: 0...UInt16.max, using: &r) }
        switch Int.random(in: 0..<4, using: &r) {
        case 0: p.options = .any
        case 1: p.options = .exactly(options())
        case 2: p.options = .startingWith([.maximumSegmentSize(1)] + options())
        default: break
        }
        if Bool.random(using: &r) {
            p.endpoint = pick([EndpointSelector(port: 40002), EndpointSelector(address: IPv4Address(192, 0, 2, 9)),
                               EndpointSelector(address: IPv4Address(10, 1, 2, 3), port: 0)])
        }
        return p
    }
    var script = Script()
    for _ in 0..<Int.random(in: 0...3, using: &r) {
        script.options.append(pick([.personality(.rfc), .personality(.freertos), .config("a/b.h"), .seed(UInt64.random(in: 0...UInt64.max, using: &r)), .toleranceMicroseconds(7)]))
    }
    if Bool.random(using: &r) { script.defines = ["N": "v", "EMPTY": "", "X_1": "a=b"] }
    for _ in 0..<Int.random(in: 0...8, using: &r) {
        let kind: StepKind
        var time: EventTime = pick([.absolute(duration()), .relative(duration()), .any, .range(offset(), offset())])
        if case .range(let a, let b) = time, a.isRelative == b.isRelative, b.duration < a.duration { time = .range(b, a) }
        switch Int.random(in: 0..<4, using: &r) {
        case 0: kind = .inbound(packet())
        case 1: kind = .outbound(packet())
        case 2:
            let result = pick([CallResult.value(-3), .errno(value: -1, name: "ENOTCONN", comment: nil),
                               .errno(value: -1, name: "EAGAIN", comment: "a (b) c"), .freeRTOSError(name: "ENOTCONN"), .symbol("pdTRUE"), .any])
            kind = .call(CallSpec(name: pick(CallSpec.bsdNames + ["FreeRTOS_select"]),
                                  arguments: (0..<Int.random(in: 0...4, using: &r)).map { _ in argument(0) }, result: result))
            if Bool.random(using: &r) {
                let (a, b) = (offset(), offset())
                time = a.isRelative == b.isRelative && b.duration < a.duration ? .blocking(start: b, end: a) : .blocking(start: a, end: b)
            }
        default: kind = .assertion(pick(["", " x ", "\n a == b\n", "%{ } %"]))
        }
        script.steps.append(Step(location: .start, time: time, kind: kind))
    }
    return script
}

@Suite("Fixtures")
struct FixtureTests {
    @Test func thereAreExampleScripts() {
        #expect(fixtureNames().count >= 3)
    }

    @Test(arguments: fixtureNames())
    func fixtureParses(name: String) throws {
        let source = fixture(name)
        #expect(!source.isEmpty)
        let script = try Script.parse(source, file: name)
        #expect(!script.steps.isEmpty)
        #expect(try Script.parse(script.description).isEquivalent(to: script))
    }
}
