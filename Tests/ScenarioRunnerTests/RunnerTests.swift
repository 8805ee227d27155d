import Foundation
import IPConfig
import Scenario
import ScenarioRunner
import Testing

enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var scenarios: [String] {
        let directory = root.appendingPathComponent("Fixtures/scenarios")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".pkt") }.sorted()
    }

    /// Plain packetdrill scripts (no tcpsim-only options), run with the RFC 9293 personality.
    static var packetdrillScenarios: [String] {
        let directory = root.appendingPathComponent("Fixtures/scenarios/packetdrill")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".pkt") }.sorted()
    }

    static func run(
        _ source: String, file: String = "test.pkt", defaultPersonality: Scenario.Personality = .freertos
    ) throws -> ScriptReport {
        let script = try Script.parse(source, file: file)
        let runner = try ScriptRunner(script: script, file: file, config: { path in
            let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            return IPConfigHeader(parsing: text, fileName: path).config
        }, defaultPersonality: defaultPersonality)
        return runner.run()
    }
}

@Suite("packetdrill compatibility")
struct PacketdrillCompatibilityTests {
    @Test func thereAreEnoughScripts() {
        #expect(Fixtures.packetdrillScenarios.count >= 8)
    }

    @Test(arguments: Fixtures.packetdrillScenarios)
    func everyScriptPassesWithTheRFCPersonality(name: String) throws {
        let path = Fixtures.root.appendingPathComponent("Fixtures/scenarios/packetdrill/\(name)")
        let source = try String(contentsOf: path, encoding: .utf8)
        let script = try Script.parse(source, file: name)
        #expect(script.options.isEmpty, "packetdrill scripts carry no tcpsim options")
        let report = try Fixtures.run(source, file: name, defaultPersonality: .rfc)
        #expect(report.passed, "\(report.failure ?? "")")
        #expect(report.stepsCompleted >= 3)
    }

    @Test func withoutAPersonalityOptionTheDefaultIsFreeRTOS() throws {
        // The same handshake: FreeRTOS+TCP's SYN+ACK carries more than <mss 1460>.
        let source = """
            0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0    bind(3, ..., ...) = 0
            +0    listen(3, 1) = 0
            +0    < S 0:0(0) win 65535 <mss 1460>
            +0    > S. 0:0(0) ack 1 <mss 1460>
            """
        #expect(try Fixtures.run(source, defaultPersonality: .rfc).passed)
        #expect(try !Fixtures.run(source).passed)
    }
}

@Suite("scenario fixtures")
struct FixtureTests {
    @Test(arguments: Fixtures.scenarios)
    func everyFixturePasses(name: String) throws {
        let path = Fixtures.root.appendingPathComponent("Fixtures/scenarios/\(name)")
        let report = try Fixtures.run(try String(contentsOf: path, encoding: .utf8), file: name)
        #expect(report.passed, "\(report.failure ?? "")")
        #expect(report.stepsCompleted >= 3)
    }
}

@Suite("scenario runner")
struct RunnerTests {
    static let reuseHandshake = """
        --personality=freertos
        0      socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
        +0     setsockopt(3, SOL_SOCKET, FREERTOS_SO_REUSE_LISTEN_SOCKET, [1], 4) = 0
        +0     bind(3, ..., 3301) = 0
        +0     listen(3, 1) = 0
        +0.1   < S 0:0(0) win 64240 <mss 1460>
        +0     > S. 0:0(0) ack 1 <mss 1460,nop,wscale 0,nop,nop,sackOK>
        +0.01  < . 1:1(0) ack 1 win 502

        """

    @Test func aMismatchedPacketIsReportedPacketdrillStyleWithTheModelsState() throws {
        let report = try Fixtures.run(Self.reuseHandshake + """
            +1     shutdown(3, SHUT_RDWR) = 0
            +0     > . 1:1(0) ack 1
            """, file: "stall.pkt")
        #expect(!report.passed)
        let failure = report.failure ?? ""
        #expect(failure.hasPrefix("stall.pkt:10: error handling packet: expected . 1:1(0) ack 1 vs actual F. 1:1(0) ack 1 win 2920 (differs in flags)"), "\(failure)")
        #expect(failure.contains("eFIN_WAIT_1 [bFinSent bUserShutdown]"))
        #expect(report.stepsCompleted == 8)
    }

    @Test func aCallThatReturnsSomethingElseIsReported() throws {
        let report = try Fixtures.run(Self.reuseHandshake + """
            +0     shutdown(3, SHUT_RDWR) = 0
            +0     shutdown(3, SHUT_RDWR) = 0
            """)
        #expect(report.failure?.hasPrefix("test.pkt:10: shutdown(…) returned -1 ENOTCONN (-pdFREERTOS_ERRNO_ENOTCONN), expected 0") == true, "\(report.failure ?? "")")
    }

    @Test func bothErrnoFormsMatchAFreeRTOSError() throws {
        let report = try Fixtures.run(Self.reuseHandshake + """
            +0     shutdown(3, SHUT_RDWR) = 0
            +0     shutdown(3, SHUT_RDWR) = -1 ENOTCONN (Transport endpoint is not connected)
            +0     FreeRTOS_shutdown(3, FREERTOS_SHUT_RDWR) = -pdFREERTOS_ERRNO_ENOTCONN
            """)
        #expect(report.passed, "\(report.failure ?? "")")
    }

    @Test func anUnexpectedPacketIsAnError() throws {
        let report = try Fixtures.run(Self.reuseHandshake + """
            +0     shutdown(3, SHUT_RDWR) = 0
            +1     %{ assert state(3) == eFIN_WAIT_1 }%
            """)
        // Sequence numbers relative to the device's SYN, as the script writes them.
        #expect(report.failure?.contains("unexpected outbound packet F. 1:1(0) ack 1 win 2920 at t=") == true, "\(report.failure ?? "")")
    }

    @Test func aFailingAssertionNamesItself() throws {
        let report = try Fixtures.run(Self.reuseHandshake + """
            +0     %{ assert state(3) == eCLOSE_WAIT or usChildCount(3) > 0 }%
            """)
        #expect(report.failure?.hasPrefix("test.pkt:9: assertion failed: assert state(3) == eCLOSE_WAIT or usChildCount(3) > 0") == true)
    }

    @Test func timersAreVisibleToAssertions() throws {
        // After the shutdown FIN the socket sleeps on the 20 s grid; idle time counts from the FIN.
        let passing = try Fixtures.run(Self.reuseHandshake + """
            +0     shutdown(3, SHUT_RDWR) = 0
            +0     > F. 1:1(0) ack 1
            +0     %{ assert wakeup(3) == 20000 and idle(3) == 0 }%
            +2.5   %{ assert idle(3) == 2500 and wakeup(3) == 17500 }%
            """)
        #expect(passing.passed, "\(passing.failure ?? "")")
        let failing = try Fixtures.run(Self.reuseHandshake + """
            +0     shutdown(3, SHUT_RDWR) = 0
            +0     > F. 1:1(0) ack 1
            +2.5   %{ assert idle(3) < 1000 }%
            """)
        #expect(failing.failure?.contains("assertion failed: assert idle(3) < 1000 (idle(3) = 2500)") == true,
                "\(failing.failure ?? "")")
    }

    @Test func aSecondClientGetsARstWhileTheReuseSocketIsConnected() throws {
        let report = try Fixtures.run(Self.reuseHandshake + """
            +0.5   < S 100:100(0) win 64240 <mss 1460> port 40002
            +0     > R. 0:0(0) ack 101 port 40002
            """)
        #expect(report.passed, "\(report.failure ?? "")")
    }

    @Test func theRFCPersonalityRunsTheSameSyntax() throws {
        let report = try Fixtures.run("""
            --personality=rfc
            0      socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0     bind(3, ..., 8080) = 0
            +0     listen(3, 1) = 0
            +0.1   < S 0:0(0) win 65535 <mss 1460>
            +0     > S. 0:0(0) ack 1 <mss 1460>
            +0.01  < . 1:1(0) ack 1 win 65535
            +0     accept(3, ..., ...) = 4
            +0.1   < F. 1:1(0) ack 1 win 65535
            +0     > . 1:1(0) ack 2
            +0     %{ assert state(4) == eCLOSE_WAIT }%
            """)
        #expect(report.passed, "\(report.failure ?? "")")
    }
}

@Suite("scenario runner: sets, defines, blocking calls")
struct RunnerExtensionTests {
    static let listener = """
        --personality=freertos
        0      socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
        +0     bind(3, ..., 8080) = 0
        +0     listen(3, 1) = 0

        """
    static let accepted = listener + """
        +0.1   < S 0:0(0) win 64240 <mss 1460>
        +0     > S. 0:0(0) ack 1 <...>
        +0.01  < . 1:1(0) ack 1 win 502
        +0     accept(3, ..., ...) = 4

        """

    @Test func socketSetCallsBindANameAndSelectReturnsTheBits() throws {
        let report = try Fixtures.run(Self.listener + """
            +0     FreeRTOS_CreateSocketSet() = set
            +0     FreeRTOS_FD_SET(3, set, eSELECT_READ|eSELECT_EXCEPT) = ...
            +0     FreeRTOS_select(set, 0) = 0
            +0.1   < S 0:0(0) win 64240 <mss 1460>
            +0     > S. 0:0(0) ack 1 <...>
            +0.01  < . 1:1(0) ack 1 win 502
            +0     FreeRTOS_select(set, 0) = 1
            +0     FreeRTOS_select(set, 0) = eSELECT_READ
            +0     FreeRTOS_FD_ISSET(3, set) = eSELECT_READ
            +0     FreeRTOS_FD_CLR(3, set, eSELECT_READ) = ...
            +0     FreeRTOS_select(set, 0) = 0
            """)
        #expect(report.passed, "\(report.failure ?? "")")
    }

    @Test func selectReportsTheWrongBitsAsAFailure() throws {
        let report = try Fixtures.run(Self.accepted + """
            +0     FreeRTOS_CreateSocketSet() = set
            +0     FreeRTOS_FD_SET(4, set, 7) = ...
            +0     FreeRTOS_select(set, 0) = eSELECT_EXCEPT
            """)
        #expect(report.failure?.hasPrefix("test.pkt:11: FreeRTOS_select(…) returned 2, expected eSELECT_EXCEPT") == true,
                "\(report.failure ?? "")")
    }

    @Test func anUnknownSocketSetIsAnError() throws {
        let report = try Fixtures.run(Self.listener + """
            +0     FreeRTOS_select(nope, 0) = 0
            """)
        #expect(report.failure?.contains("unknown socket set 'nope'") == true, "\(report.failure ?? "")")
    }

    @Test func aBlockedSelectTimesOutWithZero() throws {
        let report = try Fixtures.run(Self.accepted + """
            +0     FreeRTOS_CreateSocketSet() = set
            +0     FreeRTOS_FD_SET(4, set, eSELECT_READ) = ...
            +0...+2 FreeRTOS_select(set, 2000) = 0
            """)
        #expect(report.passed, "\(report.failure ?? "")")
    }

    @Test func definesAreSubstitutedInArguments() throws {
        let report = try Fixtures.run("""
            --personality=freertos
            -D PORT=3301
            -D TIMEOUT=1500
            0      socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0     bind(3, ..., PORT) = 0
            +0     listen(3, 1) = 0
            +0     FreeRTOS_setsockopt(3, 0, FREERTOS_SO_RCVTIMEO, [TIMEOUT], 4) = 0
            +0...+1.5 accept(3, ..., ...) = -1 EAGAIN
            +0.1   < S 0:0(0) win 64240 <mss 1460>
            +0     > S. 0:0(0) ack 1 <...>
            """)
        #expect(report.passed, "\(report.failure ?? "")")
    }

    @Test func aBlockingRecvHonoursRCVTIMEO() throws {
        let report = try Fixtures.run(Self.accepted + """
            +0     FreeRTOS_setsockopt(4, 0, FREERTOS_SO_RCVTIMEO, [2000], 4) = 0
            +0...+2 recv(4, ..., 100, 0) = 0
            +0     recv(4, ..., 100, 0) = 0
            """)
        #expect(report.passed, "\(report.failure ?? "")")
        let early = try Fixtures.run(Self.accepted + """
            +0     FreeRTOS_setsockopt(4, 0, FREERTOS_SO_RCVTIMEO, [2000], 4) = 0
            +0...+1 recv(4, ..., 100, 0) = 0
            """)
        #expect(early.failure?.hasPrefix("test.pkt:10: recv(…) is still blocked") == true, "\(early.failure ?? "")")
    }

    @Test func packetsRunWhileABlockingCallWaits() throws {
        let report = try Fixtures.run(Self.listener + """
            0.1...0.11 accept(3, ..., ...) = 4
            0.1    < S 0:0(0) win 64240 <mss 1460>
            +0     > S. 0:0(0) ack 1 <...>
            +0.01  < . 1:1(0) ack 1 win 502
            +0.1   %{ assert state(4) == eESTABLISHED }%
            """)
        #expect(report.passed, "\(report.failure ?? "")")
        let early = try Fixtures.run(Self.listener + """
            0.1...0.5 accept(3, ..., ...) = 4
            0.1    < S 0:0(0) win 64240 <mss 1460>
            +0     > S. 0:0(0) ack 1 <...>
            +0.01  < . 1:1(0) ack 1 win 502
            """)
        #expect(early.failure?.hasPrefix("test.pkt:5: timing error: accept(…) returned at t=0.110000") == true,
                "\(early.failure ?? "")")
    }

    @Test func inboundSegmentsReachAConnectingSocketOnItsEphemeralPort() throws {
        let report = try Fixtures.run("""
            --personality=freertos
            0      socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            0...0.1 connect(3, ..., 40000) = 0
            0      > S 0:0(0) <...>
            0.1    < S. 0:0(0) ack 1 win 64240 <mss 1460>
            +0     > . 1:1(0) ack 1
            +0     %{ assert state(3) == eESTABLISHED }%
            """)
        #expect(report.passed, "\(report.failure ?? "")")
    }

    @Test func freeRTOSStateNamesAreExact() throws {
        let report = try Fixtures.run(Self.listener + """
            +0.1   < S 0:0(0) win 64240 <mss 1460>
            +0     > S. 0:0(0) ack 1 <...>
            +0     %{ assert state(4) == eSYN_RECEIVED and state(4) != eSYN_FIRST }%
            +0     FreeRTOS_connstatus(4) = eSYN_RECEIVED
            """)
        #expect(report.passed, "\(report.failure ?? "")")
    }

    @Test func aFailedAssertionShowsTheValuesItRead() throws {
        let report = try Fixtures.run(Self.accepted + """
            +0     %{ assert state(4) == eCLOSE_WAIT and usChildCount(3) == 1 }%
            """)
        #expect(report.failure?.hasSuffix("(state(4) = eESTABLISHED, usChildCount(3) = 1)") == false && report.failure?.contains("(state(4) = eESTABLISHED, usChildCount(3) = 1)") == true, "\(report.failure ?? "")")
    }
}

@Suite("scenario runner: errno aliases")
struct ErrnoAliasTests {
    @Test func eWouldBlockAndEAgainAreTheSameErrno() throws {
        let report = try Fixtures.run("""
            --personality=freertos
            0      socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0     FreeRTOS_setsockopt(3, 0, FREERTOS_SO_RCVTIMEO, [0], 4) = 0
            +0     connect(3, ..., 40000) = -pdFREERTOS_ERRNO_EWOULDBLOCK
            +0     > S 0:0(0) <...>
            +0     connect(3, ..., 40000) = -1 EINPROGRESS
            """)
        #expect(report.passed, "\(report.failure ?? "")")
    }
}
