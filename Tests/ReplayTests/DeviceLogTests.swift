import Foundation
import Replay
import Testing

/// `--device-log`: the device's own record of its state changes, checked against the model's.
@Suite("device log")
struct DeviceLogTests {
    static func log(_ name: String) -> String { "\(Paths.root)/pcaps/logs/\(name).log" }

    @Test func stateChangeLinesAreReadAndOtherLinesPassedOver() {
        let log = DeviceLog(path: "d.log", text: """
            1795236552.067945 tick=3 DBG Socket 3301 -> [0.0.0.0]:0 State eCLOSED->eTCP_LISTEN
            1795236552.846791 tick=772 APP CALL FreeRTOS_select(100 ms) = 1 READ|(0x1)
            1795236553.348828 tick=1274 DBG Socket 3301 -> [192.0.2.1]:40048 State eESTABLISHED->eLAST_ACK
            garbage Socket x -> [y State e->
            """)
        #expect(log.changes == [
            .init(line: 1, time: 1795236552.067945, port: 3301, remote: "0.0.0.0:0", from: "eCLOSED", to: "eTCP_LISTEN"),
            .init(line: 3, time: 1795236553.348828, port: 3301, remote: "192.0.2.1:40048", from: "eESTABLISHED", to: "eLAST_ACK"),
        ])
    }

    /// With the reference device's app, every state change the device logged during the capture is the model's.
    @Test(arguments: ["S1-basic", "S2-device-close", "S6-no-listener", "S8-keepalive", "S9-bulk"])
    func theReferenceDevicesStateChangesAreTheModels(capture: String) throws {
        var settings = ReplaySettings()
        settings.config = Paths.referenceConfig
        settings.app = .terminalServer(.report)
        settings.deviceLog = try DeviceLog(path: Self.log(String(capture.prefix { $0 != "-" })))
        let report = try Replay.check(try Capture(path: Paths.capture(capture)), settings: settings)
        let check = try #require(report.stateCheck)
        #expect(check.firstDivergence == nil, "\(check.summary)")
        #expect(check.logged >= 6 && check.matched == check.logged)
    }

    @Test func theStallMatchesStateByStateOnTheDevicesTick() throws {
        var settings = ReplaySettings()
        settings.config = Paths.referenceConfig
        settings.app = .terminalServer(.report)
        settings.tickLength = .nanoseconds(1_001_350)
        settings.tolerance = .absolute(.milliseconds(5))
        settings.deviceLog = try DeviceLog(path: Self.log("S3b"))
        let report = try Replay.check(try Capture(path: Paths.capture("S3b-stall-no-app-timeout")), settings: settings)
        #expect(report.passed, "\(report.stateCheck?.summary ?? "")")
        #expect(report.stateCheck?.summary == "device log: 23/23 state changes match the model")
    }

    @Test func aStateChangeTheModelDidNotMakeIsNamedWithItsLine() throws {
        // S1's log with the device's close turned into a FIN_WAIT_1: the model went to eLAST_ACK there.
        let text = try String(contentsOfFile: Self.log("S1"), encoding: .utf8)
            .replacingOccurrences(of: "State eESTABLISHED->eLAST_ACK", with: "State eESTABLISHED->eFIN_WAIT_1")
        var settings = ReplaySettings()
        settings.config = Paths.referenceConfig
        settings.app = .terminalServer(.report)
        settings.deviceLog = DeviceLog(path: "S1-altered.log", text: text)
        let report = try Replay.check(try Capture(path: Paths.capture("S1-basic")), settings: settings)
        #expect(!report.passed)
        let divergence = try #require(report.stateCheck?.firstDivergence)
        #expect(divergence.hasPrefix("S1-altered.log:"))
        #expect(divergence.contains("the device logged Socket 3301 -> 192.0.2.1:40048 State eESTABLISHED->eFIN_WAIT_1"))
        #expect(divergence.contains("the model went eESTABLISHED->eLAST_ACK"))
        #expect(report.text().contains("device log: first state divergence: S1-altered.log:"))
    }

    @Test func theCommandLineReadsADeviceLog() throws {
        let result = try ReplayCommandTests().tcpsim(["replay", "pcaps/S1-basic.pcap", "--config", "Fixtures/configs/terminal-server.h",
                                        "--app", "terminal-server", "--device-log", "pcaps/logs/S1.log"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("device log: 12/12 state changes match the model"))
        let missing = try ReplayCommandTests().tcpsim(["replay", "pcaps/S1-basic.pcap", "--device-log", "/nonexistent.log"])
        #expect(missing.status != 0)
        #expect(missing.error.contains("cannot read device log '/nonexistent.log': no such file"))
    }
}
