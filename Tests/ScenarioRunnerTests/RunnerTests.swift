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

    static func run(_ source: String, file: String = "test.pkt") throws -> ScriptReport {
        let script = try Script.parse(source, file: file)
        let runner = try ScriptRunner(script: script, file: file) { path in
            let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            return IPConfigHeader(parsing: text, fileName: path).config
        }
        return runner.run()
    }
}

@Suite("scenario fixtures")
struct FixtureTests {
    @Test(arguments: Fixtures.scenarios)
    func everyFixturePasses(name: String) throws {
        let path = Fixtures.root.appendingPathComponent("Fixtures/scenarios/\(name)")
        let report = try Fixtures.run(try String(contentsOf: path, encoding: .utf8), file: name)
        #expect(report.passed, "\(report.failure ?? "")")
        #expect(report.stepsCompleted > 5)
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
        #expect(failure.hasPrefix("stall.pkt:10: error handling packet: expected . 1:1(0) ack 1 vs actual F. 1:1(0) ack 1 win 2920 (flags differ)"), "\(failure)")
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
        #expect(report.failure?.contains("unexpected outbound packet F. ") == true, "\(report.failure ?? "")")
    }

    @Test func aFailingAssertionNamesItself() throws {
        let report = try Fixtures.run(Self.reuseHandshake + """
            +0     %{ assert state(3) == eCLOSE_WAIT or usChildCount(3) > 0 }%
            """)
        #expect(report.failure?.hasPrefix("test.pkt:9: assertion failed: assert state(3) == eCLOSE_WAIT or usChildCount(3) > 0") == true)
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
