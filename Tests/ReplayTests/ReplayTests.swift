import Foundation
import IPConfig
import PcapIO
import Replay
import Scenario
import ReplayTesting
import SimClock
import Simulation
import TCPWire
import Testing

/// Paths of the repository's fixtures.
enum Paths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static func capture(_ name: String) -> String { "\(root)/pcaps/\(name).pcap" }
    /// The configuration of the device that recorded pcaps/ (terminal server: keep-alive, hang protection).
    static var referenceConfig: IPConfig {
        IPConfigHeader(parsing: (try? String(contentsOfFile: "\(root)/Fixtures/configs/terminal-server.h", encoding: .utf8)) ?? "",
                       fileName: "terminal-server.h").config
    }
    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tcpsim-replay-\(getpid())-\(name)").path
    }
}

/// Replays of the captures recorded from the real FreeRTOS+TCP stack (pcaps/SCENARIOS.md).
@Suite("Replay of the reference captures")
struct ReferenceCaptureTests {
    @Test(arguments: [("S1-basic", 4), ("S2-device-close", 12), ("S3-stall", 19), ("S6-no-listener", 2)])
    func theModelAnswersAsTheRealDeviceDid(name: String, deviceSegments: Int) throws {
        let report = try expectReplayMatches(Paths.capture(name), config: Paths.referenceConfig)
        #expect(report.compared == deviceSegments)
        #expect(report.matched == deviceSegments)
        #expect(report.verdict == "\(deviceSegments)/\(deviceSegments) device segments match")
    }

    /// S3b: 40 s of hang protection. The reference device's tick was 0.135 % long (FreeRTOS POSIX port: 39,994
    /// ticks in 40.048 s, pcaps/logs/S3b.log), and it answered one SYN 3.8 ms late; with both allowed for, all 37
    /// segments match.
    @Test func theStallWithoutAppTimeoutMatchesOnTheDevicesTickAndFailsWithoutIt() throws {
        let matched = try expectReplayMatches(Paths.capture("S3b-stall-no-app-timeout"), config: Paths.referenceConfig,
                                              tolerance: .absolute(.milliseconds(5)), tickLength: .nanoseconds(1_001_350))
        #expect(matched.verdict == "37/37 device segments match")

        let strict = try Replay.check(capture: Paths.capture("S3b-stall-no-app-timeout"), config: Paths.referenceConfig)
        let divergence = try #require(strict.firstDivergence)
        #expect(divergence.frame == 31)
        #expect(divergence.summary.contains("differs in time -3.8 ms (tolerance 2 ms)"))
        #expect(strict.verdict.hasPrefix("first divergence at packet 31 (t=9.013664 s)"))
        // The model's state at that instant: the shut-down REUSE socket still holds port 3301.
        #expect(divergence.sockets.contains { $0.contains("port 3301 -> 192.0.2.1.") && $0.contains("eFIN_WAIT_1") })
    }

    /// The terminal server itself as the app (the app of the reference device), with its 4 s release wait.
    @Test func theTerminalServerAppReplaysTheStall() throws {
        let report = try expectReplayMatches(Paths.capture("S3-stall"), config: Paths.referenceConfig,
                                             app: .terminalServer(.capped), tickLength: .microseconds(1014))
        #expect(report.matched == 19)
    }

    /// The real device's first keep-alive probe comes 0.285 s later than the model's (21.29 s after the last
    /// segment against 21.00 s, 21,000 ticks in both): its FreeRTOS POSIX port ticked slow during that run
    /// (pcaps/logs/S8.log, ticks against wall-clock time), which no constant --tick-length captures; a 400 ms
    /// tolerance absorbs it. The terminal server's select loop takes no ticks off the socket's timer.
    @Test func theFirstKeepAliveProbeIsLaterOnTheRealDevice() throws {
        let strict = try Replay.check(capture: Paths.capture("S8-keepalive"), config: Paths.referenceConfig,
                                      app: .terminalServer(.report), tickLength: .milliseconds(1))
        let divergence = try #require(strict.firstDivergence)
        #expect(divergence.frame == 11)
        #expect(divergence.summary.contains("differs in time -284.6 ms"))
        let loose = try Replay.check(capture: Paths.capture("S8-keepalive"), config: Paths.referenceConfig,
                                     tolerance: .absolute(.milliseconds(400)), app: .terminalServer(.report),
                                     tickLength: .milliseconds(1))
        #expect(loose.passed, "\(loose.text())")
        #expect(loose.matched == 9)
    }

    @Test func aBPFFilterKeepsOneConnection() throws {
        let report = try Replay.check(capture: Paths.capture("S3-stall"), config: Paths.referenceConfig,
                                      filter: "tcp port 80")
        #expect(report.passed)
        #expect(Set(report.rows.map(\.connection)) == [1])
        #expect(report.matched == 5)
    }
}

/// Captures that differ from what the model does are reported where and how they differ.
@Suite("Replay divergences")
struct DivergenceTests {
    /// S1 with one change to the device's segments, written to a new pcap.
    private func altered(_ name: String, _ change: (inout [(PcapRecord, TCPPacket?)]) -> Void) throws -> String {
        let reader = try PcapFileReader(path: Paths.capture("S1-basic"))
        var records: [(PcapRecord, TCPPacket?)] = try reader.readAll().map { record in
            (record, reader.ipv4Payload(of: record).flatMap { try? TCPPacket(parsing: $0, verifyChecksums: false) })
        }
        change(&records)
        let path = Paths.temporary(name)
        let writer = try PcapFileWriter(path: path, linkType: .rawIPv4, epochSeconds: records[0].0.timestamp.seconds)
        for (record, packet) in records {
            guard let packet else { continue }
            let base = SimInstant.zero + SimDuration(nanoseconds: Int64(record.timestamp.nanoseconds))
            writer.record(packet.encoded(), at: base + .seconds(Int(record.timestamp.seconds - records[0].0.timestamp.seconds)))
        }
        try writer.close()
        return path
    }

    @Test func aChangedPayloadIsTheFirstDivergence() throws {
        let path = try altered("payload") { records in
            // Frame 8: the device's echo "HELLO\n" becomes "HELLX\n".
            if var packet = records[7].1 {
                var payload = Array(packet.tcp.payload)
                payload[4] = UInt8(ascii: "X")
                packet.tcp.payload = payload[...]
                records[7].1 = packet
            }
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        // The inferred app would send whatever the capture shows; the terminal server computes its echo.
        let report = try Replay.check(capture: path, app: .terminalServer(.report))
        #expect(!report.passed)
        // Frame numbers count the written frames: the two ARP frames were left out, so the echo is frame 6.
        #expect(report.firstDivergence?.frame == 6)
        #expect(report.firstDivergence?.summary.contains("differs in payload") == true)
        #expect(report.verdict.hasPrefix("first divergence at packet 6"))
    }

    @Test func aSegmentTheDeviceDidNotSendIsModelOnly() throws {
        let path = try altered("dropped") { records in
            records[6].1 = nil  // frame 7: the device's ACK of the data
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try Replay.check(capture: path)
        #expect(!report.passed)
        #expect(report.rows.contains { $0.status == .extra && $0.model?.hasPrefix(". 1:1(0) ack 7") == true })
        #expect(report.firstDivergence?.summary.hasPrefix("the model sent . 1:1(0) ack 7") == true)
    }

    @Test func aDelayedSegmentIsATimingDivergence() throws {
        let path = try altered("late") { records in
            // The device's FIN+ACK (frame 11) 30 ms later.
            let timestamp = records[10].0.timestamp
            records[10].0.timestamp = PcapTimestamp(seconds: timestamp.seconds + (timestamp.nanoseconds + 30_000_000 >= 1_000_000_000 ? 1 : 0),
                                                    nanoseconds: (timestamp.nanoseconds + 30_000_000) % 1_000_000_000)
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let strict = try Replay.check(capture: path)
        #expect(strict.firstDivergence?.summary.contains("differs in time -30") == true, "\(strict.text())")
        let loose = try Replay.check(capture: path, tolerance: .absolute(.milliseconds(40)))
        #expect(loose.passed, "\(loose.text())")
    }
}

/// The link layers a capture may come in: the same conversation replays alike.
@Suite("Replay link layers")
struct LinkLayerReplayTests {
    private func rewrite(as linkType: PcapLinkType, header: [UInt8]) throws -> String {
        let reader = try PcapFileReader(path: Paths.capture("S1-basic"))
        let records = try reader.readAll()
        let path = Paths.temporary("link-\(linkType.rawValue)")
        let writer = try PcapFileWriter(path: path, linkType: linkType, epochSeconds: records[0].timestamp.seconds)
        for record in records {
            let time = SimInstant.zero + .seconds(Int(record.timestamp.seconds - records[0].timestamp.seconds))
                + SimDuration(nanoseconds: Int64(record.timestamp.nanoseconds))
            if let ip = reader.ipv4Payload(of: record) {
                writer.record(header + Array(ip), at: time)
            } else {
                writer.record(header.count >= 14 ? Array(record.data) : Array(record.data.dropFirst(14)), at: time)  // ARP
            }
        }
        try writer.close()
        return path
    }

    @Test func linuxCookedEthernetWithVLANAndLoopbackCapturesReplay() throws {
        let cases: [(PcapLinkType, [UInt8])] = [
            (.linuxSLL, [0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 0, 2, 0, 0x08, 0x00]),
            (.linuxSLL2, [0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 0, 0, 0]),
            (.ethernet, [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x81, 0x00, 0x00, 0x05, 0x08, 0x00]),
            (.null, [2, 0, 0, 0]),
        ]
        for (linkType, header) in cases {
            let path = try rewrite(as: linkType, header: header)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let report = try Replay.check(capture: path)
            #expect(report.verdict == "4/4 device segments match", "\(linkType): \(report.text())")
        }
    }

    @Test func pcapngFromTsharkReplays() throws {
        let tshark = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let tshark else {
            Issue.record("tshark is not installed (scripts/setup.sh installs it)")
            return
        }
        let path = Paths.temporary("s1.pcapng")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tshark)
        process.arguments = ["-r", Paths.capture("S1-basic"), "-F", "pcapng", "-w", path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let report = try Replay.check(capture: path)
        #expect(report.verdict == "4/4 device segments match")
    }
}

/// `--actions`: the device app written as calls in the scenario language.
@Suite("Replay with an actions script")
struct ActionsReplayTests {
    private func script(_ name: String) throws -> (Scenario.Script, String) {
        let path = "\(Paths.root)/Fixtures/replay/\(name)"
        return (try Scenario.Script.parse(String(contentsOfFile: path, encoding: .utf8), file: path), path)
    }

    @Test func theCallsOfTheActionsFileAreTheApp() throws {
        let (actions, file) = try script("S1-basic.actions.pkt")
        let report = try Replay.check(capture: Paths.capture("S1-basic"), app: .actions(actions, file: file))
        #expect(report.passed, "\(report.text())")
        #expect(report.matched == 4)
        #expect(report.appProblems.isEmpty)
    }

    @Test func anActionThatFailsIsReportedAndTheDivergenceFollows() throws {
        // Without the send, the model never echoes: its app is what the file says.
        let (actions, file) = try script("S1-basic.actions.pkt")
        var withoutSend = actions
        withoutSend.steps.removeAll { step in
            if case .call(let call) = step.kind { return call.name == "send" }
            return false
        }
        let report = try Replay.check(capture: Paths.capture("S1-basic"), app: .actions(withoutSend, file: file))
        #expect(report.firstDivergence?.frame == 8)
        #expect(report.firstDivergence?.summary == "the device sent P. 1:7(6) ack 7 win 2920, the model sent nothing")
        // The state at the divergence, not at the end of the actions: the echo is still unsent, the client open.
        #expect(report.firstDivergence?.sockets.contains { $0.contains("#4 port 3301 -> 192.0.2.1.40048 eESTABLISHED") } == true)
    }

    @Test func packetsInAnActionsFileAreRefused() throws {
        let actions = try Scenario.Script.parse("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < S 0:0(0) win 1000\n", file: "bad.pkt")
        let report = try Replay.check(capture: Paths.capture("S1-basic"), app: .actions(actions, file: "bad.pkt"))
        #expect(report.appProblems == ["bad.pkt:2: an actions file holds calls and assertions, found a packet"])
        #expect(!report.passed)
    }
}

/// Captures with damaged timestamps and extreme options are handled, not trapped on.
@Suite("Replay of damaged captures")
struct DamagedCaptureTests {
    /// S1 written again with the third frame's timestamp 200 years later.
    @Test func aFrameYearsAwayIsCountedAsMalformed() throws {
        let reader = try PcapFileReader(path: Paths.capture("S1-basic"))
        let records = try reader.readAll()
        let path = Paths.temporary("far.pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try PcapFileWriter(path: path, linkType: .ethernet, epochSeconds: 0)
        for (index, record) in records.enumerated() {
            let seconds = Int(record.timestamp.seconds) + (index == 2 ? 200 * 365 * 86_400 : 0)
            writer.record(record.data, at: SimInstant.zero + .seconds(seconds) + SimDuration(nanoseconds: Int64(record.timestamp.nanoseconds)))
        }
        try writer.close()
        let capture = try Capture(path: path)
        #expect(capture.skippedMalformed == 1)
        let report = try Replay.check(capture: path, tolerance: .percent(1000))
        #expect(report.rows.filter { $0.frame != nil }.count == 9)
    }
}
