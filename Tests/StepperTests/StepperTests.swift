import IPConfig
import Scenario
import SimClock
import Simulation
import Stepper
import TCPCore
import Testing

enum Fixtures {
    static let root: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) }
        return path
    }()

    static func script(_ name: String) throws -> StepSource {
        let path = "\(root)/Fixtures/scenarios/\(name)"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let config = IPConfigHeader(parsing: (try? String(contentsOfFile: "\(root)/Fixtures/configs/terminal-server.h", encoding: .utf8)) ?? "",
                                   fileName: "terminal-server.h").config
        return .script(try Script.parse(text, file: path), file: path, config: config)
    }
}

@Suite("Stepper")
struct StepperTests {
    @Test func backGivesTheSameFrameAsSteppingForwardToThatEvent() throws {
        let stepper = try Stepper(.stall(.report, config: .defaults))
        let renderer = FrameRenderer(width: 120, height: 50)
        stepper.execute("step 40")
        let forward = renderer.render(stepper, prompt: "")
        stepper.execute("step 25")
        stepper.execute("next state")
        #expect(stepper.position > 40)
        stepper.go(to: 39)
        #expect(renderer.render(stepper, prompt: "") == forward)
        stepper.execute("goto 80")
        stepper.execute("back 40")
        #expect(renderer.render(stepper, prompt: "") == forward)
    }

    @Test func aStateBreakpointStopsTheStallAtHangProtection() throws {
        let stepper = try Stepper(.stall(.report, config: .defaults))
        #expect(stepper.execute("break state 3 eCLOSE_WAIT") == "breakpoint 1: state 3 eCLOSE_WAIT")
        let reply = stepper.execute("continue")
        #expect(reply.hasPrefix("breakpoint state 3 eCLOSE_WAIT at event "))
        #expect(stepper.time == SimInstant.zero + .milliseconds(41_999))
        guard case .transition(_, "device", let transition)? = stepper.current?.event else {
            Issue.record("stopped on \(String(describing: stepper.current?.line))")
            return
        }
        #expect(transition.from == .finWait1)
        #expect("\(transition.cause)".hasPrefix("hang protection"))
        let socket = try #require(stepper.diagramSocket)
        #expect(socket.state == .closeWait && socket.id == 3 && socket.host == "device")
    }

    @Test func untilTimeAndNextKindsMoveToTheRightEvents() throws {
        let stepper = try Stepper(.stall(.report, config: .defaults))
        stepper.execute("until t=40s")
        #expect(stepper.time >= SimInstant.zero + .seconds(40))
        let before = stepper.position
        stepper.execute("back")
        #expect(stepper.time < SimInstant.zero + .seconds(40))
        stepper.go(to: before)
        for (command, matches) in [
            ("next segment", { (event: TraceEvent) in if case .segment = event { true } else { false } }),
            ("next state", { (event: TraceEvent) in if case .transition = event { true } else { false } }),
            ("next call", { (event: TraceEvent) in if case .call = event { true } else { false } }),
            ("next timer", { (event: TraceEvent) in if case .timer = event { true } else { false } }),
        ] as [(String, (TraceEvent) -> Bool)] {
            stepper.go(to: 0)
            stepper.execute(command)
            let event = try #require(stepper.current?.event)
            #expect(matches(event), "\(command) stopped on \(stepper.current?.line ?? "")")
        }
    }

    @Test func aPredicateBreakpointStopsWhenTheBacklogIsFull() throws {
        let stepper = try Stepper(try Fixtures.script("backlog-full-rst.pkt"))
        #expect(stepper.execute("break if childCount(3) == backlog(3)") == "breakpoint 1: if childCount(3) == backlog(3)")
        stepper.execute("continue")
        let listener = try #require(stepper.current?.sockets.first { $0.id == 3 && $0.host == "device" })
        #expect(listener.childCount == listener.backlog)
        #expect(listener.backlog != nil)
        stepper.execute("back")
        let earlier = try #require(stepper.current?.sockets.first { $0.id == 3 && $0.host == "device" })
        #expect(earlier.childCount != earlier.backlog, "the breakpoint stops at the first event where it holds")
    }

    @Test func togglingThePersonalityRerunsTheScriptAsRFCAndShowsTheDifference() throws {
        let stepper = try Stepper(try Fixtures.script("active-close.pkt"))
        stepper.execute("until t=1.1s")
        #expect(stepper.recording.verdict.hasSuffix("steps passed"))
        let reply = stepper.execute("personality")
        #expect(reply.hasPrefix("now RFC 9293 at t="))
        #expect(stepper.recording.personality == .rfc)
        // The RFC machine acknowledges the peer's FIN differently: the script's FreeRTOS assertion fails.
        #expect(stepper.recording.verdict.contains("active-close.pkt:12: assertion failed"), "\(stepper.recording.verdict)")
        #expect(stepper.execute("personality").hasPrefix("now FreeRTOS+TCP"))
        #expect(stepper.recording.personality == .freertos)
        let stall = try Stepper(.stall(.report, config: .defaults))
        #expect(stall.execute("personality").hasPrefix("the stall's terminal server is written against the FreeRTOS API"))
        #expect(stall.recording.personality == .freertos)
    }

    @Test(arguments: [
        ("jump", "unknown command 'jump'"),
        ("step -2", "step expects a positive count, found '-2'"),
        ("until sometime", "until expects 'state N eSTATE', 'timer', 'segment TEXT', 'if PREDICATE' or 't=SECONDS', found 'sometime'"),
        ("break if childCount(3) ~ 4", "a predicate is 'f(N) OP value' or 'flags(N).bX', joined by 'and'/'or'; found 'childCount(3) ~ 4'"),
        ("until t=soon", "until expects a time such as t=40s, found 't=soon'"),
        ("delete 3", "there are no breakpoints to delete"),
        ("break state 3 eNOWHERE", "break expects 'state N eSTATE', 'timer [N]', 'segment TEXT' or 'if PREDICATE'"),
        ("select x", "select expects a socket number such as 3"),
        ("", ""),
        ("until t=inf", "until expects a time such as t=40s, found 't=inf'"),
        ("until t=1e12s", "until expects a time such as t=40s, found 't=1e12s'"),
        ("goto -9223372036854775808", "goto expects an event number from 0 to"),
    ])
    func badCommandsSayWhatWasExpectedAndDoNotMove(command: String, reply: String) throws {
        let stepper = try Stepper(.stall(.report, config: .defaults))
        stepper.execute("step 5")
        #expect(stepper.execute(command).hasPrefix(reply))
        #expect(stepper.position == 4)
    }

    @Test func theDiagramDrawsAllTwelveStatesAndMarksTheNeverEnteredOnes() throws {
        let stepper = try Stepper(.stall(.report, config: .defaults))
        stepper.execute("break state 3 eFIN_WAIT_1")
        stepper.execute("continue")
        let frame = FrameRenderer(width: 120, height: 60).render(stepper).joined(separator: "\n")
        for state in TCPState.allCases {
            #expect(frame.contains(String(state.freeRTOSName.dropFirst())), "\(state) missing")
        }
        #expect(frame.contains("▶FIN_WAIT_1◀"))
        #expect(frame.contains("[ESTABLISHED]"), "the state the last transition left")
        #expect(frame.contains("FIN_WAIT_2·") && frame.contains("TIME_WAIT·") && frame.contains("CLOSING·"))
        #expect(frame.contains("last: eESTABLISHED → eFIN_WAIT_1 at 2.003500 (FreeRTOS_shutdown(): FIN sent)"))
        #expect(frame.contains("device #3 port 3301 -> 192.0.2.1."))
        #expect(frame.contains("bFinSent"))
    }

    @Test func framesFitTheTerminal() throws {
        let stepper = try Stepper(.stall(.report, config: .defaults))
        stepper.execute("until t=10s")
        for (width, height) in [(80, 24), (100, 30), (200, 60)] {
            let lines = FrameRenderer(width: width, height: height).render(stepper, prompt: "")
            #expect(lines.count <= height, "\(width)x\(height): \(lines.count) lines")
            #expect(lines.allSatisfy { $0.count <= width }, "\(width)x\(height)")
            #expect(lines.first?.hasPrefix("tcpsim step — the shutdown stall (report)") == true)
        }
    }
}

@Suite("Sequence diagrams")
struct SequenceDiagramTests {
    private func stallTrace() -> [TraceEvent] {
        let scenario = StallScenario(parameters: .freeRTOS())
        scenario.run()
        return scenario.network.trace
    }

    @Test func svgIsWellFormedXMLWithEveryStateChange() throws {
        let trace = stallTrace()
        let diagram = SequenceDiagram(trace)
        let transitions = trace.filter { if case .transition = $0 { true } else { false } }.count
        #expect(diagram.notes.count == transitions)
        let checker = XMLCheck(diagram.svg)
        #expect(checker.error == nil, "\(checker.error ?? "")")
        #expect(checker.rootElement == "svg")
        // Every state change is a text element of the SVG, escaped as XML.
        for note in diagram.notes {
            #expect(checker.texts.contains(note), "missing \(note)")
        }
        #expect(diagram.notes.contains { $0.contains("hang protection") && $0.contains("timer fired: ") })
    }

    @Test func mermaidHasParticipantsArrowsAndNotes() {
        let diagram = SequenceDiagram(stallTrace())
        let lines = diagram.mermaid.split(separator: "\n").map(String.init)
        #expect(lines.first == "sequenceDiagram")
        #expect(lines.contains("    participant device as device"))
        #expect(lines.contains { $0.hasPrefix("    host->>device: ") && $0.contains(" S 0:0(0)") })
        #expect(lines.contains { $0.hasPrefix("    Note over device: ") && $0.contains("#35;3 eFIN_WAIT_1 → eCLOSE_WAIT") })
        #expect(!lines.dropFirst().contains { $0.contains(";") && !$0.contains("#35;") && !$0.contains("#59;") && !$0.contains("#gt;") && !$0.contains("#lt;") })
    }

    @Test func textShowsArrowsBothWays() {
        let text = SequenceDiagram(stallTrace()).text
        #expect(text.hasPrefix("time        device | host\n"))
        #expect(text.contains("device ◀── "))
        #expect(text.contains(" ──▶ host"))
        #expect(text.contains("device: #3 eFIN_WAIT_1 → eCLOSE_WAIT (hang protection"))
    }
}

@Suite("Stepper robustness")
struct StepperRobustnessTests {
    /// Random command lines from the command words, numbers, state names and stray characters never crash the
    /// stepper, and leave it on an event of the run.
    @Test func randomCommandLinesNeverCrash() throws {
        let stepper = try Stepper(.stall(.report, config: .defaults))
        let words = ["step", "back", "next", "segment", "state", "call", "timer", "continue", "until", "break", "if",
                     "delete", "select", "goto", "breakpoints", "t=", "t=5s", "3", "-1", "0", "99999", "eCLOSE_WAIT",
                     "childCount(3)", "==", "backlog(3)", "flags(3).bFinSent", "and", "or", "(", ")", "host:3", "#3",
                     "rx(", "state(3)", ">", "x", "", "::", "personality"]
        var random = SeededRandom(seed: 7)
        for _ in 0..<2000 {
            let count = Int(random.next() % 5) + 1
            let line = (0..<count).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ")
            _ = stepper.execute(line)
            #expect(stepper.position >= -1 && stepper.position < stepper.recording.snapshots.count, "after '\(line)'")
            _ = FrameRenderer(width: 80, height: 24).render(stepper)
        }
    }
}

@Suite("Stepper timers")
struct StepperTimerTests {
    @Test func theStallShowsHangProtectionDueBeforeTheWakeUpThatActsOnIt() throws {
        let stepper = try Stepper(.stall(.report, config: .defaults))
        stepper.execute("until t=30s")
        let socket = try #require(stepper.current?.sockets.first { $0.host == "device" && $0.id == 3 })
        let timers = Dictionary(uniqueKeysWithValues: socket.timers.map { ($0.name, $0.deadline) })
        #expect(timers["hang protection"] == SimInstant.zero + .microseconds(32_004_500))
        #expect(timers["wake-up"] == SimInstant.zero + .milliseconds(41_999))
        let frame = FrameRenderer(width: 160, height: 40).render(stepper).joined(separator: "\n")
        #expect(frame.contains("device #3: wake-up 41.999000 (in 11.9 s); hang protection 32.004500 (in 1.9 s)"))
    }

    @Test func theRFCMachineShowsItsTimeWaitTimer() throws {
        let stepper = try Stepper(try Fixtures.script("rfc-fin-wait-2-time-wait.pkt"), personality: .rfc)
        stepper.execute("until state 4 eTIME_WAIT")
        let socket = try #require(stepper.current?.sockets.first { $0.host == "device" && $0.id == 4 })
        #expect(socket.timers.map(\.name) == ["TIME-WAIT"])
        #expect(socket.timers.first.map { $0.deadline - stepper.time } == .seconds(60))
    }
}
