import SimClock
import TCPCore
import TCPWire

/// The TCP part of one host's IP stack: its sockets, their connections and their timers.
///
/// Inputs are packets (`receive(packet:now:)`), application calls and `expireTimers(now:)`; outputs
/// accumulate in `outbox` (encoded IPv4 packets), `events`, `transitions` and `notes` until the owner
/// takes them (`takeOutput()`).
public struct TCPStack: Sendable {
    public let address: IPv4Address
    public var parameters: TCPParameters
    var random: SeededRandom

    var sockets: [SocketID: Socket] = [:]
    var nextDescriptor = 3
    var connectionsByKey: [ConnectionKey: SocketID] = [:]
    var listenersByPort: [UInt16: SocketID] = [:]
    var portUsers: [UInt16: Int] = [:]
    var timers = Scheduler<SocketID>()
    var scheduledDeadline: [SocketID: SimInstant] = [:]
    var scratch = TCPOutput()
    var ipIdentification: UInt16 = 0

    /// Encoded IPv4 packets to transmit, in order.
    public var outbox: [[UInt8]] = []
    /// What happened to which socket, in order.
    public var events: [(SocketID, SocketEvent)] = []
    public var transitions: [StateTransition] = []
    public var notes: [StackNote] = []
    /// Packets that failed to parse (counted, traced and dropped).
    public internal(set) var malformedPackets = 0

    public init(address: IPv4Address, parameters: TCPParameters = .rfc9293, seed: UInt64) {
        self.address = address
        self.parameters = parameters
        random = SeededRandom(seed: seed)
    }

    struct ConnectionKey: Hashable {
        var localPort: UInt16
        var remote: Endpoint
    }

    struct Listener {
        var backlog: Int
        /// Children that completed the handshake and wait for `accept()`, oldest first.
        var acceptQueue: [SocketID] = []
        /// Children still in the handshake.
        var halfOpen: Set<SocketID> = []
    }

    enum Role {
        case fresh
        case listener(Listener)
        case connection(TCPConnection)
    }

    struct Socket {
        var id: SocketID
        var localPort: UInt16?
        var role: Role = .fresh
        /// The listener a child came from, until it is accepted.
        var parent: SocketID?
        /// The application released the handle (close()); freed when the connection reaches CLOSED.
        var orphaned = false
        /// The error a dead connection reports to the next call.
        var error: SocketError?
        var sawEndOfStream = false

        var connection: TCPConnection? {
            if case .connection(let connection) = role { return connection }
            return nil
        }
    }

    /// Hands over and clears everything produced since the last call.
    public mutating func takeOutput() -> (
        packets: [[UInt8]], events: [(SocketID, SocketEvent)], transitions: [StateTransition], notes: [StackNote]
    ) {
        defer {
            outbox.removeAll(keepingCapacity: true)
            events.removeAll(keepingCapacity: true)
            transitions.removeAll(keepingCapacity: true)
            notes.removeAll(keepingCapacity: true)
        }
        return (outbox, events, transitions, notes)
    }

    // MARK: - Output plumbing

    mutating func transmit(_ outgoing: OutgoingSegment) {
        ipIdentification &+= 1
        let packet = TCPPacket(
            ip: IPv4Header(source: outgoing.source.address, destination: outgoing.destination.address,
                           ttl: outgoing.ttl, identification: ipIdentification, dontFragment: true),
            tcp: outgoing.segment)
        outbox.append(packet.encoded())
    }

    /// Carries out what a connection call produced, and keeps the socket tables and timers in step.
    mutating func absorb(_ id: SocketID) {
        for segment in scratch.segments { transmit(segment) }
        transitions.append(contentsOf: scratch.transitions)
        for (_, event) in scratch.events { handle(event, on: id) }
        scratch.removeAll()
        defer { pruneStaleTimers() }
        guard let socket = sockets[id], let connection = socket.connection else { return }
        if connection.state == .closed {
            connectionEnded(id)
        } else {
            rescheduleTimer(id, connection.nextDeadline)
        }
    }

    mutating func rescheduleTimer(_ id: SocketID, _ deadline: SimInstant?) {
        guard let deadline else {
            scheduledDeadline[id] = nil
            return
        }
        if scheduledDeadline[id] != deadline {
            scheduledDeadline[id] = deadline
            timers.schedule(id, at: deadline)
        }
    }

    private mutating func handle(_ event: ConnectionEvent, on id: SocketID) {
        switch event {
        case .connected:
            if let parent = sockets[id]?.parent, case .listener(var listener) = sockets[parent]?.role {
                listener.halfOpen.remove(id)
                listener.acceptQueue.append(id)
                sockets[parent]?.role = .listener(listener)
                events.append((parent, .acceptable))
            } else {
                events.append((id, .connected))
            }
        case .readable: events.append((id, .readable))
        case .writable: events.append((id, .writable))
        case .endOfStream:
            sockets[id]?.sawEndOfStream = true
            events.append((id, .endOfStream))
        case .closed: events.append((id, .closed))
        case .reset:
            sockets[id]?.error = .connectionReset
            events.append((id, .closed))
        case .refused:
            sockets[id]?.error = .connectionRefused
            events.append((id, .closed))
        case .timedOut:
            sockets[id]?.error = .timedOut
            events.append((id, .closed))
        }
    }

    /// The connection reached CLOSED: unhook it from demultiplexing; free the socket if nobody owns it.
    mutating func connectionEnded(_ id: SocketID) {
        guard let socket = sockets[id], let connection = socket.connection else { return }
        connectionsByKey[ConnectionKey(localPort: connection.local.port, remote: connection.remote)] = nil
        scheduledDeadline[id] = nil
        if let parent = socket.parent, case .listener(var listener) = sockets[parent]?.role {
            listener.halfOpen.remove(id)
            listener.acceptQueue.removeAll { $0 == id }
            sockets[parent]?.role = .listener(listener)
            free(id)
        } else if socket.orphaned {
            free(id)
        }
    }

    mutating func free(_ id: SocketID) {
        guard let socket = sockets.removeValue(forKey: id) else { return }
        scheduledDeadline[id] = nil
        if let port = socket.localPort { releasePort(port) }
        if case .connection(let connection) = socket.role {
            let key = ConnectionKey(localPort: connection.local.port, remote: connection.remote)
            if connectionsByKey[key] == id { connectionsByKey[key] = nil }
        }
    }

    mutating func claimPort(_ port: UInt16) { portUsers[port, default: 0] += 1 }

    mutating func releasePort(_ port: UInt16) {
        let users = (portUsers[port] ?? 1) - 1
        portUsers[port] = users > 0 ? users : nil
    }

    mutating func nextInitialSequence() -> SeqNumber { SeqNumber(UInt32(truncatingIfNeeded: random.next())) }

    // MARK: - Timers

    /// The earliest timer of any connection.
    public var nextDeadline: SimInstant? { timers.nextDeadline }

    /// Drops superseded entries from the top of the timer heap, so `nextDeadline` is exact.
    mutating func pruneStaleTimers() {
        while let (deadline, id) = timers.peek, scheduledDeadline[id] != deadline {
            timers.discardNext()
        }
    }

    /// Fires every connection timer due at or before `now`.
    public mutating func expireTimers(now: SimInstant) {
        while let deadline = timers.nextDeadline, deadline <= now, let id = timers.popNext(notAfter: now) {
            guard scheduledDeadline[id] == deadline else { continue }  // superseded
            scheduledDeadline[id] = nil
            guard case .connection(var connection) = sockets[id]?.role else { continue }
            sockets[id]?.role = .fresh
            connection.expireTimers(now: now, into: &scratch)
            sockets[id]?.role = .connection(connection)
            absorb(id)
        }
    }

    /// Runs `body` on socket `id`'s connection in place and carries out its output.
    mutating func withConnection<R>(
        _ id: SocketID, _ body: (inout TCPConnection, inout TCPOutput) throws(SocketError) -> R
    ) throws(SocketError) -> R {
        guard case .connection(var connection) = sockets[id]?.role else { throw .notConnected }
        sockets[id]?.role = .fresh  // keep the TCB uniquely referenced while it changes
        let result: R
        do {
            result = try body(&connection, &scratch)
        } catch {
            sockets[id]?.role = .connection(connection)
            absorb(id)
            throw error
        }
        sockets[id]?.role = .connection(connection)
        absorb(id)
        return result
    }
}
