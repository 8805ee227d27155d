import Foundation
import Scenario
import SimClock
import Simulation
import TCPCore

/// A breakpoint: where `continue` stops.
public enum Breakpoint: Sendable, CustomStringConvertible {
    /// Socket `socket` of `host` (the device unless written `host:3`) enters `state`.
    case state(host: String, socket: Int, TCPState)
    /// A socket timer fires (any socket, or this one).
    case timer(socket: Int?)
    /// A segment whose tcpdump line contains `text`.
    case segment(String)
    /// A predicate over the sockets holds (`childCount(3) == backlog(3)`).
    case predicate(Predicate)

    public var description: String {
        switch self {
        case .state(let host, let socket, let state): "state \(host == "device" ? "" : host + ":")\(socket) \(state.freeRTOSName)"
        case .timer(let socket): socket.map { "timer \($0)" } ?? "timer"
        case .segment(let text): "segment \"\(text)\""
        case .predicate(let predicate): "if \(predicate.text)"
        }
    }
}

/// Steps through a recording: the current event, breakpoints, and the commands of `tcpsim step`.
public final class Stepper {
    public private(set) var recording: Recording
    /// The other personality's recording, made on first toggle.
    private var other: Recording?
    private let source: StepSource
    /// The current event (-1: before the first).
    public private(set) var position = -1
    public private(set) var breakpoints: [Breakpoint] = []
    /// The socket the state diagram follows.
    public private(set) var selectedSocket: Int?
    /// Set by `quit`.
    public private(set) var finished = false
    /// What the last command said (shown under the frame).
    public private(set) var message = ""

    /// The device's app when it is not the source's own (the user's C program).
    let app: ExternalAppStarter?

    public init(_ source: StepSource, personality: Personality = .freertos, app: ExternalAppStarter? = nil) throws {
        self.source = source
        self.app = app
        recording = try Recording.record(source, personality: personality, app: app)
        message = "\(recording.snapshots.count) events recorded; ? for help"
    }

    /// A stepper over a recording made earlier from `source` (a run is deterministic: the same frames).
    public init(_ source: StepSource, recording: Recording) {
        self.source = source
        self.app = nil
        self.recording = recording
        message = "\(recording.snapshots.count) events recorded; ? for help"
    }

    public var current: Snapshot? { position >= 0 ? recording.snapshots[position] : nil }
    public var time: SimInstant { current?.time ?? .zero }
    public var atEnd: Bool { position >= recording.snapshots.count - 1 }

    /// The socket the diagram shows: the selected one, else the one the current event is about, else the
    /// first socket with a connection.
    public var diagramSocket: SocketSnapshot? {
        let sockets = current?.sockets ?? []
        if let selectedSocket { return sockets.first { $0.id == selectedSocket && $0.host == "device" } ?? sockets.first { $0.id == selectedSocket } }
        if case .transition(_, let host, let transition)? = current?.event {
            return sockets.first { $0.host == host && $0.id == Int(transition.connection.rawValue) }
        }
        return sockets.first { $0.host == "device" && $0.remote != nil } ?? sockets.first
    }

    /// The last state change of `socket` up to the current event.
    public func lastTransition(of socket: SocketSnapshot) -> StateTransition? {
        guard position >= 0 else { return nil }
        for snapshot in recording.snapshots[0...position].reversed() {
            if case .transition(_, let host, let transition) = snapshot.event, host == socket.host,
                Int(transition.connection.rawValue) == socket.id
            {
                return transition
            }
        }
        return nil
    }

    /// States `host` entered over the whole run (the diagram marks the others: FreeRTOS+TCP never enters
    /// eFIN_WAIT_2, eCLOSING or eTIME_WAIT).
    public func enteredStates(of host: String) -> Set<TCPState> {
        var states: Set<TCPState> = []
        for snapshot in recording.snapshots {
            if case .transition(_, let eventHost, let transition) = snapshot.event, eventHost == host {
                states.insert(transition.to)
                states.insert(transition.from)
            }
        }
        return states
    }

    // MARK: - Moving

    /// Moves to event `index` (clamped).
    public func go(to index: Int) {
        position = min(max(-1, index), recording.snapshots.count - 1)
    }

    /// Moves forward until `matches` holds for an event (or the end); whether it stopped on a match.
    @discardableResult
    public func forward(while limit: Int = .max, until matches: (Snapshot) -> Bool) -> Bool {
        var moved = 0
        while position < recording.snapshots.count - 1, moved < limit {
            position += 1
            moved += 1
            if matches(recording.snapshots[position]) { return true }
        }
        return false
    }

    // MARK: - Commands

    /// Runs one command line; the reply is also kept in `message`. Unknown or malformed commands leave the
    /// position alone and say what was expected.
    @discardableResult
    public func execute(_ line: String) -> String {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        message = run(words, line: line.trimmingSpaces())
        return message
    }

    private func run(_ words: [String], line: String) -> String {
        guard let command = words.first else { return "" }
        let rest = Array(words.dropFirst())
        switch command {
        case "s", "step", "n":
            let count = rest.first.flatMap(Int.init) ?? 1
            guard count > 0 else { return "step expects a positive count, found '\(rest[0])'" }
            forward(while: count) { _ in false }
            return atEnd ? "end of the run: \(recording.verdict)" : "event \(position + 1)"
        case "b", "back":
            let count = rest.first.flatMap(Int.init) ?? 1
            guard count > 0 else { return "back expects a positive count, found '\(rest[0])'" }
            go(to: position - count)
            return "back to event \(position + 1)"
        case "next":
            guard let kind = rest.first else { return "next expects segment, state, call or timer" }
            return next(kind)
        case "ns": return next("segment")
        case "nc": return next("state")
        case "na": return next("call")
        case "nt": return next("timer")
        case "c", "continue": return continueToBreakpoint()
        case "until", "u": return until(rest)
        case "break", "br": return addBreakpoint(rest, line: line)
        case "breakpoints": return breakpoints.isEmpty ? "no breakpoints" : breakpoints.enumerated().map { "\($0.offset + 1): \($0.element)" }.joined(separator: "; ")
        case "delete":
            guard !breakpoints.isEmpty else { return "there are no breakpoints to delete" }
            guard let number = rest.first.flatMap(Int.init), number >= 1, number <= breakpoints.count else {
                return "delete expects a breakpoint number from 1 to \(breakpoints.count)"
            }
            let removed = breakpoints.remove(at: number - 1)
            return "deleted breakpoint \(number): \(removed)"
        case "select", "sel":
            guard let number = rest.first.flatMap({ Int($0.hasPrefix("#") ? String($0.dropFirst()) : $0) }) else {
                return "select expects a socket number such as 3"
            }
            selectedSocket = number
            return "following socket #\(number)"
        case "goto", "g":
            guard let number = rest.first.flatMap(Int.init), number >= 0 else {
                return "goto expects an event number from 0 to \(recording.snapshots.count)"
            }
            go(to: number - 1)
            return "event \(position + 1)"
        case "personality", "p": return togglePersonality()
        case "q", "quit":
            finished = true
            return "bye"
        case "?", "help": return Self.help
        default:
            return "unknown command '\(command)'; expected step, back, next segment|state|call|timer, continue, until, break, select, personality, quit (? for help)"
        }
    }

    public static let help = "keys: n step · b back · s next segment · c next state change · a next API call · t next timer · g continue · p personality · : command · ? help · q quit — commands: step [N], back [N], next segment|state|call|timer, continue, until state [HOST:]N eSTATE, until t=40s, break state [HOST:]N eSTATE | timer [N] | segment TEXT | if PREDICATE, breakpoints, delete N, select N, goto N, personality, quit"

    private func next(_ kind: String) -> String {
        let matcher: (Snapshot) -> Bool
        switch kind {
        case "segment": matcher = { if case .segment = $0.event { return true } else { return false } }
        case "state": matcher = { if case .transition = $0.event { return true } else { return false } }
        case "call": matcher = { if case .call = $0.event { return true } else { return false } }
        case "timer": matcher = { if case .timer = $0.event { return true } else { return false } }
        default: return "next expects segment, state, call or timer, found '\(kind)'"
        }
        return forward(until: matcher) ? "next \(kind): event \(position + 1)" : "no further \(kind); end of the run: \(recording.verdict)"
    }

    private func continueToBreakpoint() -> String {
        guard !breakpoints.isEmpty else {
            go(to: recording.snapshots.count - 1)
            return "end of the run: \(recording.verdict)"
        }
        var hit: Breakpoint?
        forward { snapshot in
            hit = breakpoints.first { self.matches($0, snapshot) }
            return hit != nil
        }
        if let hit { return "breakpoint \(hit) at event \(position + 1)" }
        return "end of the run: \(recording.verdict)"
    }

    private func until(_ words: [String]) -> String {
        guard let what = words.first else { return "until expects 'state N eSTATE' or 't=SECONDS'" }
        if what.hasPrefix("t=") {
            var text = String(what.dropFirst(2))
            if text.hasSuffix("s") { text.removeLast() }
            guard let seconds = Double(text), seconds.isFinite, seconds >= 0, seconds <= 1e9 else {
                return "until expects a time such as t=40s, found '\(what)'"
            }
            let target = SimInstant.zero + .seconds(seconds)
            return forward(until: { $0.time >= target }) ? "t=\(time)" : "the run ends before t=\(target): \(recording.verdict)"
        }
        guard let breakpoint = parseBreakpoint(words, line: words.joined(separator: " ")) else {
            return "until expects 'state N eSTATE', 'timer', 'segment TEXT', 'if PREDICATE' or 't=SECONDS', found '\(words.joined(separator: " "))'"
        }
        if case .predicate(let predicate) = breakpoint, let problem = predicate.problem { return problem }
        return forward(until: { self.matches(breakpoint, $0) }) ? "\(breakpoint) at event \(position + 1)" : "never: \(breakpoint); end of the run"
    }

    private func addBreakpoint(_ words: [String], line: String) -> String {
        guard let breakpoint = parseBreakpoint(words, line: line.dropFirstWord()) else {
            return "break expects 'state N eSTATE', 'timer [N]', 'segment TEXT' or 'if PREDICATE', found '\(words.joined(separator: " "))'"
        }
        if case .predicate(let predicate) = breakpoint, let problem = predicate.problem { return problem }
        breakpoints.append(breakpoint)
        return "breakpoint \(breakpoints.count): \(breakpoint)"
    }

    private func parseBreakpoint(_ words: [String], line: String) -> Breakpoint? {
        guard let kind = words.first else { return nil }
        switch kind {
        case "state":
            guard words.count == 3, let state = TCPState(name: words[2]) else { return nil }
            var spec = words[1]
            var host = "device"
            if let colon = spec.firstIndex(of: ":") {
                host = String(spec[..<colon])
                spec = String(spec[spec.index(after: colon)...])
            }
            guard let socket = Int(spec.hasPrefix("#") ? String(spec.dropFirst()) : spec) else { return nil }
            return .state(host: host, socket: socket, state)
        case "timer": return .timer(socket: words.count > 1 ? Int(words[1]) : nil)
        case "segment":
            guard words.count > 1 else { return nil }
            return .segment(words.dropFirst().joined(separator: " "))
        case "if":
            guard words.count > 1 else { return nil }
            return .predicate(Predicate(words.dropFirst().joined(separator: " ")))
        default: return nil
        }
    }

    func matches(_ breakpoint: Breakpoint, _ snapshot: Snapshot) -> Bool {
        switch breakpoint {
        case .state(let host, let socket, let state):
            if case .transition(_, let eventHost, let transition) = snapshot.event {
                return eventHost == host && Int(transition.connection.rawValue) == socket && transition.to == state
            }
            return false
        case .timer(let socket):
            if case .timer(_, _, let firing) = snapshot.event {
                return socket.map { Int(firing.connection.rawValue) == $0 } ?? true
            }
            return false
        case .segment(let text):
            if case .segment = snapshot.event { return snapshot.line.contains(text) }
            return false
        case .predicate(let predicate):
            return predicate.holds(in: snapshot.sockets)
        }
    }

    private func togglePersonality() -> String {
        switch source {
        case .stall:
            return "the stall's terminal server is written against the FreeRTOS API; the personality toggles for scripts (tcpsim step FILE.pkt)"
        case .capture:
            return "a replay models the captured FreeRTOS+TCP device; the personality toggles for scripts (tcpsim step FILE.pkt)"
        case .script:
            break
        }
        let target: Personality = recording.personality == .freertos ? .rfc : .freertos
        let here = time
        if other == nil || other?.personality != target {
            do {
                other = try Recording.record(source, personality: target, app: app)
            } catch {
                return "cannot run the scenario as \(target.rawValue): \(error)"
            }
        }
        guard let replacement = other else { return "" }
        other = recording
        recording = replacement
        let index = recording.snapshots.firstIndex { $0.time >= here } ?? recording.snapshots.count
        go(to: index - 1)
        let name = target == .freertos ? "FreeRTOS+TCP" : "RFC 9293"
        return "now \(name) at t=\(time): \(recording.verdict)"
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String { trimmingCharacters(in: .whitespaces) }

    fileprivate func dropFirstWord() -> String {
        let trimmed = trimmingSpaces()
        guard let space = trimmed.firstIndex(of: " ") else { return "" }
        return String(trimmed[space...]).trimmingSpaces()
    }
}
