import Devices
import IPConfig
import PcapIO
import SimClock
import Simulation
import TCPWire

/// The result of replaying a capture against the model.
public struct ReplayReport: Sendable, Codable {
    public var capture: String
    public var device: String
    public var deviceReason: String
    public var listenMode: String
    public var tolerance: String
    public var captureSummary: String
    public var rows: [ReplayRow]
    /// Device segments compared, and how many matched.
    public var compared: Int
    public var matched: Int
    /// The first row that is not a match, explained: what differs, and the model's sockets and last events
    /// at that instant.
    public var firstDivergence: Divergence?
    /// Lines of the inferred app that could not be carried out (a send on a connection the model refused).
    public var appProblems: [String]
    /// The model's state changes against the device's own log (`--device-log`).
    public var stateCheck: StateCheck?
    /// What the replay inferred about the app (each with its evidence) and the capture's clock and driver.
    public var inferences: [String] = []

    public struct Divergence: Sendable, Codable {
        public var row: Int
        public var frame: Int?
        public var time: Double
        public var summary: String
        /// `TCP #4 port 3301 -> 192.0.2.1.40048 eFIN_WAIT_1 [bFinSent bFinAcked] rx 0 tx 0 timeout 19994 ticks`.
        public var sockets: [String]
        /// The model's last events before that instant, timeline-style.
        public var recentEvents: [String]
    }

    public var passed: Bool { firstDivergence == nil && stateCheck?.firstDivergence == nil }

    /// `10/10 device segments match` or `first divergence at packet 17 (t=12.004 s): …`.
    public var verdict: String {
        if let divergence = firstDivergence {
            return "first divergence at packet \(divergence.frame.map(String.init) ?? "(model only)") (t=\(format3(divergence.time)) s): \(divergence.summary)"
        }
        return "\(matched)/\(compared) device segments match"
    }

    /// The side-by-side table, the divergence explained, and the verdict.
    public func text() -> String {
        var lines = ["replaying \(capture): \(captureSummary)",
                     "device \(device) (\(deviceReason)); \(listenMode); timing tolerance \(tolerance)"]
        lines += inferences.map { "  \($0)" }
        lines.append("")
        let header = ["frame", "time", "conn", "direction", "captured", "model", ""]
        var table: [[String]] = [header]
        for row in rows {
            let mark: String = switch row.status {
            case .injected: "→"
            case .match: "✓"
            case .differs: "✗ " + row.differences.joined(separator: ", ")
            case .missing: "✗ missing in the model"
            case .extra: "✗ model only"
            }
            let model: String = switch row.status {
            case .injected: "(played to the model)"
            case .missing: "—"
            default: (row.model ?? "—") + (row.modelTime.map { " @\(format3($0))" } ?? "")
            }
            table.append([row.frame.map(String.init) ?? "-", format3(row.time), "#\(row.connection)", row.direction,
                          row.captured ?? "—", model, mark])
        }
        let widths = (0..<header.count - 1).map { column in table.map { $0[column].count }.max() ?? 0 }
        for cells in table {
            var line = ""
            for (column, cell) in cells.enumerated() {
                line += column < widths.count ? cell + String(repeating: " ", count: widths[column] - cell.count + 2) : cell
            }
            lines.append(line)
        }
        lines.append("")
        if let divergence = firstDivergence {
            lines.append("first divergence, frame \(divergence.frame.map(String.init) ?? "-") at t=\(format3(divergence.time)) s: \(divergence.summary)")
            lines.append("  the model's sockets then:")
            lines += divergence.sockets.map { "    " + $0 }
            if !divergence.recentEvents.isEmpty {
                lines.append("  the model's last events:")
                lines += divergence.recentEvents.map { "    " + $0 }
            }
        }
        lines += appProblems.map { "note: \($0)" }
        if let stateCheck { lines.append(stateCheck.summary) }
        lines.append(verdict)
        return lines.joined(separator: "\n")
    }
}

/// `1.234567` for a time in seconds (the report keeps times as numbers, for JSON).
private func format3(_ value: Double) -> String {
    SimDuration(nanoseconds: Int64((value * 1e9).rounded())).secondsText
}

/// Replays captures against the model: the capture's peers are played to a simulated FreeRTOS+TCP device in
/// virtual time, and every segment the real device sent is compared with the model's.
public enum Replay {
    /// Replays `capture` (a pcap or pcapng file). `filter` is a BPF expression; `modelCapture` receives the
    /// model's run (peer and model segments) on the capture's own clock, for a sink whose epoch is the
    /// capture's `epochSeconds`.
    public static func check(
        capture path: String, device: String? = nil, config: IPConfig = .defaults,
        tolerance: ReplayTolerance = .default, filter: String? = nil, app: ReplayApp = .inferred,
        listen: ListenMode = .automatic, tickLength: Duration? = nil, driver: ReplayDriver = .automatic,
        compareWindow: Bool = false, compareOptions: Bool = false, modelCapture: PacketSink? = nil
    ) throws(ReplayError) -> ReplayReport {
        var settings = ReplaySettings()
        if let device {
            guard let selector = DeviceSelector(device) else {
                throw ReplayError("--device expects IP or IP:PORT such as 192.0.2.2:3301, found '\(device)'")
            }
            settings.device = selector
        }
        settings.config = config
        settings.tolerance = tolerance
        settings.listen = listen
        settings.app = app
        settings.tickLength = tickLength.map { tick in
            let (seconds, attoseconds) = tick.components
            return SimDuration(nanoseconds: seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        }
        settings.driver = driver
        settings.compareWindow = compareWindow
        settings.compareOptions = compareOptions
        let capture: Capture
        do {
            capture = try Capture(path: path, filter: filter)
        } catch {
            throw ReplayError("\(error)")
        }
        return try check(capture, settings: settings, modelCapture: modelCapture)
    }

    /// Replays an already loaded capture.
    public static func check(_ capture: Capture, settings: ReplaySettings, modelCapture: PacketSink? = nil)
        throws(ReplayError) -> ReplayReport
    {
        let conversations = try Conversations(capture, device: settings.device)
        var settings = settings
        let calibration = Calibration(capture: capture, conversations: conversations, settings: settings)
        settings.clock = calibration.clock
        settings.pollGrid = calibration.grid
        var notes = calibration.notes
        func play(_ settings: ReplaySettings, recording: Bool) -> (ReplayEngine, [ReplayRow]) {
            let stages: [LinkStage] = recording ? modelCapture.map {
                [PcapRecorder(sink: CaptureClockSink(sink: $0, clock: settings.clock, start: capture.startNanoseconds))]
            } ?? [] : []
            let engine = ReplayEngine(capture: capture, conversations: conversations, settings: settings, stages: stages)
            engine.run()
            return (engine, Comparator(capture: capture, engine: engine, settings: settings).rows())
        }
        var (engine, rows) = play(settings, recording: !calibration.refinable)
        if calibration.refinable {
            // The tick's length from the device's own timers: each timer-driven segment the model sent at
            // another time pins the clock there; replay again until none is left (a few passes at most).
            var pinned: [String] = []
            for _ in 0..<8 {
                guard let (time, model) = Calibration.timerDivergence(rows, settings.clock),
                    let refined = settings.clock.adding(capture: time, model: model)
                else { break }
                settings.clock = refined
                pinned.append(time.secondsText)
                (engine, rows) = play(settings, recording: false)
            }
            if !pinned.isEmpty {
                let origin = calibration.fromLog ? "the log's tick stamps, pinned on" : "auto: from"
                notes.removeAll { $0.hasPrefix("clock:") }
                notes.insert("clock: \(settings.clock) (\(origin) the device's timer-driven segments at \(pinned.joined(separator: ", ")) s)", at: 0)
            } else if !calibration.fromLog {
                notes.insert("clock: device tick 1 ms (auto: no timer-driven segment of the device's needed another)", at: 0)
            }
            if modelCapture != nil { (engine, rows) = play(settings, recording: true) }
        }
        let compared = rows.filter { $0.status != .injected && $0.status != .extra }.count
        let matched = rows.filter { $0.status == .match }.count
        var report = ReplayReport(
            capture: capture.path, device: "\(conversations.device)", deviceReason: conversations.deviceReason,
            listenMode: !settings.app.isInferred ? "\(settings.app)" : "app inferred from the capture",
            tolerance: "\(settings.tolerance)", captureSummary: capture.summary, rows: rows, compared: compared,
            matched: matched, firstDivergence: nil, appProblems: engine.appLog,
            stateCheck: settings.deviceLog.map {
                // An inferred app opens only the ports the capture shows; a named app opens all of its own.
                let ports = settings.app.isInferred ? Set(conversations.list.map(\.device.port)) : nil
                return StateCheck(log: $0, model: engine.stateChanges, end: engine.endSeconds, ports: ports)
            },
            inferences: (settings.app.isInferred ? engine.inference.notes : []) + engine.inferenceNotes + notes)
        if let index = rows.firstIndex(where: { $0.status != .injected && $0.status != .match }) {
            report.firstDivergence = explain(rows[index], row: index, capture: capture, conversations: conversations,
                                             settings: settings)
        }
        return report
    }

    /// Runs the model again (it is deterministic) up to the divergence and describes its sockets then.
    private static func explain(_ row: ReplayRow, row index: Int, capture: Capture, conversations: Conversations,
                                settings: ReplaySettings) -> ReplayReport.Divergence {
        var until = settings
        until.stopAt = SimDuration(nanoseconds: Int64((row.time * 1e9).rounded()))
        let engine = ReplayEngine(capture: capture, conversations: conversations, settings: until)
        engine.run()
        var formatter = TimelineFormatter()
        let events = engine.network.trace.map { formatter.format($0) }.suffix(8).map { $0.trimmingLeadingSpaces() }
        let summary: String
        switch row.status {
        case .missing: summary = "the device sent \(row.captured ?? "?"), the model sent nothing"
        case .extra: summary = "the model sent \(row.model ?? "?"), the device did not"
        default: summary = "expected \(row.captured ?? "?") vs model \(row.model ?? "?") (differs in \(row.differences.joined(separator: ", ")))"
        }
        return .init(row: index, frame: row.frame, time: row.time, summary: summary,
                     sockets: engine.device.rtosNetstat(), recentEvents: Array(events))
    }
}

extension String {
    func trimmingLeadingSpaces() -> String { String(drop { $0 == " " }) }
}

/// Records the model's packets on the capture's clock: model time is device ticks since the first frame, and
/// the sink's epoch is the first frame's second, so the first frame's fraction of a second is added back.
private final class CaptureClockSink: PacketSink {
    let sink: PacketSink
    let clock: CaptureClock
    let start: Int64

    init(sink: PacketSink, clock: CaptureClock, start: Int64) {
        self.sink = sink
        self.clock = clock
        self.start = start
    }

    func record(_ packet: [UInt8], at time: SimInstant) {
        let nanoseconds = clock.capture(time).nanoseconds + start
        sink.record(packet, at: SimInstant.zero + SimDuration(nanoseconds: nanoseconds))
    }
}

/// A replay's simulation without the comparison, for tools that watch the model run (`tcpsim step` on a
/// capture): the network to observe, and `run()`.
public final class ReplaySimulation {
    private let engine: ReplayEngine
    public var network: Network { engine.network }

    public init(_ capture: Capture, settings: ReplaySettings) throws(ReplayError) {
        let conversations = try Conversations(capture, device: settings.device)
        var settings = settings
        let calibration = Calibration(capture: capture, conversations: conversations, settings: settings)
        settings.clock = calibration.clock
        settings.pollGrid = calibration.grid
        engine = ReplayEngine(capture: capture, conversations: conversations, settings: settings)
    }

    /// Plays the capture to its end; returns what the app inference could not do, one line each.
    @discardableResult
    public func run() -> [String] {
        engine.run()
        return engine.appLog
    }
}
