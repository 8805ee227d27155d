import CApp
import Foundation
import Scenario
import ScenarioRunner
import Simulation
import Testing

/// The fixture applications under `Fixtures/apps`, each run with its own `check.pkt`: the scripts check the
/// segments, and `expected.txt` holds the lines FreeRTOS itself would print (derived from its sources).
@Suite("C fixture applications")
struct FixtureAppTests {
    /// Runs `Fixtures/apps/APP/check.pkt` with the built app; the report and the run's trace.
    static func run(_ app: String, definitions: [String] = []) throws -> (ScriptReport, [TraceEvent]) {
        let (image, config) = try FixtureApps.image(app, definitions: definitions)
        let file = FixtureApps.apps.appendingPathComponent("\(app)/check.pkt").path
        let script = try Script.parse(try String(contentsOfFile: file, encoding: .utf8), file: file)
        let runner = try ScriptRunner(script: script, file: file, deviceConfig: config)
        runner.startCApp = { device in
            let application = CApplication(image: image, device: device)
            try application.start()
            return application
        }
        let report = runner.run()
        return (report, runner.network.trace)
    }

    /// The application's printed lines as `TIME [Task] text`.
    static func printed(_ trace: [TraceEvent]) -> [String] {
        trace.compactMap { event in
            guard case .app(let time, "device", let text) = event, text.hasPrefix("[") else { return nil }
            return "\(time) \(text)"
        }
    }

    /// `expected.txt`'s lines; a `# tcpsim: "LINE": why` comment replaces the line above it with what tcpsim,
    /// knowingly different there, prints.
    static func expected(_ app: String) throws -> [String] {
        let text = try String(contentsOf: FixtureApps.apps.appendingPathComponent("\(app)/expected.txt"), encoding: .utf8)
        var lines: [String] = []
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("# tcpsim: \""), let end = line.dropFirst(11).firstIndex(of: "\""), !lines.isEmpty {
                lines[lines.count - 1] = String(line[line.index(line.startIndex, offsetBy: 11)..<end])
            } else if !line.hasPrefix("#"), !line.isEmpty {
                lines.append(line)
            }
        }
        return lines
    }

    @Test(arguments: ["kernel-api", "socket-api"])
    func theAppPrintsWhatFreeRTOSWould(app: String) throws {
        let (report, trace) = try Self.run(app)
        #expect(report.failure == nil, "\(report.failure ?? "")")
        let printed = Self.printed(trace), expected = try Self.expected(app)
        #expect(printed.count == expected.count)
        for (index, line) in expected.enumerated() where index < printed.count {
            #expect(printed[index] == line)
        }
    }

    @Test(arguments: ["caseflip-echo", "echo"])
    func theServersScriptPasses(app: String) throws {
        let (report, trace) = try Self.run(app)
        #expect(report.failure == nil, "\(report.failure ?? "")")
        #expect(report.stepsCompleted > 10)
        // One task per client: the listener created them.
        #expect(trace.contains { if case .app(_, _, let text) = $0 { text.hasPrefix("xTaskCreate(\"") } else { false } })
    }

    @Test func twoRunsGiveTheSameTrace() throws {
        var formatter = TimelineFormatter()
        let first = try Self.run("kernel-api").1.map { formatter.format($0) }
        formatter = TimelineFormatter()
        let second = try Self.run("kernel-api").1.map { formatter.format($0) }
        #expect(first.count > 60)
        #expect(first == second)
    }
}
