import ArgumentParser
import Devices
import PcapIO
import SimClock
import Simulation
import TCPWire

/// `tcpsim demo`: the concurrent case-flipping echo server and three clients.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the concurrent echo-server demo (three clients, port 1205) in virtual time.",
        discussion: """
            A concurrent server on 192.0.2.2:1205 flips the case of what it reads and echoes it. Three \
            clients connect at 0, 150 and 300 ms, send a line, read it back and close. The timeline shows \
            every state change (FreeRTOS and RFC names, with the cause), every segment in tcpdump style \
            and every socket call; the pcap holds every packet with its virtual timestamp.

            Examples:
              tcpsim demo
              tcpsim demo --pcap demo.pcap -q
            """)

    @OptionGroup var options: RunOptions

    @Option(name: .long, help: "Where to write the capture.")
    var pcap: String = "demo.pcap"

    @Flag(help: "Do not write a capture.")
    var noPcap = false

    func run() throws {
        let capture = noPcap ? nil : try openCapture(pcap)
        var faultSeed = options.seed
        let demo = DemoScenario(seed: options.seed, linkDelay: options.linkDelay) {
            var stages: [LinkStage] = []
            if let capture { stages.append(PcapRecorder(sink: capture)) }
            if let plan = options.faultPlan {
                faultSeed &+= 0x9E37_79B9
                stages.append(FaultInjector(plan: plan, seed: faultSeed))
            }
            return stages
        }
        var formatter = TimelineFormatter(absoluteSequenceNumbers: options.absoluteSequenceNumbers)
        if !options.quiet {
            demo.network.onTrace = { event in print(formatter.format(event)) }
        }
        demo.run()
        try capture?.close()

        let expected = (1...3).map { String(decoding: flipCase(Array(DemoScenario.line(for: $0).utf8)), as: UTF8.self) }
        let correct = (1...3).filter { demo.replies.values["client-\($0)"] == expected[$0 - 1] }.count
        let segments = demo.network.trace.filter { if case .segment = $0 { true } else { false } }.count
        let malformed = demo.network.hosts.reduce(0) { $0 + $1.stack.malformedPackets }
        var summary = "demo: \(correct)/3 clients read their line back case-flipped; \(segments) segments"
        summary += ", \(malformed) malformed, ended at t=\(demo.network.now) s"
        if let capture { summary += "; wrote \(capture.packetCount) packets to \(capture.path)" }
        print(summary)
        for failure in demo.network.taskFailures { print("task \(failure.task) failed: \(failure.error)") }
        if correct != 3 { throw ExitCode(1) }
    }
}
