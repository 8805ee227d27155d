import IPConfig
import Replay
import Scenario
import ScenarioRunner
import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire

/// One socket as the stepper shows it: like `FreeRTOS_netstat`, with the flags and counters the FreeRTOS
/// personality keeps.
public struct SocketSnapshot: Sendable {
    public var host: String
    public var id: Int
    public var local: String
    public var remote: String?
    public var state: TCPState
    /// `bFinSent`, `bFinAcked`, `bFinRecv`, `bFinLast`, `bUserShutdown` (FreeRTOS personality).
    public var flags: [String]
    public var childCount: Int?
    public var backlog: Int?
    public var reuse: Bool
    public var rx: Int
    public var tx: Int
    /// The socket's next wake-up (FreeRTOS `usTimeout`), if any.
    public var wakeup: SimInstant?
    public var selectBits: String
    /// Pending timers by name and deadline: `wake-up`, `hang protection`, `keep-alive` (FreeRTOS, acted on at
    /// a wake-up); `retransmission`, `delayed ACK`, `persist`, `TIME-WAIT` (RFC 9293).
    public var timers: [(name: String, deadline: SimInstant)] = []

    /// `#3 port 3301 -> 192.0.2.1.51789  eFIN_WAIT_1 [FIN-WAIT-1]  bFinSent bFinAcked  rx 0 tx 0  wake 41.999`
    public var line: String {
        var text = "#\(id) \(local)"
        if let remote { text += " -> \(remote)" }
        text += "  \(state)"
        if !flags.isEmpty { text += "  " + flags.joined(separator: " ") }
        if let childCount, let backlog { text += "  children \(childCount)/\(backlog)" }
        if reuse { text += "  REUSE" }
        if rx > 0 || tx > 0 { text += "  rx \(rx) tx \(tx)" }
        if !selectBits.isEmpty { text += "  select \(selectBits)" }
        return text
    }
}

/// The model at one event of a run: the event, and every socket of every host right after it.
public struct Snapshot: Sendable {
    public var index: Int
    public var time: SimInstant
    public var event: TraceEvent
    /// The event as the timeline prints it (`  2.003500  device     #3 eESTABLISHED → …`).
    public var line: String
    public var sockets: [SocketSnapshot]
}

/// What can be stepped through: a scenario script, or the built-in shutdown-stall scenario.
public enum StepSource: Sendable, CustomStringConvertible {
    case script(Script, file: String, config: IPConfig?)
    case stall(TerminalServerVariant, config: IPConfig)
    /// A capture replayed against the model (`tcpsim replay`'s engine, app inferred or given).
    case capture(Capture, settings: ReplaySettings)

    public var description: String {
        switch self {
        case .capture(let capture, _): "replay of \(capture.path)"
        case .script(_, let file, _): file
        case .stall(let variant, _): "the shutdown stall (\(variant.rawValue))"
        }
    }
}

/// A whole run, recorded event by event. A run is deterministic, so a recording *is* the run: stepping
/// forward, backward or jumping gives the same frame for the same event every time.
public struct Recording: Sendable {
    public var source: String
    public var personality: Personality
    public var snapshots: [Snapshot]
    /// How the run ended: the script's verdict or the stall's.
    public var verdict: String

    /// Runs `source` with `personality` (a script's own `--personality` line is overridden) and records it;
    /// `app`, when given, is the device's application instead of the source's own.
    public static func record(_ source: StepSource, personality: Personality, app: ExternalAppStarter? = nil) throws
        -> Recording
    {
        var snapshots: [Snapshot] = []
        var formatter = TimelineFormatter()
        let network: Network
        let finish: () -> String
        switch source {
        case .script(var script, let file, let config):
            script.options.removeAll { if case .personality = $0 { return true } else { return false } }
            let runner = try ScriptRunner(script: script, file: file, config: { _ in config ?? .defaults },
                                          defaultPersonality: personality)
            runner.startCApp = app
            network = runner.network
            finish = {
                let report = runner.run()
                return report.failure.map { $0.split(separator: "\n").first.map(String.init) ?? $0 }
                    ?? "\(file): \(report.stepsCompleted) steps passed"
            }
        case .capture(let capture, var settings):
            if let app { settings.app = .external("the C application", start: app) }
            let simulation = try ReplaySimulation(capture, settings: settings)
            network = simulation.network
            finish = {
                let problems = simulation.run()
                return problems.isEmpty ? "\(capture.path) replayed (tcpsim replay compares it)" : problems.joined(separator: "; ")
            }
        case .stall(let variant, let config):
            let parameters: TCPParameters = personality == .freertos ? .freeRTOS(config: config) : .rfc9293
            if let app {
                let scenario = StallScenario(externalAppWith: parameters)
                let started = try app(scenario.device)
                network = scenario.network
                finish = {
                    let verdict = scenario.run()
                    started.stop()
                    return scenario.network.haltReason ?? "\(verdict)"
                }
            } else {
                let scenario = StallScenario(variant: variant, parameters: parameters)
                network = scenario.network
                finish = { "\(scenario.run())" }
            }
        }
        network.recordsTrace = false
        network.onTrace = { [unowned network] event in
            snapshots.append(Snapshot(index: snapshots.count, time: event.time, event: event,
                                      line: formatter.format(event), sockets: Self.sockets(of: network)))
        }
        let verdict = finish()
        network.onTrace = nil
        // A stack pass reports its timer check before the state changes it made, and the sockets are read after
        // the whole pass: each socket's state is the one its transitions so far give, so frames and events agree.
        var states: [String: TCPState] = [:]
        for index in snapshots.indices {
            if case .transition(_, let host, let transition) = snapshots[index].event {
                states["\(host) \(transition.connection.rawValue)"] = transition.to
            }
            for socket in snapshots[index].sockets.indices {
                let key = "\(snapshots[index].sockets[socket].host) \(snapshots[index].sockets[socket].id)"
                if let state = states[key] { snapshots[index].sockets[socket].state = state }
            }
        }
        return Recording(source: "\(source)", personality: personality, snapshots: snapshots, verdict: verdict)
    }

    static func sockets(of network: Network) -> [SocketSnapshot] {
        var result: [SocketSnapshot] = []
        for host in network.hosts where !host.isScripted {
            let stack = host.stack
            let freeRTOS = stack.parameters.personality == .freeRTOS
            for info in stack.netstat() {
                let connection = stack.connection(of: info.id)
                var flags: [String] = []
                if let rtos = connection?.rtos, freeRTOS {
                    if rtos.finSent { flags.append("bFinSent") }
                    if rtos.finAcked { flags.append("bFinAcked") }
                    if rtos.finReceived { flags.append("bFinRecv") }
                    if rtos.finLast { flags.append("bFinLast") }
                    if rtos.userShutdown { flags.append("bUserShutdown") }
                }
                let listening = info.isListening
                var timers: [(String, SimInstant)] = []
                if let connection {
                    if freeRTOS {
                        if let wakeup = stack.rtosWakeup(of: info.id) { timers.append(("wake-up", wakeup)) }
                        if let limit = connection.rules.hangProtection, connection.isHangProtected {
                            timers.append(("hang protection", connection.rtos.lastActivity + limit))
                        }
                        if let interval = connection.rules.keepAliveInterval, info.state == .established {
                            timers.append(("keep-alive", connection.rtos.lastAlive + interval))
                        }
                    } else {
                        let named: [(String, SimInstant?)] = [
                            ("retransmission", connection.retransmitDeadline), ("delayed ACK", connection.delayedAckDeadline),
                            ("persist", connection.persistDeadline), ("TIME-WAIT", connection.timeWaitDeadline),
                        ]
                        for case let (name, deadline?) in named { timers.append((name, deadline)) }
                    }
                } else if freeRTOS, let wakeup = stack.rtosWakeup(of: info.id) {
                    timers.append(("wake-up", wakeup))
                }
                result.append(SocketSnapshot(
                    host: host.name, id: Int(info.id.rawValue), local: info.local.map { "port \($0.port)" } ?? "unbound",
                    remote: info.remote?.description, state: info.state, flags: flags,
                    childCount: listening ? (freeRTOS ? stack.childCount(of: info.id) : info.childCount) : nil,
                    backlog: listening ? (freeRTOS ? stack.backlog(of: info.id) : info.backlog) : nil,
                    reuse: freeRTOS && stack.isReuseListen(info.id), rx: info.readable, tx: info.unsent + info.inFlight,
                    wakeup: freeRTOS ? stack.rtosWakeup(of: info.id) : nil,
                    selectBits: freeRTOS ? "\(stack.rtosSelectBits(info.id))".replacingEmpty() : "", timers: timers))
            }
        }
        return result
    }
}

extension String {
    fileprivate func replacingEmpty() -> String { self == "[]" || self == "0" || self == "none" ? "" : self }
}
