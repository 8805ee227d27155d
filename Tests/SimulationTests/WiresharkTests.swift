import Devices
import Foundation
import PcapIO
import SimClock
import Simulation
import TCPWire
import Testing

/// The captures tcpsim writes are read by Wireshark's tshark without complaint.
@Suite("pcap export read by tshark")
struct WiresharkTests {
    struct TsharkMissing: Error, CustomStringConvertible {
        var description: String { "tshark is not installed at /usr/bin/tshark (run scripts/setup.sh)" }
    }

    /// Runs tshark and returns its standard output.
    static func tshark(_ arguments: [String]) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark") else { throw TsharkMissing() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tshark")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func demoCapture(named name: String, stages: @escaping (PcapFileWriter) -> [LinkStage]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tcpsim-\(getpid())-\(name)").path
        let capture = try PcapFileWriter(path: path)
        DemoScenario { stages(capture) }.run()
        try capture.close()
        return path
    }

    @Test func aCleanDemoRunHasNoMalformedPacketsAndNoAnalysisWarnings() throws {
        let path = try Self.demoCapture(named: "clean.pcap") { [PcapRecorder(sink: $0)] }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let frames = try Self.tshark(["-r", path, "-T", "fields", "-e", "frame.number"])
        #expect(frames.split(separator: "\n").count == 27)
        let malformed = try Self.tshark(["-r", path, "-Y", "_ws.malformed"])
        #expect(malformed.isEmpty)
        let badChecksums = try Self.tshark(["-r", path, "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
                                            "-Y", "ip.checksum.status == 0 || tcp.checksum.status == 0"])
        #expect(badChecksums.isEmpty)
        let warnings = try Self.tshark(["-r", path, "-q", "-z", "expert,warn"])
        #expect(warnings.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(warnings)")
    }

    /// The check above can fail: a capture that misses a delivered data segment makes tshark warn.
    @Test func aCaptureMissingASegmentDrawsAWarning() throws {
        let path = try Self.demoCapture(named: "gap.pcap") { [SkipFirstDataSegment(sink: $0)] }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let warnings = try Self.tshark(["-r", path, "-q", "-z", "expert,warn"])
        #expect(warnings.contains("wasn't captured") || warnings.contains("not captured"), "\(warnings)")
    }
}

/// Records every frame except the first one carrying data, and passes everything on.
final class SkipFirstDataSegment: LinkStage {
    let sink: PacketSink
    var skipped = false
    init(sink: PacketSink) { self.sink = sink }
    func process(_ frame: Frame, emit: (Frame) -> Void) {
        let hasData = (try? TCPPacket(parsing: frame.bytes[...]))?.tcp.payload.isEmpty == false
        if hasData && !skipped {
            skipped = true
        } else {
            sink.record(frame.bytes, at: frame.time)
        }
        emit(frame)
    }
}
