import Foundation
import IPConfig
import Replay
import Scenario
import SimClock
import Simulation
import Stepper
import TCPCore
import TCPSockets
import TCPWire

/// The inputs `tcpsim-fuzz` feeds to tcpsim's parsers and to the FreeRTOS model. Each target must neither trap
/// nor hang nor grow without bound on any bytes; the segment storm also checks the model's invariants.
enum FuzzTarget: String, CaseIterable {
    /// IPv4/TCP datagrams (checksums verified and not), and ICMP echo requests.
    case wire
    /// pcap/pcapng files, through libpcap and the link-layer decoding of `tcpsim replay`.
    case pcap
    /// Scenario scripts: lexer, parser, time order.
    case script
    /// FreeRTOSIPConfig.h text: the header reader and the expression evaluator.
    case config
    /// `tcpsim step` command lines, one per input line, on a recorded run.
    case stepper
    /// Arbitrary segment sequences to a FreeRTOS listener and its connection, with timing.
    case storm

    func run(_ data: UnsafeRawBufferPointer) {
        switch self {
        case .wire: Self.wire(Array(data))
        case .pcap: Self.pcap(Array(data))
        case .script: Self.script(String(decoding: data, as: UTF8.self))
        case .config: _ = IPConfigHeader(parsing: String(decoding: data, as: UTF8.self), fileName: "fuzz.h")
        case .stepper: Self.stepper(String(decoding: data, as: UTF8.self))
        case .storm: SegmentStorm.run(Array(data))
        }
    }

    static func wire(_ bytes: [UInt8]) {
        _ = try? TCPPacket(parsing: bytes[...])
        _ = try? TCPPacket(parsing: bytes[...], verifyChecksums: false)
        _ = try? ICMPEcho.reply(to: bytes[...])
        // Splitting an offloaded datagram (the live device's TSO path) must not trap either.
        _ = try? TCPSegmentation.split(bytes[...], segmentSize: 1460)
        _ = try? IPv4Datagram(parsing: bytes[...])
    }

    static let pcapPath = NSTemporaryDirectory() + "tcpsim-fuzz-\(getpid()).pcap"

    static func pcap(_ bytes: [UInt8]) {
        guard FileManager.default.createFile(atPath: pcapPath, contents: Data(bytes)) else { return }
        _ = try? Capture(path: pcapPath)
    }

    static func script(_ text: String) {
        guard let script = try? Script.parse(text, file: "fuzz.pkt") else { return }
        try? script.checkTimesGoForward(file: "fuzz.pkt")
        _ = script.description
    }

    /// One recording of a short scenario, made once; each input steps a fresh stepper over it.
    nonisolated(unsafe) static let recording: (StepSource, Recording)? = {
        let text = """
            --personality=freertos
            0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0 bind(3, ..., 8080) = 0
            +0 listen(3, 1) = 0
            +0.1 < S 0:0(0) win 1000 <mss 1460>
            +0 > S. 0:0(0) ack 1 <...>
            +0.1 < . 1:1(0) ack 1 win 1000
            +1 < F. 1:1(0) ack 1 win 1000
            """
        guard let script = try? Script.parse(text, file: "fuzz.pkt") else { return nil }
        let source = StepSource.script(script, file: "fuzz.pkt", config: nil)
        guard let recording = try? Recording.record(source, personality: .freertos) else { return nil }
        return (source, recording)
    }()

    static func stepper(_ text: String) {
        guard let (source, recording) = recording else { return }
        let stepper = Stepper(source, recording: recording)
        for line in text.split(separator: "\n").prefix(50) where !line.hasPrefix("personality") {
            _ = stepper.execute(String(line.prefix(500)))
        }
    }
}
