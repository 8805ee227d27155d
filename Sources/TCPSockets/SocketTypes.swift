/// TCPSockets — the socket table of one stack: demultiplexing, ports, listeners and their children,
/// the accept queue, stateless replies to segments nobody owns, and the timers of every connection.
///
/// Pure: time comes in as an argument; packets, socket events and state transitions go out through the
/// stack's queues. Imports neither Foundation nor Glibc.
import TCPCore
import TCPWire

/// A socket handle, numbered like file descriptors (the first is 3, as in packetdrill scripts).
public struct SocketID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: Int
    @inlinable public init(_ rawValue: Int) { self.rawValue = rawValue }
    public static func < (lhs: SocketID, rhs: SocketID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "#\(rawValue)" }
    var connectionID: ConnectionID { ConnectionID(rawValue) }
}

/// Why a socket call failed; each case names its errno.
public enum SocketError: Error, Hashable, Sendable, CustomStringConvertible {
    case badDescriptor
    case invalidArgument(String)
    case addressInUse(UInt16)
    case notConnected
    case alreadyConnected
    case notListening
    case connectionReset
    case connectionRefused
    case timedOut
    case closing
    case noPortsAvailable

    /// The POSIX errno name: `ECONNRESET`.
    public var errnoName: String {
        switch self {
        case .badDescriptor: "EBADF"
        case .invalidArgument: "EINVAL"
        case .addressInUse: "EADDRINUSE"
        case .notConnected: "ENOTCONN"
        case .alreadyConnected: "EISCONN"
        case .notListening: "EINVAL"
        case .connectionReset: "ECONNRESET"
        case .connectionRefused: "ECONNREFUSED"
        case .timedOut: "ETIMEDOUT"
        case .closing: "EPIPE"
        case .noPortsAvailable: "EADDRNOTAVAIL"
        }
    }

    public var description: String {
        switch self {
        case .badDescriptor: "EBADF: not an open socket"
        case .invalidArgument(let why): "EINVAL: \(why)"
        case .addressInUse(let port): "EADDRINUSE: port \(port) is in use"
        case .notConnected: "ENOTCONN: the socket is not connected"
        case .alreadyConnected: "EISCONN: the socket is already connected"
        case .notListening: "EINVAL: the socket is not listening"
        case .connectionReset: "ECONNRESET: connection reset by peer"
        case .connectionRefused: "ECONNREFUSED: connection refused"
        case .timedOut: "ETIMEDOUT: connection timed out"
        case .closing: "EPIPE: the sending side is closed"
        case .noPortsAvailable: "EADDRNOTAVAIL: no free ephemeral port"
        }
    }
}

/// What happened to a socket, for whoever waits on it (level conditions are re-read through `status`).
public enum SocketEvent: Hashable, Sendable {
    /// A listener has an established child to accept.
    case acceptable
    case connected
    case readable
    case writable
    case endOfStream
    /// The connection is gone: closed, reset, refused or timed out (see the socket's `error`).
    case closed
}

/// A one-line remark by the stack for the trace: a dropped or malformed packet, a stateless RST.
public struct StackNote: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        case malformed, dropped, reset, info
    }
    public var kind: Kind
    public var text: String
    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }
    public var description: String { "\(kind.rawValue): \(text)" }
}

/// A `netstat`-style row for one socket.
public struct SocketInfo: Hashable, Sendable, CustomStringConvertible {
    public var id: SocketID
    public var local: Endpoint?
    public var remote: Endpoint?
    public var state: TCPState
    public var isListening: Bool
    public var backlog: Int?
    public var childCount: Int?
    public var pendingAccepts: Int?
    public var readable: Int
    public var unsent: Int
    public var inFlight: Int
    /// The application has closed the handle; the connection lives on until it reaches CLOSED.
    public var orphaned: Bool

    public var description: String {
        let localText = local.map(\.description) ?? "*"
        let remoteText = remote.map(\.description) ?? "*"
        var text = "\(id) \(localText) \(remoteText) \(state)"
        if let backlog, let childCount { text += " children \(childCount)/\(backlog)" }
        if readable > 0 { text += " rx \(readable)" }
        if unsent + inFlight > 0 { text += " tx \(unsent)+\(inFlight)" }
        if orphaned { text += " (closed by app)" }
        return text
    }
}
