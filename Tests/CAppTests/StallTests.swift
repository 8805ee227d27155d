import CApp
import Devices
import Foundation
import IPConfig
import PcapIO
import SimClock
import Simulation
import TCPCore
import Testing

/// The shutdown stall with the terminal server written in C (`Fixtures/apps/terminal-server`), against the Swift
/// model of the same application.
@Suite("C terminal server: the shutdown stall")
struct StallTests {
    /// Runs the stall with the C build (`definitions` choose the variant); returns the scenario after the run.
    static func runC(_ definitions: [String] = [], seed: UInt64 = 1, stages: [LinkStage] = []) throws
        -> (StallScenario, StallVerdict, CApplication)
    {
        let (image, config) = try FixtureApps.image("terminal-server", definitions: definitions)
        let scenario = StallScenario(externalAppWith: .freeRTOS(config: config), seed: seed, stages: stages)
        let application = CApplication(image: image, device: scenario.device)
        try application.start()
        let verdict = scenario.run()
        application.stop()
        return (scenario, verdict, application)
    }

    static func runSwift(_ variant: TerminalServerVariant) throws -> (StallScenario, StallVerdict) {
        let (_, config) = try FixtureApps.image("terminal-server")
        let scenario = StallScenario(variant: variant, parameters: .freeRTOS(config: config))
        return (scenario, scenario.run())
    }

    static func transitions(_ scenario: StallScenario) -> [String] {
        scenario.network.trace.compactMap { event in
            guard case .transition(let time, let host, let transition) = event, host == "device" else { return nil }
            return "\(time) \(transition)"
        }
    }

    @Test func theReportsAppStallsFor40Seconds() throws {
        let (scenario, verdict, application) = try Self.runC()
        #expect(application.failure == nil)
        #expect(scenario.network.haltReason == nil)
        #expect(verdict.stall == .milliseconds(40_100))
        #expect(verdict.cause.contains("hang protection"))
        let (_, swift) = try Self.runSwift(.report)
        #expect(verdict.stall == swift.stall)
        #expect(verdict.cause == swift.cause)
    }

    @Test func theForumsCappedWaitFreesThePortAfter4Seconds() throws {
        let (_, verdict, _) = try Self.runC(["RELEASE_WAIT_MS=4000"])
        let (_, swift) = try Self.runSwift(.capped)
        #expect(verdict.stall == .milliseconds(4_100))
        #expect(verdict.stall == swift.stall)
    }

    @Test(arguments: [([String](), TerminalServerVariant.report), (["RELEASE_WAIT_MS=4000"], .capped)])
    func theTimelinesAgreeStateByState(definitions: [String], variant: TerminalServerVariant) throws {
        let (c, _, _) = try Self.runC(definitions)
        let (swift, _) = try Self.runSwift(variant)
        let cStates = Self.transitions(c), swiftStates = Self.transitions(swift)
        #expect(cStates.count > 10)
        #expect(cStates == swiftStates)
    }

    @Test func theTraceCarriesTheAppsCallsAndOutput() throws {
        let (scenario, _, _) = try Self.runC()
        let lines = scenario.network.trace.compactMap { event -> String? in
            switch event {
            case .call(_, "device", let text), .app(_, "device", let text): text
            default: nil
            }
        }
        #expect(lines.contains("FreeRTOS_bind(#3, 3301) = 0"))
        #expect(lines.contains("FreeRTOS_shutdown(#3, FREERTOS_SHUT_RDWR) = 0"))
        #expect(lines.contains { $0.hasPrefix("[TermSrv] port 3301: client 192.0.2.1:") && $0.hasSuffix(" accepted") })
        #expect(lines.contains("[TermSrv] port 3301: release requested"))
        #expect(lines.contains("xTaskCreate(\"TermSrv\", priority 2) = task 3"))
    }

    @Test func twoRunsGiveByteIdenticalCaptures() throws {
        var captures: [Data] = []
        _ = try FixtureApps.build("terminal-server")
        for run in 0..<2 {
            let path = FixtureApps.output.appendingPathComponent("stall-\(run).pcap").path
            let writer = try PcapFileWriter(path: path)
            let (scenario, _, _) = try Self.runC(stages: [PcapRecorder(sink: writer)])
            try writer.close()
            #expect(scenario.network.haltReason == nil)
            captures.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        #expect(captures[0].count > 1000)
        #expect(captures[0] == captures[1])
    }
}
