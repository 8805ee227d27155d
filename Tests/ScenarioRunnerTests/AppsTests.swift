import Scenario
import ScenarioRunner
import Testing

@Suite("apps attached by option lines")
struct AppsTests {
    @Test func anEchoDeviceAppAnswersScriptedSegments() throws {
        let report = try Fixtures.run("""
            --personality=freertos
            --device_app=echo:7
            0.1    < S 0:0(0) win 64240 <mss 1460> port 40000
            +0     > S. 0:0(0) ack 1 <...>
            +0.01  < . 1:1(0) ack 1 win 502
            +0.01  < P. 1:5(4) "ping" ack 1 win 502
            +0     > . 1:1(0) ack 5
            +0~+0.01 > P. 1:5(4) "ping" ack 5
            """)
        #expect(report.passed, "\(report.failure ?? "")")
    }

    @Test(arguments: [
        ("--device_app=webserver", "--device_app: expected terminal-server, echo, caseflip-echo or c, found 'webserver'"),
        ("--device_app=echo:port", "--device_app=echo: expected a port number, found 'port'"),
        ("--device_app=terminal-server:fast", "expected a variant (report, capped, fix-a, fix-b, backlog2), found 'fast'"),
        ("--peer_app=never-closing:3301:soon", "--peer_app=never-closing: expected a time in seconds, found 'soon'"),
        ("--peer_app=ddos:80", "--peer_app: expected never-closing, reconnecting or release, found 'ddos'"),
        ("--peer_app=release:3301:2:-5", "--peer_app=release: expected a release wait in milliseconds from 0 to 86400000, found '-5'"),
    ])
    func aMalformedAppOptionIsAOneLineError(option: String, message: String) throws {
        let report = try Fixtures.run("--personality=freertos\n\(option)\n0 %{ assert true }%\n", file: "apps.pkt")
        #expect(report.failure?.hasPrefix("apps.pkt: ") == true)
        #expect(report.failure?.contains(message) == true, "\(report.failure ?? "")")
        #expect(report.failure?.contains("\n") == false)
    }

    @Test(arguments: [
        ("--device_app=echo:7\n--device_app=echo:7", "--device_app=echo:7: port 7 is already served by --device_app=echo:7"),
        ("--device_app=terminal-server\n--device_app=caseflip-echo:80", "--device_app=caseflip-echo:80: port 80 is already served by --device_app=terminal-server"),
    ])
    func twoAppsOnOnePortAreRefusedUpFront(options: String, message: String) throws {
        let report = try Fixtures.run("--personality=freertos\n\(options)\n1 %{ assert true }%\n", file: "apps.pkt")
        #expect(report.failure == "apps.pkt: \(message); one app per port")
        #expect(report.stepsCompleted == 0)
    }

    @Test func theOptionsRoundTripThroughThePrinter() throws {
        let script = try Script.parse("--device_app=terminal-server:capped\n--peer_app=release:3301:2\n")
        #expect(script.options == [.deviceApp("terminal-server:capped"), .peerApp("release:3301:2")])
        #expect(try Script.parse(script.description).isEquivalent(to: script))
    }
}
