/// Simulation — hosts, links and the run loop in virtual time; the only owner of `now`.
///
/// App tasks are `async` functions that run on `SimExecutor`, drained after every event, so the order of
/// everything is the order of the event queue. No wall clock, no unseeded randomness, no Foundation.
import SimClock
import TCPCore
import TCPSockets
import TCPWire

/// One line of a run's record.
public enum TraceEvent: Sendable {
    /// A packet left `from`'s stack towards `to`.
    case segment(time: SimInstant, from: String, to: String, packet: TCPPacket)
    /// A packet that did not parse was dropped by `host`.
    case malformed(time: SimInstant, host: String, reason: String)
    case transition(time: SimInstant, host: String, StateTransition)
    /// An application call and its result: `accept(#3) = #4`.
    case call(time: SimInstant, host: String, text: String)
    case note(time: SimInstant, host: String, StackNote)
    /// A link fault (drop, duplicate, corrupt, reorder).
    case fault(time: SimInstant, link: String, text: String)
    /// A line from an application task.
    case app(time: SimInstant, host: String, text: String)
    /// A socket's timer fired and was checked (FreeRTOS wake-ups: hang protection, keep-alive).
    case timer(time: SimInstant, host: String, TimerFiring)

    /// The host (or link) the event happened on.
    public var host: String {
        switch self {
        case .segment(_, let from, _, _): from
        case .malformed(_, let host, _), .transition(_, let host, _), .call(_, let host, _), .note(_, let host, _),
            .app(_, let host, _), .timer(_, let host, _):
            host
        case .fault(_, let link, _): link
        }
    }

    /// `segment`, `malformed`, `transition`, `call`, `note`, `fault`, `app` or `timer`.
    public var kind: String {
        switch self {
        case .segment: "segment"
        case .malformed: "malformed"
        case .transition: "transition"
        case .call: "call"
        case .note: "note"
        case .fault: "fault"
        case .app: "app"
        case .timer: "timer"
        }
    }

    public var time: SimInstant {
        switch self {
        case .segment(let time, _, _, _), .malformed(let time, _, _), .transition(let time, _, _),
            .call(let time, _, _), .note(let time, _, _), .fault(let time, _, _), .app(let time, _, _),
            .timer(let time, _, _):
            time
        }
    }
}

/// Formats trace events as timeline lines, with tcpdump-style relative sequence numbers per flow.
public struct TimelineFormatter {
    private var initialSequence: [FlowKey: SeqNumber] = [:]
    /// Print raw sequence numbers (tcpdump `-S`).
    public var absoluteSequenceNumbers = false

    private struct FlowKey: Hashable {
        var source: Endpoint
        var destination: Endpoint
    }

    public init(absoluteSequenceNumbers: Bool = false) {
        self.absoluteSequenceNumbers = absoluteSequenceNumbers
    }

    /// `  1.000200  device     #4 eSYN_RECEIVED → eESTABLISHED [SYN-RECEIVED → ESTABLISHED] (received ACK of SYN)`
    public mutating func format(_ event: TraceEvent) -> String {
        let time = pad(event.time.description, 11, left: true)
        if case .segment(_, let from, let to, _) = event {
            return "\(time)  \(pad(from, 10)) \(pad("> " + to, 10)) \(text(event))"
        }
        return "\(time)  \(pad(event.host, 10)) \(text(event))"
    }

    /// The event's text without its time and host: `#4 eSYN_RECEIVED → eESTABLISHED … (received ACK of SYN)`.
    public mutating func text(_ event: TraceEvent) -> String {
        switch event {
        case .segment(_, _, _, let packet): segmentText(packet)
        case .malformed(_, _, let reason): "malformed packet dropped: \(reason)"
        case .transition(_, _, let transition): "\(transition)"
        case .call(_, _, let text): text
        case .note(_, _, let note): "\(note)"
        case .fault(_, _, let text): "fault: \(text)"
        case .app(_, _, let text): "app: \(text)"
        case .timer(_, _, let firing): "timer: \(firing)"
        }
    }

    /// tcpdump's line for a packet: `192.0.2.1.40000 > 192.0.2.2.80: Flags [S.], seq 0, ack 1, win 2920, …`
    /// in its short form: `S. seq 0:0(0) ack 1 win 2920 <mss 1460>`.
    public mutating func segmentText(_ packet: TCPPacket) -> String {
        let tcp = packet.tcp
        let forward = FlowKey(source: packet.source, destination: packet.destination)
        let reverse = FlowKey(source: packet.destination, destination: packet.source)
        if tcp.flags.contains(.syn) { initialSequence[forward] = tcp.seq }
        var seq = tcp.seq.rawValue
        var ack = tcp.ackNumber.rawValue
        if !absoluteSequenceNumbers {
            if let isn = initialSequence[forward], !tcp.flags.contains(.syn) { seq = tcp.seq.rawValue &- isn.rawValue }
            if let isn = initialSequence[reverse] { ack = tcp.ackNumber.rawValue &- isn.rawValue }
            if tcp.flags.contains(.syn) { seq = 0 }
        }
        var text = "\(packet.source) > \(packet.destination): \(tcp.flags) \(seq):\(seq &+ UInt32(tcp.payload.count))"
        text += "(\(tcp.payload.count))"
        if tcp.flags.contains(.ack) { text += " ack \(ack)" }
        text += " win \(tcp.window)"
        if !tcp.options.isEmpty { text += " <" + tcp.options.map(\.description).joined(separator: ",") + ">" }
        return text
    }

    private func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return left ? padding + text : text + padding
    }
}

/// The per-socket state timeline of a run: for every socket of every host, its states in order with the time
/// and cause of each change.
///
/// ```
/// device #3  0.000000 eTCP_LISTEN (FreeRTOS_listen())
///            0.100000 eSYN_FIRST (received SYN)
///            …
/// ```
public struct StateTimeline: CustomStringConvertible {
    public struct Entry: Hashable, Sendable {
        public var host: String
        public var connection: ConnectionID
        public var transitions: [StateTransition]
    }

    public private(set) var entries: [Entry] = []

    public init(_ events: [TraceEvent]) {
        var index: [String: Int] = [:]
        for event in events {
            guard case .transition(_, let host, let transition) = event else { continue }
            let key = "\(host) \(transition.connection.rawValue)"
            if let position = index[key] {
                entries[position].transitions.append(transition)
            } else {
                index[key] = entries.count
                entries.append(Entry(host: host, connection: transition.connection, transitions: [transition]))
            }
        }
    }

    public var description: String {
        var lines: [String] = []
        for entry in entries {
            let label = "\(entry.host) \(entry.connection)"
            for (offset, transition) in entry.transitions.enumerated() {
                let prefix = offset == 0 ? label : String(repeating: " ", count: label.count)
                let time = String(repeating: " ", count: max(0, 11 - transition.time.description.count))
                    + transition.time.description
                lines.append("\(prefix) \(time) \(transition.to.freeRTOSName) [\(transition.to.rfcName)] (\(transition.cause))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
