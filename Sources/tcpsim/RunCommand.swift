import ArgumentParser
import CApp
import Devices
import Foundation
import IPConfig
import PcapIO
import Scenario
import ScenarioRunner
import Simulation

/// `tcpsim run SCRIPT`: a scenario script in the packetdrill dialect, in virtual time.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario script (packetdrill dialect) against a simulated device in virtual time.",
        discussion: """
            With --c-app PROGRAM (built by 'tcpsim cc'), your own FreeRTOS application is the device's app; \
            '--device_app=c:PORT' in the script sends its scripted segments to PORT.

            Examples:
              tcpsim run Fixtures/scenarios/reuse-shutdown-stall.pkt
              tcpsim run check.pkt --c-app ./server --pcap run.pcap

            '<' lines are segments injected from the remote peer (192.0.2.1, port 40000 unless 'port N'), \
            '>' lines are the segments the device (192.0.2.2) must send, calls run on the device with \
            FreeRTOS's return values, and %{ assert … }% blocks check the model at that instant. Exit status 0 \
            when every expectation holds; otherwise the first failure is printed as file:line: … with the \
            device's sockets at that moment.
            """)

    @ArgumentParser.Argument(help: "The script (.pkt).")
    var script: String

    @Option(name: .long, help: ArgumentHelp(
        "The stack when the script has no --personality line: freertos (FreeRTOS+TCP) or rfc (RFC 9293, for packetdrill scripts).",
        valueName: "personality"))
    var personality: String = "freertos"

    @Option(name: .long, help: "Write the run's capture to this file.")
    var pcap: String?

    @Flag(help: "Print every event of the run as it happens (segments, calls, state changes, timers).")
    var events = false

    @Option(help: "After the run, print a timeline: states (each socket's state changes), text (a sequence diagram like tshark -z flow), mermaid, or svg.")
    var timeline: String?

    @Option(name: .customLong("timeline-output"), help: "Write the timeline to this file instead of standard output.")
    var timelineOutput: String?

    @Option(name: .long, help: "Write the run's trace to this file.")
    var trace: String?

    @Option(name: .long, help: "Trace format: text (timeline lines) or json (one object per event).")
    var format: String = "text"

    @OptionGroup var cAppOptions: CAppOptions

    func validate() throws {
        guard Personality(rawValue: personality) != nil else {
            throw CLIError("--personality expects freertos or rfc, found '\(personality)'")
        }
        if let timeline, !["states", "text", "mermaid", "svg"].contains(timeline) {
            throw CLIError("--timeline expects states, text, mermaid or svg, found '\(timeline)'")
        }
        guard format == "text" || format == "json" else {
            throw CLIError("--format expects text or json, found '\(format)'")
        }
    }

    func run() throws {
        let source = try readConfigText(script, expected: "a scenario script")
        let parsed: Script
        do {
            parsed = try Script.parse(source, file: script)
            try parsed.checkTimesGoForward(file: script)
        } catch {
            throw CLIError(error.rendered(source: source))
        }
        let directory = URL(fileURLWithPath: script).deletingLastPathComponent().path
        let cApp = try cAppOptions.load()
        let runner = try ScriptRunner(script: parsed, file: script, config: { path in
            let resolved = FileManager.default.fileExists(atPath: path) ? path : directory + "/" + path
            return try loadIPConfig(resolved)
        }, defaultPersonality: Personality(rawValue: personality) ?? .freertos, deviceConfig: cApp?.config)
        runner.startCApp = cApp?.image.starter
        if let trace { try Self.checkWritable(trace) }  // fail before the run, not after it
        let capture = try pcap.map(openCapture)
        if let capture {
            for link in runner.network.links { link.stages.insert(PcapRecorder(sink: capture), at: 0) }
        }
        var formatter = TimelineFormatter()
        if events { runner.network.onTrace = { print(formatter.format($0)) } }
        let report = runner.run()
        if let timeline { try writeTimeline(timeline, runner.network.trace, to: timelineOutput) }
        try capture?.close()
        if let trace { try writeTrace(runner.network.trace, to: trace) }
        if let failure = report.failure {
            var standardError = StandardError()
            print(failure, to: &standardError)
            throw ExitCode(1)
        }
        print("\(script): \(report.stepsCompleted) \(report.stepsCompleted == 1 ? "step" : "steps") passed")
    }
}

extension RunCommand {
    /// Writes the trace as timeline lines, or as JSON: `[{"time": 0.1, "host": "device", "kind": "segment",
    /// "text": "…"}, …]`.
    func writeTrace(_ events: [TraceEvent], to path: String) throws {
        var formatter = TimelineFormatter()
        let text: String
        if format == "json" {
            let objects: [[String: Any]] = events.map { event in
                ["time": Double(event.time.nanoseconds) / 1e9, "host": event.host, "kind": event.kind,
                 "text": formatter.text(event)]
            }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
            text = String(decoding: data, as: UTF8.self) + "\n"
        } else {
            text = events.map { formatter.format($0) }.joined(separator: "\n") + "\n"
        }
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw CLIError("cannot write '\(path)': \(error.localizedDescription)")
        }
    }

    /// Creates (or truncates) `path`, so that a bad output path is reported with the system's reason.
    static func checkWritable(_ path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw CLIError("cannot write '\(path)': \(String(cString: strerror(errno)))") }
        close(descriptor)
    }
}

/// Writes a run's timeline (`states`, `text`, `mermaid` or `svg`) to `path`, or standard output.
func writeTimeline(_ format: String, _ trace: [TraceEvent], to path: String?) throws {
    let diagram = SequenceDiagram(trace)
    let text: String = switch format {
    case "states": "\(StateTimeline(trace))\n"
    case "mermaid": diagram.mermaid
    case "svg": diagram.svg
    default: diagram.text
    }
    guard let path else {
        print(text, terminator: "")
        return
    }
    do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        throw CLIError("cannot write '\(path)': \((error as NSError).localizedFailureReason ?? error.localizedDescription)")
    }
}
