import Foundation
import Replay
import Testing

/// The device app a replay infers from a capture (and the device's log), each inference named in the report.
@Suite("replay app inference")
struct InferenceTests {
    static func replay(_ capture: String, log: String? = nil) throws -> ReplayReport {
        var settings = ReplaySettings()
        settings.config = Paths.referenceConfig
        if let log { settings.deviceLog = try DeviceLog(path: DeviceLogTests.log(log)) }
        return try Replay.check(try Capture(path: capture), settings: settings)
    }

    /// SYNs refused with RST while the first client's connection was still open, none accepted then:
    /// FREERTOS_SO_REUSE_LISTEN_SOCKET on 3301; port 80 refused nothing: a listener.
    @Test func refusedSYNsWhileAConnectionIsOpenMeanReuse() throws {
        let report = try Self.replay(Paths.capture("S3-stall"))
        #expect(report.inferences.contains { $0.hasPrefix("port 3301 listens with FREERTOS_SO_REUSE_LISTEN_SOCKET: SYNs refused with RST while a connection was open (frames 20, 24, 26)") },
                "\(report.inferences)")
        #expect(report.inferences.contains { $0.hasPrefix("port 80 listens with backlog:8: no SYN to it was refused") })
        #expect(report.inferences.contains { $0.contains("closed silently before frame") && $0.contains("its REUSE port accepts again") })
        #expect(report.passed, "\(report.text())")
    }

    /// The device log says what the capture cannot: S1's port 3301 took its connection on the listening socket
    /// itself (REUSE), port 80's `Gain: … 1 / 4` line gives its backlog, and the closes come at logged times.
    @Test func theDeviceLogNamesTheListenersAndCloses() throws {
        let report = try Self.replay(Paths.capture("S2-device-close"), log: "S2")
        #expect(report.inferences.contains("port 3301 listens with FREERTOS_SO_REUSE_LISTEN_SOCKET (device log line 71: the listening socket itself took a connection)"),
                "\(report.inferences)")
        #expect(report.inferences.contains { $0.hasPrefix("port 80 listens with backlog 4 (device log line") })
        #expect(report.inferences.contains("3 FreeRTOS_closesocket() calls at the times the device log gives"))
        #expect(report.passed, "\(report.text())")
        #expect(report.stateCheck?.matched == 19)
    }

    /// No flag but `--config` and the device's log: the app, the listeners, the closes, the clock (S8's drifts
    /// from 1.0 to 1.8 % within the capture) and the driver are all inferred, and every device segment and
    /// state change matches at the default 2 ms tolerance.
    @Test(arguments: ["S1-basic", "S2-device-close", "S3-stall", "S6-no-listener", "S8-keepalive"])
    func aSharedCaptureMatchesWithItsLogAlone(capture: String) throws {
        let report = try Self.replay(Paths.capture(capture), log: String(capture.prefix { $0 != "-" }))
        #expect(report.passed, "\(report.text())")
        #expect(report.inferences.contains { $0.hasPrefix("clock: ") } && report.inferences.contains { $0.hasPrefix("driver: ") })
    }

    /// S3b: the same, state by state; one SYN reached the real device's stack 3.8 ms after it arrived (its
    /// process did not run then), which the log's `TCP: No active socket on port 3301 (41836)` line shows; the
    /// app's close after hang protection waits for the model's own eCLOSE_WAIT, as the log shows the app
    /// reacting to it.
    @Test func theHangProtectionCaptureMatchesStateByState() throws {
        let report = try Self.replay(Paths.capture("S3b-stall-no-app-timeout"), log: "S3b")
        #expect(report.passed, "\(report.text())")
        #expect(report.stateCheck?.matched == 19)
        #expect(report.inferences.contains("frame 30 reached the stack 3.8 ms after it arrived (device log line 122)"), "\(report.inferences)")
    }

    @Test func logFactsAreReadFromTheStacksOwnLines() {
        let log = DeviceLog(path: "d.log", text: """
            1795236665.832888 tick=1785 DBG Gain: Socket 80 now has 1 / 4 child me: 0x1 parent: 0x2 peer: 0x1
            1795236665.836002 tick=1788 DBG FreeRTOS_closesocket[0ip port 80 to c0000201ip port 58304]: buffers 45 socks 6
            1795236670.000000 tick=6000 DBG Check: Socket 3302 already has 2 / 2 children
            1795236664.830944 tick=783 DBG Socket 3301 -> [192.0.2.1]:36822 State eTCP_LISTEN->eSYN_FIRST
            1795236673.843050 tick=9779 DBG TCP: No active socket on port 3301 (41836)
            no stamp here
            """)
        #expect(log.facts.processed.map { "\($0.port) \($0.remotePort) \($0.line)" } == ["3301 41836 5"])
        #expect(log.facts.listening[80] == .backlog(4, line: 1))
        #expect(log.facts.listening[3302] == .backlog(2, line: 3))
        #expect(log.facts.listening[3301] == .reuse(line: 4))
        #expect(log.facts.closes.map { "\($0.port) \($0.remotePort) \($0.line)" } == ["80 58304 2"])
        #expect(log.facts.clock.map(\.tick) == [1785, 1788, 6000, 783, 9779])
    }

    /// A log of another run, or damaged lines (times out of range or not numbers, huge tick counts), is
    /// passed over: the replay runs on the capture alone and its segments still match (the log has no state
    /// changes, so the state check reports the model's as unlogged).
    @Test func aLogWithImpossibleStampsIsPassedOver() throws {
        var settings = ReplaySettings()
        settings.config = Paths.referenceConfig
        settings.deviceLog = DeviceLog(path: "bad.log", text: """
            1e300 tick=5 DBG FreeRTOS_closesocket[0ip port 3301 to c0000201ip port 40048]: buffers 45 socks 5
            nan tick=9223372036854775807 DBG TCP: No active socket on port 3301 (40048)
            -1e300 tick=99999999999999999 IP something
            inf tick=1 DBG Gain: Socket 3301 now has 1 / 99999999999999999999 child
            1795236552.846833 tick=9223372036854775806 DBG nothing
            """)
        let report = try Replay.check(try Capture(path: Paths.capture("S1-basic")), settings: settings)
        #expect(report.firstDivergence == nil && report.matched == 4, "\(report.text())")
        #expect(!report.inferences.contains { $0.contains("tick stamps") || $0.contains("closesocket") || $0.contains("reached the stack") },
                "\(report.inferences)")
    }

    /// The model's own stall with the backlog-2 fix (`tcpsim stall --variant backlog2 --pcap`): no SYN was
    /// refused, so a listener, not REUSE; the capped variant's refusals make REUSE, and its second client
    /// proves the first socket closed silently.
    @Test func theStallVariantsCapturesAreInferredAsTheirListeners() throws {
        let backlog = try Self.record("backlog2")
        defer { try? FileManager.default.removeItem(atPath: backlog) }
        let listener = try Self.replay(backlog)
        #expect(listener.inferences.contains("port 3301 listens with backlog:8: no SYN to it was refused"), "\(listener.inferences)")
        #expect(listener.passed, "\(listener.text())")
        let capped = try Self.record("capped")
        defer { try? FileManager.default.removeItem(atPath: capped) }
        let reuse = try Self.replay(capped)
        #expect(reuse.inferences.contains { $0.hasPrefix("port 3301 listens with FREERTOS_SO_REUSE_LISTEN_SOCKET: SYNs refused") }, "\(reuse.inferences)")
        #expect(reuse.inferences.contains { $0.hasPrefix("connection #1 closed silently before frame") })
        #expect(reuse.passed, "\(reuse.text())")
    }

    /// Captures recorded with `tcpsim run --pcap` from scripts with known apps: the app is inferred back.
    @Test(arguments: [
        ("backlog2", "port 8080 listens with backlog:2: frame 4 was accepted while 1 connection was open, frame 7 refused with RST while 2 were"),
        ("silent-close", "connection #1 closed silently before frame 6: the device answered it with RST there"),
    ])
    func aScriptedAppIsInferredBackFromItsCapture(script: String, inference: String) throws {
        let pcap = FileManager.default.temporaryDirectory.appendingPathComponent("tcpsim-\(script)-\(UUID().uuidString).pcap").path
        defer { try? FileManager.default.removeItem(atPath: pcap) }
        let run = try ReplayCommandTests().tcpsim(["run", "Fixtures/replay/\(script).pkt", "--pcap", pcap])
        #expect(run.status == 0, "\(run.output)\(run.error)")
        let report = try Self.replay(pcap)
        #expect(report.inferences.contains(inference), "\(report.inferences)")
        #expect(report.passed, "\(report.text())")
    }

    /// Runs `tcpsim stall --variant VARIANT --pcap` and returns the capture's path.
    static func record(_ variant: String) throws -> String {
        let pcap = FileManager.default.temporaryDirectory.appendingPathComponent("tcpsim-stall-\(variant)-\(UUID().uuidString).pcap").path
        let result = try ReplayCommandTests().tcpsim(["stall", "--variant", variant, "--pcap", pcap, "-q"])
        #expect(FileManager.default.fileExists(atPath: pcap), "\(result.output)\(result.error)")
        return pcap
    }
}
