import ArgumentParser
import CApp
import Devices
import PcapIO
import SimClock
import Simulation
import IPConfig
import TCPCore

/// `tcpsim stall`: the 38-second shutdown stall of the FreeRTOS forum report, reproduced in virtual time.
struct StallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stall",
        abstract: "Reproduce the FreeRTOS+TCP shutdown stall: a REUSE_LISTEN port that stays busy after FreeRTOS_shutdown().",
        discussion: """
            A simulated FreeRTOS+TCP terminal server (ports 3301-3305 with FREERTOS_SO_REUSE_LISTEN_SOCKET, HTTP \
            control on port 80) serves client C1 on port 3301. One second after C1's exchange, \
            GET /release?port=3301 makes the app call FreeRTOS_shutdown(); C1's application never closes. \
            C2 tries to connect every 2 s from 100 ms after the release request. The last line says how long \
            the port refused new clients and why.

            Variants: report (the app of the report), capped (recv() for at most 4 s), fix-a (closesocket once \
            the FIN is out), fix-b (closesocket at once), backlog2 (no REUSE, backlog 2). With --c-app, your own \
            terminal server built by 'tcpsim cc' runs instead of the Swift model, against the same clients.

            Examples:
              tcpsim stall
              tcpsim stall --variant capped --pcap stall.pcap
              tcpsim cc -o ts Fixtures/apps/terminal-server/*.c && tcpsim stall --c-app ./ts
            """)

    @Option(help: "The app's release strategy: \(TerminalServerVariant.allCases.map(\.rawValue).joined(separator: ", ")).")
    var variant: String = "report"

    @Option(parsing: .unconditional, help: "Seed for ISNs and ports.")
    var seed: UInt64 = 1

    @Option(help: "A FreeRTOSIPConfig.h for the device (see 'tcpsim config').")
    var config: String?

    @Option(name: .long, help: "Write the capture to this file.")
    var pcap: String?

    @Flag(name: .shortAndLong, help: "Print only the verdict line.")
    var quiet = false

    @Option(help: "Write a timeline of the run: states, text (a sequence diagram like tshark -z flow), mermaid, or svg.")
    var timeline: String?

    @Option(name: .customLong("timeline-output"), help: "Write the timeline to this file instead of standard output.")
    var timelineOutput: String?

    @OptionGroup var cAppOptions: CAppOptions

    func validate() throws {
        if let timeline, !["states", "text", "mermaid", "svg"].contains(timeline) {
            throw CLIError("--timeline expects states, text, mermaid or svg, found '\(timeline)'")
        }
        guard TerminalServerVariant(rawValue: variant) != nil else {
            throw CLIError(
                "--variant expects one of \(TerminalServerVariant.allCases.map(\.rawValue).joined(separator: ", ")), found '\(variant)'")
        }
    }

    func run() throws {
        let cApp = try cAppOptions.load()
        if cApp != nil, config != nil {
            throw CLIError("--config and --c-app both configure the device: the C application's FreeRTOSIPConfig.h does; drop --config")
        }
        let ipConfig = try cApp?.config ?? config.map(loadIPConfig) ?? .defaults
        let capture = try pcap.map(openCapture)
        let stages = capture.map { [PcapRecorder(sink: $0)] } ?? []
        let scenario: StallScenario
        var application: CApplication?
        if let cApp {
            scenario = StallScenario(externalAppWith: .freeRTOS(config: ipConfig), seed: seed, stages: stages)
            application = try startCApp(cApp.image, on: scenario.device)
        } else {
            scenario = StallScenario(
                variant: TerminalServerVariant(rawValue: variant) ?? .report, parameters: .freeRTOS(config: ipConfig),
                seed: seed, stages: stages)
        }
        var formatter = TimelineFormatter()
        if !quiet { scenario.network.onTrace = { print(formatter.format($0)) } }
        let verdict = scenario.run()
        application?.stop()
        if let timeline { try writeTimeline(timeline, scenario.network.trace, to: timelineOutput) }
        try capture?.close()
        if let failure = scenario.network.haltReason {
            var standardError = StandardError()
            print(failure, to: &standardError)
            throw ExitCode(1)
        }
        print(verdict)
        if verdict.stall == nil { throw ExitCode(1) }
    }
}
