import Foundation
import PcapIO
import Testing

/// `tcpsim replay` and `tcpsim convert` as a user runs them.
@Suite("tcpsim replay and convert")
struct ReplayCommandTests {
    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    static var tcpsim: String {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [products, products.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("tcpsim")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url.path }
        }
        return Paths.root + "/.build/debug/tcpsim"
    }

    func tcpsim(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.tcpsim)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: Paths.root)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                      error: String(decoding: error, as: UTF8.self))
    }

    @Test func aMatchingCapturePrintsTheTableAndExitsZero() throws {
        let result = try tcpsim(["replay", "pcaps/S1-basic.pcap", "--config", "Fixtures/configs/terminal-server.h"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.hasPrefix("replaying pcaps/S1-basic.pcap: 12 frames: 10 TCP segments, skipped 2 not TCP over IPv4\n"))
        #expect(result.output.contains("device 192.0.2.2 (it answered SYNs with SYN+ACK (frame 4))"))
        // Frame 8: the echo, captured and modelled alike.
        let echo = result.output.split(separator: "\n").first { $0.hasPrefix("8 ") }.map(String.init) ?? ""
        #expect(echo.contains("P. 1:7(6) ack 7 win 2920") && echo.hasSuffix("✓"), "\(echo)")
        #expect(result.output.hasSuffix("4/4 device segments match\n"))
    }

    @Test func aDivergingCaptureExplainsTheFirstDivergenceAndExitsOne() throws {
        let result = try tcpsim(["replay", "pcaps/S3b-stall-no-app-timeout.pcap", "--config", "Fixtures/configs/terminal-server.h"])
        #expect(result.status == 1)
        #expect(result.output.contains("first divergence, frame 31 at t=9.013664 s: expected R. 0:0(0) ack 1 win 64240 vs model R. 0:0(0) ack 1 win 64240 (differs in time -3.8 ms (tolerance 2 ms))"))
        #expect(result.output.contains("  the model's sockets then:\n"))
        #expect(result.output.contains("eFIN_WAIT_1 [bFinSent bFinAcked"))
        #expect(result.output.hasSuffix("first divergence at packet 31 (t=9.013664 s): expected R. 0:0(0) ack 1 win 64240 vs model R. 0:0(0) ack 1 win 64240 (differs in time -3.8 ms (tolerance 2 ms))\n"))
        let tuned = try tcpsim(["replay", "pcaps/S3b-stall-no-app-timeout.pcap", "--config", "Fixtures/configs/terminal-server.h",
                                "--tolerance", "5ms", "--tick-length", "1.00135ms"])
        #expect(tuned.status == 0)
        #expect(tuned.output.hasSuffix("37/37 device segments match\n"))
        // With the device's log, the late SYN is the log's, and the default flags match.
        let logged = try tcpsim(["replay", "pcaps/S3b-stall-no-app-timeout.pcap", "--config", "Fixtures/configs/terminal-server.h",
                                 "--device-log", "pcaps/logs/S3b.log"])
        #expect(logged.status == 0, "\(logged.output)")
        #expect(logged.output.contains("\n  port 3301 listens with FREERTOS_SO_REUSE_LISTEN_SOCKET (device log line 71: the listening socket itself took a connection)\n"))
        #expect(logged.output.contains("\n  frame 30 reached the stack 3.8 ms after it arrived (device log line 122)\n"))
        #expect(logged.output.contains("\n  clock: tick 1.0") && logged.output.contains("\n  driver: "))
        #expect(logged.output.hasSuffix("37/37 device segments match\n"))
    }

    @Test func listShowsTheConnectionsAndTheDevice() throws {
        let result = try tcpsim(["replay", "--list", "pcaps/S3-stall.pcap"])
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "device 192.0.2.2 (it answered SYNs with SYN+ACK (frame 4)); 44 frames: 41 TCP segments, skipped 3 not TCP over IPv4")
        #expect(lines.count == 7)
        #expect(lines.contains { $0.hasPrefix("#2  192.0.2.1.56410 > 192.0.2.2.80  10 segments (5 from the device)") })
        #expect(lines.filter { $0.contains("refused with RST") }.count == 3)
    }

    @Test func jsonHasEveryRowAndTheVerdict() throws {
        let result = try tcpsim(["replay", "pcaps/S6-no-listener.pcap", "--format", "json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(object["matched"] as? Int == 2)
        #expect(object["compared"] as? Int == 2)
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.count == 4)
        #expect(rows.map { $0["status"] as? String } == ["injected", "match", "injected", "match"])
    }

    @Test func theModelRunIsWrittenAsAPcapOnTheCapturesClock() throws {
        let path = Paths.temporary("model.pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try tcpsim(["replay", "pcaps/S1-basic.pcap", "--pcap", path])
        #expect(result.status == 0)
        let model = try tcpsim(["replay", "--list", path])
        #expect(model.status == 0, "\(model.error)")
        #expect(model.output.contains("10 segments (4 from the device)"), "\(model.output)")
        // The capture's clock: each model segment at the wall-clock time of the captured one (the model answers
        // up to a millisecond sooner than the real device; the peer's segments are played at their own times).
        let captured = try PcapFileReader(path: Paths.root + "/pcaps/S1-basic.pcap").readAll().suffix(10)
        let modelled = try PcapFileReader(path: path).readAll()
        #expect(modelled.count == 10)
        for (real, simulated) in zip(captured, modelled) {
            let gap = (simulated.timestamp.seconds - real.timestamp.seconds) * 1_000_000_000
                + Int64(simulated.timestamp.nanoseconds - real.timestamp.nanoseconds)
            #expect(gap <= 0 && gap > -2_000_000, "\(real.timestamp) vs \(simulated.timestamp)")
        }
    }

    @Test func convertWritesAScriptThatTcpsimRunPasses() throws {
        let converted = try tcpsim(["convert", "pcaps/S3-stall.pcap", "--filter", "tcp port 3301",
                                    "--config", "Fixtures/configs/terminal-server.h"])
        #expect(converted.status == 0, "\(converted.error)")
        #expect(converted.output.contains("+0 setsockopt(3, SOL_SOCKET, FREERTOS_SO_REUSE_LISTEN_SOCKET, [1], 4) = 0"))
        #expect(converted.output.contains("< P. 1:5(4) \"new\\n\" ack 1 win 63 port 42462"))
        #expect(converted.output.contains("send(4, \"NEW\\n\", 4, 0) = 4"))
        let path = Paths.temporary("converted.pkt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try converted.output.write(toFile: path, atomically: true, encoding: .utf8)
        let run = try tcpsim(["run", path])
        #expect(run.status == 0, "\(run.output)\(run.error)")
        #expect(run.output.hasSuffix("49 steps passed\n"))
    }

    @Test func actionsFromAScriptDriveTheDevice() throws {
        let result = try tcpsim(["replay", "pcaps/S1-basic.pcap", "--actions", "Fixtures/replay/S1-basic.actions.pkt"])
        #expect(result.status == 0, "\(result.output)\(result.error)")
        #expect(result.output.contains("device 192.0.2.2 (it answered SYNs with SYN+ACK (frame 4)); the calls of Fixtures/replay/S1-basic.actions.pkt;"))
        #expect(result.output.hasSuffix("4/4 device segments match\n"))
        let path = Paths.temporary("broken.pkt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "0 socket(..., SOCK_STREAM\n".write(toFile: path, atomically: true, encoding: .utf8)
        let broken = try tcpsim(["replay", "pcaps/S1-basic.pcap", "--actions", path])
        #expect(broken.status != 0)
        #expect(broken.error.contains("\(path):1:"), "\(broken.error)")
    }

    @Test(arguments: [
        (["replay", "pcaps/none.pcap"], "cannot open 'pcaps/none.pcap'"),
        (["replay", "README.md"], "README.md"),
        (["replay", "pcaps/S1-basic.pcap", "--tolerance", "fast"], "--tolerance expects a time such as 2ms, 500us or 0.1s, or a percentage such as 10%, found 'fast'"),
        (["replay", "pcaps/S1-basic.pcap", "--device", "device"], "--device expects IP or IP:PORT such as 192.0.2.2:3301, found 'device'"),
        (["replay", "pcaps/S1-basic.pcap", "--tick-length", "3ms"], "--tick-length expects auto or a duration from 0.5ms to 2ms such as 1.00135ms, found '3ms'"),
        (["replay", "pcaps/S1-basic.pcap", "--driver", "poll:0ms"], "--driver expects auto, immediate or poll:PERIOD with a period from 1ms to 100ms (such as poll:1ms), found 'poll:0ms'"),
        (["replay", "pcaps/S1-basic.pcap", "--filter", "tcp port"], "tcp port"),
        (["replay", "pcaps/S1-basic.pcap", "--device", "192.0.2.99"], "no TCP segment to or from the device 192.0.2.99"),
        (["convert", "pcaps/S3-stall.pcap"], "convert writes one device port per script, found 80, 3301; choose one with --filter 'tcp port N' or --device IP:PORT"),
    ])
    func badInputIsAOneLineError(arguments: [String], message: String) throws {
        let result = try tcpsim(arguments)
        #expect(result.status != 0)
        #expect(result.error.contains(message), "\(result.error)")
        #expect(result.error.split(separator: "\n").count <= 3, "\(result.error)")
    }
}
