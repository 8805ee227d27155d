import SimClock
import TCPCore
import TCPWire

/// FreeRTOS+TCP's socket fields (`xTCP` bits in `FreeRTOS_Sockets.h`).
struct RTOSSocket: Sendable {
    /// `FREERTOS_SO_REUSE_LISTEN_SOCKET`: the listener itself becomes the connection.
    var reuseListen = false
    /// `FREERTOS_SO_CLOSE_AFTER_SEND`.
    var closeAfterSend = false
    /// `usBacklog` and `usChildCount` of a listener.
    var backlog = 0
    var childCount = 0
    /// The listener's single pending-child pointer (`pxPeerSocket`).
    var pendingChild: SocketID?
    /// `bPassQueued`: a child (or REUSE socket) still in the handshake.
    var passQueued = false
    /// `bPassAccept`: connected, waiting for `accept()`.
    var passAccept = false
    /// `bConnPassed`: an active connect reached ESTABLISHED and WRITE was reported once.
    var connectPassed = false
    /// The select interest mask (`xSelectBits`) and the set the socket belongs to.
    var selectMask: SelectEvents = []
    var socketSet: Int?
    /// Buffer sizes (`FREERTOS_SO_SNDBUF`/`RCVBUF`/`WIN_PROPERTIES`), copied to children.
    var sendBufferSize: Int?
    var receiveBufferSize: Int?
    /// `FREERTOS_SO_STOP_RX`.
    var stopReceive = false
    /// `FREERTOS_SO_SET_LOW_HIGH_WATER` and the window sizes of `FREERTOS_SO_WIN_PROPERTIES` (MSS units).
    var littleSpace: Int?
    var enoughSpace: Int?
    var receiveWindowSegments: Int?
    var sendWindowSegments: Int?
}

/// `eSELECT_READ`, `eSELECT_WRITE`, `eSELECT_EXCEPT`, `eSELECT_INTR` (`FreeRTOS_Sockets.h`).
public struct SelectEvents: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let read = SelectEvents(rawValue: 1)
    public static let write = SelectEvents(rawValue: 2)
    public static let except = SelectEvents(rawValue: 4)
    public static let interrupt = SelectEvents(rawValue: 8)
    public static let all: SelectEvents = [.read, .write, .except, .interrupt]

    /// `READ|EXCEPT`, or `0`.
    public var description: String {
        var names: [String] = []
        if contains(.read) { names.append("READ") }
        if contains(.write) { names.append("WRITE") }
        if contains(.except) { names.append("EXCEPT") }
        if contains(.interrupt) { names.append("INTR") }
        return names.isEmpty ? "0" : names.joined(separator: "|")
    }
}

extension TCPStack {
    var isFreeRTOS: Bool { parameters.personality == .freeRTOS }
    var rules: FreeRTOSRules { parameters.freeRTOS }

    // MARK: - The IP task's timer (xTCPTimerCheck, vCheckNetworkTimers)

    var tickNanoseconds: Int64 { max(1, rules.tick.nanoseconds) }

    /// When the IP task's TCP timer next expires: min(1 s, the smallest socket timeout), on the tick grid.
    var nextTimerCheckFreeRTOS: SimInstant? {
        if !deferred.isEmpty { return SimInstant(nanoseconds: lastTimerTick * tickNanoseconds) }
        var shortest = rules.timerPeriod.nanoseconds / tickNanoseconds
        if let wake = wakeups.peek?.deadline.nanoseconds { shortest = min(shortest, wake - ipTicks) }
        return SimInstant(nanoseconds: (lastTimerTick + max(1, shortest)) * tickNanoseconds)
    }

    /// The socket's `usTimeout` as FreeRTOS would show it now: the ticks left before its next check, or 0
    /// when none is scheduled.
    public func rtosTimeoutTicks(of id: SocketID) -> Int {
        guard let stamp = timerStamps[id] else { return 0 }
        return Int(max(0, stamp.wake - ipTicks))
    }

    /// When the IP task will next check the socket, or nil when no timer is scheduled: the remaining ticks
    /// counted from the last timer pass (passes in the same millisecond count a tick each, so this can be
    /// earlier than the nominal timeout).
    public func rtosWakeup(of id: SocketID) -> SimInstant? {
        guard timerStamps[id] != nil else { return nil }
        return SimInstant(nanoseconds: (lastTimerTick + Int64(rtosTimeoutTicks(of: id))) * tickNanoseconds)
    }

    /// Records the absolute wake-up of a socket whose TCB set a new `usTimeout`.
    ///
    /// FreeRTOS keeps `usTimeout` per socket and subtracts the ticks of every pass from all of them. Every
    /// pass takes the same ticks from every socket, so counting the passes' ticks once (`ipTicks`) and keeping
    /// each socket's wake-up as an absolute count is the same arithmetic without visiting every socket.
    func trackTimer(_ id: SocketID) {
        guard let box = connections[id] else {
            timerStamps[id] = nil
            return
        }
        let ticks = box.tcb.rtos.timeoutTicks
        let generation = box.tcb.rtos.timerGeneration
        guard ticks > 0 else {
            timerStamps[id] = nil
            return
        }
        if let stamp = timerStamps[id], stamp.generation == generation { return }
        let wake = ipTicks + Int64(ticks)
        timerStamps[id] = TimerStamp(wake: wake, generation: generation)
        wakeups.schedule(id, at: SimInstant(nanoseconds: wake))
    }

    /// One pass of the IP task's timer work at `now` (`xTCPTimerCheck()`): the ticks since the previous pass
    /// are taken off every socket timer, and the sockets that reach zero are checked; then the deferred close
    /// and re-listen of the previous cycle (`vSocketCloseNextTime()`, `vSocketListenNextTime()`). FreeRTOS
    /// runs this whenever its event queue is empty, so the simulation runs it after every input.
    func ipTaskCycle(now: SimInstant) {
        let nowTick = now.nanoseconds / tickNanoseconds
        // ⚠ FreeRTOS: xTCPTimerCheck() counts at least one tick per pass, even when none elapsed, so every
        // pass in the same millisecond as the previous one brings all socket timers 1 ms closer (this is why
        // the real device's hang protection fired after 39.994 s rather than 40.000 s).
        let elapsed = max(1, nowTick - lastTimerTick)
        lastTimerTick = max(lastTimerTick, nowTick)
        ipTicks += elapsed
        runDeferred(now: now)
        while let (wake, id) = wakeups.peek, wake.nanoseconds <= ipTicks {
            wakeups.discardNext()
            guard let stamp = timerStamps[id], stamp.wake == wake.nanoseconds, let box = connections[id] else { continue }
            timerStamps[id] = nil
            _ = box.tcb.elapseFreeRTOS(ticks: .max)  // usTimeout reached zero
            box.tcb.socketCheckFreeRTOS(now: now, into: &scratch)
            absorb(id)
        }
    }

    private func runDeferred(now: SimInstant) {
        guard !deferred.isEmpty else { return }
        let actions = deferred
        deferred.removeAll()
        for action in actions {
            switch action {
            case .close(let id):
                freeFreeRTOS(id, now: now)
            case .relisten(let id):
                guard let socket = sockets[id] else { continue }
                _ = rtosListen(id, backlog: socket.rtos.backlog, now: now)
            }
        }
    }

    // MARK: - Incoming segments (xProcessReceivedTCPPacket)

    /// FreeRTOS: `xProcessReceivedTCPPacket()`: lookup, the stateless rules for segments nobody (active) owns,
    /// the listener, then the socket's state machine.
    func receiveFreeRTOS(_ packet: TCPPacket, now: SimInstant) {
        let segment = packet.tcp
        let key = ConnectionKey(localPort: segment.destinationPort, remote: packet.source)
        // pxTCPSocketLookup(): an exact match among sockets not listening, in any state; then the listener.
        if let id = connectionsByKey[key], let box = connections[id] {
            guard box.tcb.isActiveFreeRTOS else {
                replyStatelessFreeRTOS(packet, reason: "socket \(id) is \(box.tcb.state.freeRTOSName)")
                return
            }
            _ = try? withConnection(id) { connection, out in connection.receive(segment, now: now, into: &out) }
            return
        }
        guard let listenerID = listenersByPort[segment.destinationPort] else {
            replyStatelessFreeRTOS(packet, reason: "no active socket on port \(segment.destinationPort)")
            return
        }
        let control = segment.flags.intersection([.fin, .syn, .rst, .psh, .ack])
        if control != .syn {
            // A listener answers everything but RST and a bare SYN with RST (even a bare ACK).
            if !segment.flags.contains(.rst) {
                sendStatelessResetFreeRTOS(to: packet, reason: "\(segment.flags) to listening socket \(listenerID)")
            }
            return
        }
        handleListenFreeRTOS(listenerID, packet, now: now)
    }

    /// FreeRTOS §4: RST → nothing; exactly ACK (with or without data) → nothing (⚠ Q4); else RST|ACK.
    private func replyStatelessFreeRTOS(_ packet: TCPPacket, reason: String) {
        let control = packet.tcp.flags.intersection([.fin, .syn, .rst, .psh, .ack])
        if control.contains(.rst) { return }
        if control == .ack {
            output.notes.append(StackNote(.dropped, "ACK from \(packet.source) dropped: \(reason)"))
            return
        }
        sendStatelessResetFreeRTOS(to: packet, reason: reason)
    }

    /// `prvTCPSendSpecialPktHelper_IPV4()`: RST|ACK built from the received header: seq = its ACK field,
    /// ack = its seq (+1 for SYN; payload and FIN not counted), the window copied, no options.
    func sendStatelessResetFreeRTOS(to packet: TCPPacket, reason: String) {
        guard !rules.ignoreUnknownPackets else { return }
        let segment = TCPSegment(
            sourcePort: packet.tcp.destinationPort, destinationPort: packet.tcp.sourcePort, seq: packet.tcp.ackNumber,
            ackNumber: packet.tcp.seq + (packet.tcp.flags.contains(.syn) ? 1 : 0), flags: [.rst, .ack],
            window: packet.tcp.window)
        output.notes.append(StackNote(.reset, "RST to \(packet.source): \(reason)"))
        transmit(OutgoingSegment(source: packet.destination, destination: packet.source, segment: segment,
                                 ttl: parameters.ttl))
    }

    /// `prvHandleListen_IPV4()` .
    private func handleListenFreeRTOS(_ listenerID: SocketID, _ packet: TCPPacket, now: SimInstant) {
        guard let listener = sockets[listenerID], let port = listener.localPort else { return }
        let iss = nextInitialSequence()
        if iss.rawValue == 0 {
            output.notes.append(StackNote(.dropped, "SYN dropped: ulApplicationGetNextSequenceNumber() returned 0"))
            return
        }
        let id: SocketID
        if listener.rtos.reuseListen {
            // The listener itself takes the connection; the port has no listener from now on (Q11).
            id = listenerID
            listenersByPort[port] = nil
            sockets[id]?.rtos.passQueued = true
        } else {
            guard listener.rtos.childCount < listener.rtos.backlog else {
                output.notes.append(StackNote(
                    .reset, "SYN from \(packet.source) refused: socket \(port) already has \(listener.rtos.childCount) / \(listener.rtos.backlog) children"))
                sendStatelessResetFreeRTOS(to: packet, reason: "backlog full")
                return
            }
            id = allocateDescriptor()
            let child = Socket(id: id, localPort: port, parent: listenerID)
            child.rtos.passQueued = true
            child.rtos.selectMask = listener.rtos.selectMask.union([.read, .except])
            child.rtos.socketSet = listener.rtos.socketSet
            child.rtos.sendBufferSize = listener.rtos.sendBufferSize
            child.rtos.receiveBufferSize = listener.rtos.receiveBufferSize
            child.rtos.closeAfterSend = listener.rtos.closeAfterSend
            child.rtos.littleSpace = listener.rtos.littleSpace
            child.rtos.enoughSpace = listener.rtos.enoughSpace
            child.rtos.receiveWindowSegments = listener.rtos.receiveWindowSegments
            child.rtos.sendWindowSegments = listener.rtos.sendWindowSegments
            sockets[id] = child
            sockets[listenerID]?.rtos.childCount += 1
            // FreeRTOS: prvTCPSocketCopy(): a listener with no pending child points at this one while it is
            // still half-open ⚠, so an established sibling stays invisible to accept() until it completes.
            if sockets[listenerID]?.rtos.pendingChild == nil { sockets[listenerID]?.rtos.pendingChild = id }
            claimPort(port)
        }
        var childParameters = parameters
        if let size = sockets[id]?.rtos.sendBufferSize { childParameters.sendBufferSize = size }
        if let size = sockets[id]?.rtos.receiveBufferSize { childParameters.receiveBufferSize = size }
        let connection = TCPConnection(
            id: id.connectionID, local: Endpoint(address, port), remote: packet.source, initialSequence: iss,
            parameters: childParameters, acceptingSyn: packet.tcp, now: now, into: &scratch)
        // FreeRTOS: prvHandleListen_IPV4(): a child is a new socket, so its vTCPStateChange(eSYN_FIRST) starts
        // from eCLOSED; only a REUSE socket moves from eTCP_LISTEN.
        if id != listenerID, let first = scratch.transitions.first, first.from == .listen {
            scratch.transitions[0].from = .closed
        }
        sockets[id]?.role = .connection
        connections[id] = ConnectionBox(connection)
        connectionsByKey[ConnectionKey(localPort: port, remote: packet.source)] = id
        applySocketOptionsFreeRTOS(id)
        absorb(id)
    }

    // MARK: - Side effects of state changes (vTCPStateChange)

    /// Carries out a FreeRTOS connection's output: segments, transitions, and the socket-level side effects
    /// of `vTCPStateChange()`.
    func absorbFreeRTOS(_ id: SocketID) {
        for segment in scratch.segments { transmit(segment) }
        let transitions = scratch.transitions
        let events = scratch.events
        output.timers.append(contentsOf: scratch.timers)
        scratch.removeAll()
        output.transitions.append(contentsOf: transitions)
        for (_, event) in events { handleEventFreeRTOS(event, on: id) }
        for transition in transitions { stateChangedFreeRTOS(id, transition) }
        trackTimer(id)
    }

    private func handleEventFreeRTOS(_ event: ConnectionEvent, on id: SocketID) {
        switch event {
        case .connected:
            guard let socket = sockets[id] else { return }
            if socket.rtos.passQueued {
                // A child or REUSE socket is connected: the parent (or the REUSE socket itself) may accept it.
                sockets[id]?.rtos.passQueued = false
                sockets[id]?.rtos.passAccept = true
                let parent = socket.rtos.reuseListen ? id : (socket.parent ?? id)
                if parent != id, sockets[parent]?.rtos.pendingChild == nil {
                    sockets[parent]?.rtos.pendingChild = id
                }
                output.events.append((parent, .acceptable))
            } else {
                output.events.append((id, .connected))
            }
        case .readable: output.events.append((id, .readable))
        case .writable: output.events.append((id, .writable))
        case .endOfStream: output.events.append((id, .endOfStream))
        case .reset:
            sockets[id]?.error = .connectionReset
        case .refused:
            sockets[id]?.error = .connectionRefused
        case .timedOut:
            sockets[id]?.error = .timedOut
        case .closed:
            // eSOCKET_CLOSED goes to the "parent": the socket itself, or the listener of an un-owned child.
            guard let socket = sockets[id] else { return }
            // FreeRTOS: only a half-open child signals its listener; an established, un-accepted one signals itself.
            let halfOpen = socket.rtos.passQueued && !socket.rtos.reuseListen
            if halfOpen, let parent = socket.parent {
                output.events.append((parent, .closed))
            }
            output.events.append((id, .closed))
        }
    }

    private func stateChangedFreeRTOS(_ id: SocketID, _ transition: StateTransition) {
        guard let socket = sockets[id] else { return }
        let dead = transition.to == .closed || transition.to == .closeWait
        guard dead else { return }
        let reuse = socket.rtos.reuseListen
        if !reuse, socket.rtos.passQueued || socket.rtos.passAccept, let parent = socket.parent {
            // An un-owned child died: unhook it from the listener and free it at the next cycle.
            if sockets[parent]?.rtos.pendingChild == id { sockets[parent]?.rtos.pendingChild = nil }
            sockets[id]?.rtos.passQueued = false
            sockets[id]?.rtos.passAccept = false
            deferred.append(.close(id))
        } else if reuse && transition.to == .closeWait
            && (transition.from == .synFirst || transition.from == .synReceived)
        {
            // A REUSE socket whose handshake failed goes back to eCLOSED and listens again next cycle.
            if let box = connections[id] {
                box.tcb.forceClosedFreeRTOS(
                    at: transition.time, because: .timer("failed handshake of a REUSE socket"), into: &scratch)
                let forced = scratch.transitions
                scratch.removeAll()
                output.transitions.append(contentsOf: forced)
            }
            sockets[id]?.rtos.passQueued = false
            deferred.append(.relisten(id))
        }
    }

    /// The IP task handles an event an API call posted (`eSocketSelectEvent` of select): the deferred close and
    /// re-listen of the previous cycle run, but the sockets are checked only if the TCP timer has expired.
    /// FreeRTOS: vCheckNetworkTimers() runs xTCPTimerCheck() when prvIPTimerCheck( &xTCPTimer ) says so (or after
    /// TCP packets), and re-arms xTCPTimer each time; so a select loop with a 100 ms timeout takes no extra ticks
    /// off the socket timers (S8: the real device probed 21,000 ticks after the last activity with such an app).
    public func ipTaskEvent(now: SimInstant) {
        guard isFreeRTOS else { return }
        if let due = nextTimerCheckFreeRTOS, due <= now {
            ipTaskCycle(now: now)
        } else {
            runDeferred(now: now)
        }
    }

    /// `vSocketClose()`: frees the socket at once; sends nothing; a child gives its backlog slot back, a
    /// listener closes its un-owned children.
    func freeFreeRTOS(_ id: SocketID, now: SimInstant) {
        guard let socket = sockets[id] else { return }
        if let parent = socket.parent, sockets[parent]?.rtos.pendingChild == id {
            sockets[parent]?.rtos.pendingChild = nil
        }
        // prvTCPSetSocketCount(): closing a socket that is not listening decrements the child count of the
        // listener on its port ⚠ whichever socket it was (an accepted child, or even an unrelated one); with no
        // listener on the port, nothing is decremented.
        if case .listener = socket.role {
        } else if let port = socket.localPort, let listener = listenersByPort[port], listener != id,
            let count = sockets[listener]?.rtos.childCount, count > 0
        {
            sockets[listener]?.rtos.childCount = count - 1
        }
        if let port = socket.localPort, listenersByPort[port] == id { listenersByPort[port] = nil }
        let children = sockets.ids.filter { sockets[$0]?.parent == id }
        for child in children {
            guard let state = sockets[child] else { continue }
            if state.rtos.passQueued || state.rtos.passAccept {
                sockets[child]?.parent = nil
                freeFreeRTOS(child, now: now)
            } else {
                sockets[child]?.parent = nil
            }
        }
        free(id)
    }
}

/// A socket's absolute wake-up, in the IP task's tick count, and the `usTimeout` setting it came from.
struct TimerStamp: Sendable {
    var wake: Int64
    var generation: UInt32
}

/// Work FreeRTOS defers to the start of the IP task's next cycle.
enum DeferredAction: Sendable {
    /// `vSocketCloseNextTime()`: free an un-owned child that died.
    case close(SocketID)
    /// `vSocketListenNextTime()`: a REUSE socket listens again after a failed handshake.
    case relisten(SocketID)
}
