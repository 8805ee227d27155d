import SimClock
import TCPCore
import TCPWire

/// The TCP part of one host's IP stack: its sockets, their connections and their timers.
///
/// Inputs are packets (`receive(packet:now:)`), application calls and `expireTimers(now:)`; outputs
/// accumulate in `output` (packets, `events`, `transitions` and `notes`) until the owner
/// takes them (`takeOutput()`).
public final class TCPStack: @unchecked Sendable {
    public let address: IPv4Address
    public var parameters: TCPParameters
    var random: SeededRandom

    var sockets = DescriptorTable<Socket>()
    /// The TCB of each socket that has one, boxed so it is read and changed in place (a TCB is a large
    /// value; copying one per segment would dominate the cost of a run). A stack value therefore owns its
    /// boxes: it is not copied and used as two stacks.
    var connections = DescriptorTable<ConnectionBox>()
    var nextDescriptor = 3
    var connectionsByKey: [ConnectionKey: SocketID] = [:]
    var listenersByPort: [UInt16: SocketID] = [:]
    var portUsers: [UInt16: Int] = [:]
    var timers = Scheduler<SocketID>()
    var scheduledDeadline = DescriptorTable<SimInstant>()
    var scratch = TCPOutput()
    var ipIdentification: UInt16 = 0
    /// FreeRTOS: the tick of the IP task's previous timer pass, and the work deferred to its next cycle.
    var lastTimerTick: Int64 = 0
    var deferred: [DeferredAction] = []
    /// FreeRTOS: ticks counted by the IP task's timer passes, and the sockets' absolute wake-ups.
    var ipTicks: Int64 = 0
    var wakeups = Scheduler<SocketID>()
    var timerStamps = DescriptorTable<TimerStamp>()

    /// What the stack produced since the owner last took it (`swapOutput`).
    public internal(set) var output = StackOutput()
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
        /// The TCB is in `connections`.
        case connection
    }

    /// A socket of the table (a reference: reading one for a check costs a retain, not a copy of its fields).
    final class Socket: @unchecked Sendable {
        let id: SocketID
        var localPort: UInt16?
        var role: Role = .fresh
        /// The listener a child came from, until it is accepted.
        var parent: SocketID?
        /// The application released the handle (close()); freed when the connection reaches CLOSED.
        var orphaned = false
        /// The error a dead connection reports to the next call.
        var error: SocketError?
        var sawEndOfStream = false
        /// FreeRTOS+TCP's socket fields (used by the `.freeRTOS` personality).
        var rtos = RTOSSocket()

        init(id: SocketID, localPort: UInt16? = nil, role: Role = .fresh, parent: SocketID? = nil) {
            self.id = id
            self.localPort = localPort
            self.role = role
            self.parent = parent
        }
    }

    /// Hands over everything produced since the last call by swapping it with `buffer`, which must be empty
    /// (swapping keeps both sets of arrays allocated, so a busy run does not allocate per event).
    public func swapOutput(_ buffer: inout StackOutput) {
        swap(&output, &buffer)
    }

    // MARK: - Output plumbing

    func transmit(_ outgoing: OutgoingSegment) {
        ipIdentification &+= 1
        let packet = TCPPacket(
            ip: IPv4Header(source: outgoing.source.address, destination: outgoing.destination.address,
                           ttl: outgoing.ttl, identification: ipIdentification,
                           dontFragment: isFreeRTOS ? parameters.freeRTOS.dontFragment : true),
            tcp: outgoing.segment)
        output.packets.append(packet)
    }

    /// Carries out what a connection call produced, and keeps the socket tables and timers in step.
    func absorb(_ id: SocketID) {
        if isFreeRTOS {
            absorbFreeRTOS(id)
            return
        }
        for segment in scratch.segments { transmit(segment) }
        output.transitions.append(contentsOf: scratch.transitions)
        for (_, event) in scratch.events { handle(event, on: id) }
        scratch.removeAll()
        defer { pruneStaleTimers() }
        guard let state = connections[id]?.state else { return }
        if state == .closed {
            connectionEnded(id)
        } else {
            rescheduleTimer(id, connections[id]?.nextDeadline)
        }
    }

    func rescheduleTimer(_ id: SocketID, _ deadline: SimInstant?) {
        guard let deadline else {
            scheduledDeadline[id] = nil
            return
        }
        // A later deadline keeps the earlier heap entry: when it comes due, the connection's real deadline
        // is read again and re-queued. So an ACK that pushes the retransmission timer back costs nothing.
        if let scheduled = scheduledDeadline[id], scheduled <= deadline { return }
        scheduledDeadline[id] = deadline
        timers.schedule(id, at: deadline)
    }

    private func handle(_ event: ConnectionEvent, on id: SocketID) {
        switch event {
        case .connected:
            if let parent = sockets[id]?.parent, case .listener(var listener) = sockets[parent]?.role {
                listener.halfOpen.remove(id)
                listener.acceptQueue.append(id)
                sockets[parent]?.role = .listener(listener)
                output.events.append((parent, .acceptable))
            } else {
                output.events.append((id, .connected))
            }
        case .readable: output.events.append((id, .readable))
        case .writable: output.events.append((id, .writable))
        case .endOfStream:
            sockets[id]?.sawEndOfStream = true
            output.events.append((id, .endOfStream))
        case .closed: output.events.append((id, .closed))
        case .reset:
            sockets[id]?.error = .connectionReset
            output.events.append((id, .closed))
        case .refused:
            sockets[id]?.error = .connectionRefused
            output.events.append((id, .closed))
        case .timedOut:
            sockets[id]?.error = .timedOut
            output.events.append((id, .closed))
        }
    }

    /// The connection reached CLOSED: unhook it from demultiplexing; free the socket if nobody owns it.
    func connectionEnded(_ id: SocketID) {
        guard let socket = sockets[id], let connection = connections[id]?.tcb else { return }
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

    func free(_ id: SocketID) {
        guard let socket = sockets.removeValue(forKey: id) else { return }
        scheduledDeadline[id] = nil
        if let port = socket.localPort { releasePort(port) }
        if let connection = connections.removeValue(forKey: id)?.tcb {
            let key = ConnectionKey(localPort: connection.local.port, remote: connection.remote)
            if connectionsByKey[key] == id { connectionsByKey[key] = nil }
        }
    }

    func claimPort(_ port: UInt16) { portUsers[port, default: 0] += 1 }

    func releasePort(_ port: UInt16) {
        let users = (portUsers[port] ?? 1) - 1
        portUsers[port] = users > 0 ? users : nil
    }

    func nextInitialSequence() -> SeqNumber { SeqNumber(UInt32(truncatingIfNeeded: random.next())) }

    // MARK: - Timers

    /// The earliest timer of any connection.
    public var nextDeadline: SimInstant? { isFreeRTOS ? nextTimerCheckFreeRTOS : timers.nextDeadline }

    /// Drops superseded entries from the top of the timer heap, so `nextDeadline` is exact.
    func pruneStaleTimers() {
        while let (deadline, id) = timers.peek, scheduledDeadline[id] != deadline {
            timers.discardNext()
        }
    }

    /// Fires every connection timer due at or before `now`.
    public func expireTimers(now: SimInstant) {
        if isFreeRTOS {
            ipTaskCycle(now: now)
            return
        }
        while let deadline = timers.nextDeadline, deadline <= now, let id = timers.popNext(notAfter: now) {
            guard scheduledDeadline[id] == deadline else { continue }  // superseded
            scheduledDeadline[id] = nil
            guard let box = connections[id], let due = box.nextDeadline else { continue }
            if due > now {
                rescheduleTimer(id, due)  // the deadline moved later since this entry was queued
                continue
            }
            box.tcb.expireTimers(now: now, into: &scratch)
            absorb(id)
        }
    }

    /// Runs `body` on socket `id`'s connection in place and carries out its output.
    func withConnection<R>(
        _ id: SocketID, _ body: (inout TCPConnection, inout TCPOutput) throws(SocketError) -> R
    ) throws(SocketError) -> R {
        guard let box = connections[id] else { throw .notConnected }
        defer { absorb(id) }
        return try body(&box.tcb, &scratch)
    }
}

/// Packets, socket events, state transitions and notes produced by a stack, in order.
public struct StackOutput: Sendable {
    /// Packets to transmit (values; encoded by whatever needs their bytes).
    public var packets: [TCPPacket] = []
    public var events: [(SocketID, SocketEvent)] = []
    public var transitions: [StateTransition] = []
    public var notes: [StackNote] = []
    /// Socket timers that fired (FreeRTOS wake-ups), for the timeline.
    public var timers: [TimerFiring] = []

    public init() {}

    public var isEmpty: Bool {
        packets.isEmpty && events.isEmpty && transitions.isEmpty && notes.isEmpty && timers.isEmpty
    }

    /// Empties every list, keeping their storage.
    public mutating func removeAll() {
        packets.removeAll(keepingCapacity: true)
        events.removeAll(keepingCapacity: true)
        transitions.removeAll(keepingCapacity: true)
        notes.removeAll(keepingCapacity: true)
        timers.removeAll(keepingCapacity: true)
    }
}

/// A TCB in the stack's table, changed in place through `tcb`.
final class ConnectionBox: @unchecked Sendable {
    var tcb: TCPConnection
    init(_ tcb: TCPConnection) { self.tcb = tcb }

    // Field reads that do not copy the TCB out of the box (hot paths read these per segment).
    var state: TCPState { tcb.state }
    var nextDeadline: SimInstant? { tcb.nextDeadline }
    var readableCount: Int { tcb.readableCount }
    var peerFinReceived: Bool { tcb.peerFinReceived }
}
