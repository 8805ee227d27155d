import SimClock
import TCPWire

/// Identifies one connection within a stack (assigned by the socket layer).
public struct ConnectionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: Int
    @inlinable public init(_ rawValue: Int) { self.rawValue = rawValue }
    public static func < (lhs: ConnectionID, rhs: ConnectionID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "#\(rawValue)" }
}

/// Why a state changed: the segment, call or timer that caused it.
public enum TransitionCause: Hashable, Sendable, CustomStringConvertible {
    /// A received segment, e.g. `"ACK of SYN"`, `"FIN"`, `"RST"`.
    case segment(String)
    /// An application call, e.g. `"connect()"`, `"close()"`.
    case call(String)
    /// A timer, e.g. `"TIME-WAIT 2·MSL expired"`, `"retransmission limit"`.
    case timer(String)

    public var description: String {
        switch self {
        case .segment(let what): "received \(what)"
        case .call(let what): what
        case .timer(let what): what
        }
    }
}

/// One state change of one connection, with its cause.
public struct StateTransition: Hashable, Sendable, CustomStringConvertible {
    public var time: SimInstant
    public var connection: ConnectionID
    public var from: TCPState
    public var to: TCPState
    public var cause: TransitionCause

    public init(time: SimInstant, connection: ConnectionID, from: TCPState, to: TCPState, cause: TransitionCause) {
        self.time = time
        self.connection = connection
        self.from = from
        self.to = to
        self.cause = cause
    }

    /// `#3 eSYN_RECEIVED → eESTABLISHED [SYN-RECEIVED → ESTABLISHED] (received ACK of SYN)`.
    public var description: String {
        "\(connection) \(from.freeRTOSName) → \(to.freeRTOSName) [\(from.rfcName) → \(to.rfcName)] (\(cause))"
    }
}

/// What a connection tells its owner, besides segments and state changes.
public enum ConnectionEvent: Hashable, Sendable {
    /// The handshake completed (active or passive open reached ESTABLISHED).
    case connected
    /// New in-order data can be read.
    case readable
    /// Send-buffer space was freed.
    case writable
    /// The peer's FIN arrived in order: end of stream after the buffered data.
    case endOfStream
    /// The connection reached CLOSED through the normal close machinery.
    case closed
    /// A valid RST killed the connection (RFC 9293 §3.10.7.4: "connection reset").
    case reset
    /// A RST answered our SYN: the peer refused the connection.
    case refused
    /// Retransmissions gave up (RFC 9293 §3.8.3, R2): "connection timed out".
    case timedOut
}

/// A segment leaving a connection, with its addresses.
public struct OutgoingSegment: Hashable, Sendable {
    public var source: Endpoint
    public var destination: Endpoint
    public var segment: TCPSegment
    public var ttl: UInt8

    public init(source: Endpoint, destination: Endpoint, segment: TCPSegment, ttl: UInt8) {
        self.source = source
        self.destination = destination
        self.segment = segment
        self.ttl = ttl
    }
}

/// A socket's timer fired (FreeRTOS: `xTCPSocketCheck()`): what it found, for the timeline.
public struct TimerFiring: Hashable, Sendable, CustomStringConvertible {
    public var time: SimInstant
    public var connection: ConnectionID
    public var state: TCPState
    /// Time since the socket was last touched (hang protection counts this).
    public var idle: SimDuration
    /// `ipconfigTCP_HANG_PROTECTION_TIME` when the state is protected, else nil.
    public var hangLimit: SimDuration?
    /// The next wake-up, as re-armed by this check.
    public var nextWakeup: SimDuration

    public init(time: SimInstant, connection: ConnectionID, state: TCPState, idle: SimDuration,
                hangLimit: SimDuration?, nextWakeup: SimDuration) {
        self.time = time
        self.connection = connection
        self.state = state
        self.idle = idle
        self.hangLimit = hangLimit
        self.nextWakeup = nextWakeup
    }

    /// `#3 wake-up in eFIN_WAIT_1: idle 20.0 s, hang protection after 30.0 s: not yet; next wake-up in 20.0 s`
    public var description: String {
        var text = "\(connection) wake-up in \(state.freeRTOSName): idle \(idle)"
        if let hangLimit {
            text += ", hang protection after \(hangLimit): " + (idle > hangLimit ? "fires" : "not yet")
        }
        return text + "; next wake-up in \(nextWakeup)"
    }
}

/// The actions a connection returns; its owner carries them out. Reused between calls to avoid allocation.
public struct TCPOutput: Sendable {
    public var segments: [OutgoingSegment] = []
    public var events: [(ConnectionID, ConnectionEvent)] = []
    public var transitions: [StateTransition] = []
    public var timers: [TimerFiring] = []

    public init() {}

    public var isEmpty: Bool { segments.isEmpty && events.isEmpty && transitions.isEmpty && timers.isEmpty }

    public mutating func removeAll() {
        segments.removeAll(keepingCapacity: true)
        events.removeAll(keepingCapacity: true)
        transitions.removeAll(keepingCapacity: true)
        timers.removeAll(keepingCapacity: true)
    }
}
