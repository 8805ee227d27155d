import Foundation
import SimClock
import TCPCore

/// A FreeRTOS+TCP debug log's state changes (`FreeRTOS_debug_printf()` of `vTCPStateChange()`), as
/// `EPOCH tick=N TAG Socket 3301 -> [192.0.2.1]:54614 State eESTABLISHED->eFIN_WAIT_1` lines; other lines are
/// not state changes and are passed over.
public struct DeviceLog: Sendable {
    public struct StateChange: Sendable, Codable, Equatable {
        /// Line number in the log.
        public var line: Int
        /// Wall-clock seconds (CLOCK_REALTIME, as the capture's timestamps), when the line has them.
        public var time: Double?
        public var port: UInt16
        /// `192.0.2.1:54614`, or `0.0.0.0:0` for a socket with no peer.
        public var remote: String
        public var from: String
        public var to: String

        public var description: String { "Socket \(port) -> \(remote) State \(from)->\(to)" }

        public init(line: Int, time: Double?, port: UInt16, remote: String, from: String, to: String) {
            self.line = line
            self.time = time
            self.port = port
            self.remote = remote
            self.from = from
            self.to = to
        }
    }

    public let path: String
    public let changes: [StateChange]
    /// What else the stack's own debug lines tell about the app (closes, listening sockets) and its clock.
    public let facts: DeviceLogFacts

    public init(path: String) throws(ReplayError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReplayError("cannot read device log '\(path)': \(FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")")
        }
        guard data.count <= 64 << 20 else { throw ReplayError("cannot read device log '\(path)': larger than 64 MiB") }
        self.init(path: path, text: String(decoding: data, as: UTF8.self))
    }

    public init(path: String, text: String) {
        self.path = path
        var changes: [StateChange] = []
        var facts = DeviceLogFacts()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let change = Self.parse(line, number: index + 1) {
                changes.append(change)
                facts.note(change)
            } else {
                facts.read(line, number: index + 1)
            }
            facts.readClock(line)
        }
        self.changes = changes
        self.facts = facts
    }

    /// `… Socket PORT -> [ADDRESS]:PORT State eFROM->eTO`; nil for any other line.
    static func parse(_ line: Substring, number: Int) -> StateChange? {
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        guard let socket = words.firstIndex(of: "Socket"), words.count >= socket + 6,
            let port = UInt16(words[socket + 1]), words[socket + 2] == "->", words[socket + 4] == "State"
        else { return nil }
        let peer = words[socket + 3]
        guard peer.hasPrefix("["), let close = peer.firstIndex(of: "]"), peer[close...].hasPrefix("]:"),
            let remotePort = UInt16(peer[peer.index(close, offsetBy: 2)...])
        else { return nil }
        let address = peer[peer.index(after: peer.startIndex)..<close]
        let states = words[socket + 5].split(separator: "-", maxSplits: 1)
        guard states.count == 2, states[1].hasPrefix(">"), states[0].hasPrefix("e") else { return nil }
        let to = states[1].dropFirst()
        guard to.hasPrefix("e") else { return nil }
        return StateChange(line: number, time: words.first.flatMap { Double($0) }, port: port,
                           remote: "\(address):\(remotePort)", from: String(states[0]), to: String(to))
    }
}

/// The model's state changes against the device log's: per socket (local port and peer), in order.
public struct StateCheck: Sendable, Codable {
    public var log: String
    public var logged: Int
    public var matched: Int
    /// Logged changes after the capture's end, which the model did not run to.
    public var afterCapture: Int
    /// Logged changes on ports the model's app did not use (an inferred app knows only the capture's ports).
    public var otherPorts: Int
    /// The first change that differs, explained; nil when every logged change is the model's.
    public var firstDivergence: String?

    public var summary: String {
        var notes: [String] = []
        if afterCapture > 0 { notes.append("\(afterCapture) after the capture's end") }
        if otherPorts > 0 { notes.append("\(otherPorts) on ports the app did not use") }
        let beyond = notes.isEmpty ? "" : " (not compared: \(notes.joined(separator: ", ")))"
        return firstDivergence.map { "device log: first state divergence: \($0)" }
            ?? "device log: \(matched)/\(logged) state changes match the model\(beyond)"
    }

    /// A state change of the model's device, with the socket's endpoints and the capture's clock.
    struct ModelChange {
        var time: Double
        var port: UInt16
        var remote: String
        var from: String
        var to: String
    }

    /// Compares the changes logged up to `end` (wall-clock seconds; the model ran that far) on `ports` (nil: all).
    init(log: DeviceLog, model: [ModelChange], end: Double, ports: Set<UInt16>?) {
        self.log = log.path
        let inTime = log.changes.filter { ($0.time ?? 0) <= end }
        let compared = inTime.filter { ports?.contains($0.port) ?? true }
        logged = compared.count
        afterCapture = log.changes.count - inTime.count
        otherPorts = inTime.count - compared.count
        matched = 0
        var remaining: [String: [ModelChange]] = Dictionary(grouping: model) { "\($0.port) \($0.remote)" }
        for change in compared {
            let key = "\(change.port) \(change.remote)"
            let at = change.time.map { String(format: " at %.6f", $0) } ?? ""
            guard var list = remaining[key], !list.isEmpty else {
                firstDivergence = "\(log.path):\(change.line): the device logged \(change.description)\(at); the model made no more changes on that socket"
                return
            }
            let next = list.removeFirst()
            remaining[key] = list
            guard next.from == change.from, next.to == change.to else {
                firstDivergence = "\(log.path):\(change.line): the device logged \(change.description)\(at); the model went \(next.from)->\(next.to) at \(String(format: "%.6f", next.time))"
                return
            }
            matched += 1
        }
        if let extra = remaining.values.flatMap({ $0 }).min(by: { $0.time < $1.time }) {
            firstDivergence = "the model went \(extra.from)->\(extra.to) on Socket \(extra.port) -> \(extra.remote) at \(String(format: "%.6f", extra.time)); the device logged no such change"
        }
    }
}
