import SimClock
import TCPCore
import TCPWire

/// FreeRTOS+TCP's error numbers (`projdefs.h`); the API returns them negated.
public enum FreeRTOSErrno: Int32, CaseIterable, Sendable, CustomStringConvertible {
    case EINTR = 4
    case EBADF = 9
    case EAGAIN = 11
    case ENOMEM = 12
    case EINVAL = 22
    case ENOSPC = 28
    case EOPNOTSUPP = 95
    case ENOPROTOOPT = 109
    case EADDRINUSE = 112
    case ETIMEDOUT = 116
    case EINPROGRESS = 119
    case EADDRNOTAVAIL = 125
    case EISCONN = 127
    case ENOTCONN = 128
    case ECANCELED = 140

    /// `EWOULDBLOCK` is `EAGAIN` (11).
    public static let EWOULDBLOCK = FreeRTOSErrno.EAGAIN

    /// The value an API call returns: `-pdFREERTOS_ERRNO_ENOTCONN` = −128.
    public var returnValue: Int32 { -rawValue }

    /// `ENOTCONN`.
    public var name: String {
        switch self {
        case .EINTR: "EINTR"
        case .EBADF: "EBADF"
        case .EAGAIN: "EAGAIN"
        case .ENOMEM: "ENOMEM"
        case .EINVAL: "EINVAL"
        case .ENOSPC: "ENOSPC"
        case .EOPNOTSUPP: "EOPNOTSUPP"
        case .ENOPROTOOPT: "ENOPROTOOPT"
        case .EADDRINUSE: "EADDRINUSE"
        case .ETIMEDOUT: "ETIMEDOUT"
        case .EINPROGRESS: "EINPROGRESS"
        case .EADDRNOTAVAIL: "EADDRNOTAVAIL"
        case .EISCONN: "EISCONN"
        case .ENOTCONN: "ENOTCONN"
        case .ECANCELED: "ECANCELED"
        }
    }

    /// `pdFREERTOS_ERRNO_ENOTCONN`.
    public var description: String { "pdFREERTOS_ERRNO_" + name }

    /// Names a negative return value: `-pdFREERTOS_ERRNO_ENOTCONN`, or the number itself.
    public static func name(of value: Int32) -> String {
        if value < 0, let errno = FreeRTOSErrno(rawValue: -value) { return "-\(errno)" }
        return String(value)
    }
}

/// What `FreeRTOS_accept()` can give without blocking.
public enum FreeRTOSAcceptResult: Hashable, Sendable {
    /// The child, or the REUSE socket itself.
    case accepted(SocketID)
    /// Nothing yet (a blocking call waits for `eSOCKET_ACCEPT`; on timeout it returns NULL).
    case nothing
    /// `FREERTOS_INVALID_SOCKET`: not a socket, unbound, or a non-REUSE socket that is not listening.
    case invalid
}

/// What `FreeRTOS_recv()` can give without blocking.
public enum FreeRTOSReceiveResult: Hashable, Sendable {
    case data([UInt8])
    /// Empty and still connected: 0 with no timeout, or wait.
    case empty
    /// A negative error: `-pdFREERTOS_ERRNO_ENOTCONN` once the connection is dead.
    case error(Int32)
}

/// `setsockopt` options modelled at the stack.
public enum FreeRTOSSocketOption: Hashable, Sendable, CustomStringConvertible {
    case reuseListenSocket(Bool)
    case closeAfterSend(Bool)
    case sendBuffer(Int)
    case receiveBuffer(Int)
    /// `FREERTOS_SO_WIN_PROPERTIES`: TX buffer bytes, TX window in MSS, RX buffer bytes, RX window in MSS.
    case windowProperties(txBuffer: Int, txWindow: Int, rxBuffer: Int, rxWindow: Int)
    case stopReceive(Bool)
    /// `FREERTOS_SO_SET_LOW_HIGH_WATER`: `uxLittleSpace` and `uxEnoughSpace` in bytes.
    case lowHighWater(little: Int, enough: Int)

    /// The option and value as a FreeRTOS_setsockopt() call writes them: `FREERTOS_SO_REUSE_LISTEN_SOCKET, 1`.
    public var description: String {
        switch self {
        case .reuseListenSocket(let on): "FREERTOS_SO_REUSE_LISTEN_SOCKET, \(on ? 1 : 0)"
        case .closeAfterSend(let on): "FREERTOS_SO_CLOSE_AFTER_SEND, \(on ? 1 : 0)"
        case .sendBuffer(let size): "FREERTOS_SO_SNDBUF, \(size)"
        case .receiveBuffer(let size): "FREERTOS_SO_RCVBUF, \(size)"
        case .windowProperties(let txBuffer, let txWindow, let rxBuffer, let rxWindow):
            "FREERTOS_SO_WIN_PROPERTIES, {\(txBuffer), \(txWindow), \(rxBuffer), \(rxWindow)}"
        case .stopReceive(let on): "FREERTOS_SO_STOP_RX, \(on ? 1 : 0)"
        case .lowHighWater(let little, let enough): "FREERTOS_SO_SET_LOW_HIGH_WATER, {\(little), \(enough)}"
        }
    }
}

extension TCPStack {
    // MARK: - Sockets

    /// `FreeRTOS_socket(FREERTOS_AF_INET, FREERTOS_SOCK_STREAM, FREERTOS_IPPROTO_TCP)`.
    public func rtosSocket() -> SocketID { socket() }

    /// `FreeRTOS_bind()`: 0, or `-EINVAL` when the socket is bound already or the port is in use (⚠ Q12:
    /// the IP task's EADDRINUSE is lost). Port 0 picks a port in [1024, 65535] (`prvGetPrivatePortNumber()`).
    public func rtosBind(_ id: SocketID, port: UInt16) -> Int32 {
        guard let socket = sockets[id], socket.localPort == nil else { return FreeRTOSErrno.EINVAL.returnValue }
        var chosen = port
        if port == 0 {
            guard let ephemeral = ephemeralPortFreeRTOS() else { return FreeRTOSErrno.EINVAL.returnValue }
            chosen = ephemeral
        }
        guard portUsers[chosen] == nil else {
            output.notes.append(StackNote(.info, "bind(\(id), \(chosen)): port in use, returning -EINVAL"))
            return FreeRTOSErrno.EINVAL.returnValue
        }
        claimPort(chosen)
        sockets[id]?.localPort = chosen
        return 0
    }

    private func ephemeralPortFreeRTOS() -> UInt16? {
        for _ in 0..<64512 {
            let candidate = UInt16(1024 + random.next() % 64512)
            if portUsers[candidate] == nil { return candidate }
        }
        return nil
    }

    /// `FreeRTOS_listen()`: allowed when bound and in eCLOSED or eCLOSE_WAIT; a REUSE socket that served a
    /// connection starts afresh (streams, window and flags cleared). `-EOPNOTSUPP` otherwise.
    public func rtosListen(_ id: SocketID, backlog: Int, now: SimInstant) -> Int32 {
        guard let socket = sockets[id], let port = socket.localPort else { return FreeRTOSErrno.EOPNOTSUPP.returnValue }
        let previous = state(of: id)
        switch socket.role {
        case .listener:
            break
        case .fresh:
            break
        case .connection:
            guard previous == .closed || previous == .closeWait else { return FreeRTOSErrno.EOPNOTSUPP.returnValue }
            if let connection = connections.removeValue(forKey: id)?.tcb {
                let key = ConnectionKey(localPort: connection.local.port, remote: connection.remote)
                if connectionsByKey[key] == id { connectionsByKey[key] = nil }
            }
        }
        if case .listener = socket.role {
            // Already listening: eTCP_LISTEN is not eCLOSED or eCLOSE_WAIT.
            return FreeRTOSErrno.EOPNOTSUPP.returnValue
        }
        if let other = listenersByPort[port], other != id { return FreeRTOSErrno.EOPNOTSUPP.returnValue }
        let clamped = max(0, min(backlog, 0xFFFF))
        sockets[id]?.role = .listener(Listener(backlog: clamped))
        sockets[id]?.rtos.backlog = clamped
        sockets[id]?.rtos.passQueued = false
        sockets[id]?.rtos.passAccept = false
        sockets[id]?.rtos.pendingChild = nil
        sockets[id]?.error = nil
        listenersByPort[port] = id
        output.transitions.append(StateTransition(
            time: now, connection: id.connectionID, from: previous, to: .listen, cause: .call("FreeRTOS_listen()")))
        return 0
    }

    /// `FreeRTOS_accept()` without blocking.
    public func rtosAccept(_ id: SocketID) -> FreeRTOSAcceptResult {
        guard let socket = sockets[id], socket.localPort != nil else { return .invalid }
        if socket.rtos.reuseListen {
            guard socket.rtos.passAccept else { return .nothing }
            sockets[id]?.rtos.passAccept = false
            return .accepted(id)
        }
        guard case .listener = socket.role else { return .invalid }
        guard let child = socket.rtos.pendingChild, sockets[child]?.rtos.passAccept == true else { return .nothing }
        sockets[child]?.rtos.passAccept = false
        sockets[id]?.rtos.pendingChild = nil
        // xTCPCheckNewClient(): look for another established, un-accepted child.
        if let next = sockets.ids.first(where: { sockets[$0]?.parent == id && sockets[$0]?.rtos.passAccept == true }) {
            sockets[id]?.rtos.pendingChild = next
            output.events.append((id, .acceptable))
        }
        return .accepted(child)
    }

    /// `FreeRTOS_connect()`, the part that starts the handshake: 0 when started, else the negative errno.
    public func rtosConnect(_ id: SocketID, to remote: Endpoint, now: SimInstant) -> Int32 {
        guard let socket = sockets[id] else { return FreeRTOSErrno.EBADF.returnValue }
        switch state(of: id) {
        case .established, .finWait1, .finWait2: return FreeRTOSErrno.EISCONN.returnValue
        case .connectSyn: return FreeRTOSErrno.EINPROGRESS.returnValue
        case .closed, .closeWait: break
        case .listen, .synFirst, .synReceived, .closing, .lastAck, .timeWait: return FreeRTOSErrno.EAGAIN.returnValue
        }
        if socket.localPort == nil {
            guard rtosBind(id, port: 0) == 0 else { return FreeRTOSErrno.EINVAL.returnValue }
        }
        guard let port = sockets[id]?.localPort else { return FreeRTOSErrno.EINVAL.returnValue }
        if let old = connections.removeValue(forKey: id)?.tcb {
            connectionsByKey[ConnectionKey(localPort: old.local.port, remote: old.remote)] = nil
        }
        var connectionParameters = parameters
        if let size = socket.rtos.sendBufferSize { connectionParameters.sendBufferSize = size }
        if let size = socket.rtos.receiveBufferSize { connectionParameters.receiveBufferSize = size }
        let connection = TCPConnection(
            id: id.connectionID, local: Endpoint(address, port), remote: remote, initialSequence: nextInitialSequence(),
            parameters: connectionParameters, connectingAt: now, into: &scratch)
        sockets[id]?.role = .connection
        sockets[id]?.error = nil
        sockets[id]?.rtos.connectPassed = false
        connections[id] = ConnectionBox(connection)
        connectionsByKey[ConnectionKey(localPort: port, remote: remote)] = id
        applySocketOptionsFreeRTOS(id)
        absorb(id)
        ipTaskCycle(now: now)
        return 0
    }

    /// `FreeRTOS_send()` without blocking: the bytes queued, 0 once our FIN is out, or a negative errno
    /// (⚠ Q13: `-ENOSPC` when nothing fits, also after a RST).
    public func rtosSend(_ id: SocketID, _ bytes: some Collection<UInt8>, now: SimInstant) -> Int32 {
        guard let socket = sockets[id], socket.localPort != nil else { return FreeRTOSErrno.EINVAL.returnValue }
        let current = state(of: id)
        switch current {
        case .closed, .closeWait, .closing: return FreeRTOSErrno.ENOTCONN.returnValue
        case .listen, .connectSyn, .synFirst, .synReceived, .established, .finWait1, .finWait2, .lastAck, .timeWait:
            break
        }
        guard let box = connections[id] else { return FreeRTOSErrno.ENOSPC.returnValue }
        if box.tcb.finSentFreeRTOS { return 0 }
        if bytes.isEmpty { return 0 }
        let queued = box.tcb.queueFreeRTOS(bytes)
        if queued > 0 && queued == bytes.count && socket.rtos.closeAfterSend {
            box.tcb.requestCloseAfterSendFreeRTOS()
        }
        trackTimer(id)
        ipTaskCycle(now: now)
        if queued > 0 { return Int32(queued) }
        return current.rawValue > TCPState.established.rawValue
            ? FreeRTOSErrno.ENOTCONN.returnValue : FreeRTOSErrno.ENOSPC.returnValue
    }

    /// `FreeRTOS_recv()` without blocking .
    public func rtosRecv(_ id: SocketID, upTo maximum: Int, peek: Bool, now: SimInstant)
        -> FreeRTOSReceiveResult
    {
        guard let socket = sockets[id], socket.localPort != nil else { return .error(FreeRTOSErrno.EINVAL.returnValue) }
        if let box = connections[id], box.readableCount > 0 {
            let generation = box.tcb.rtos.timerGeneration
            let bytes = box.tcb.readFreeRTOS(upTo: maximum, consume: !peek)
            if box.tcb.rtos.timerGeneration != generation {  // a window update was poked
                trackTimer(id)
                ipTaskCycle(now: now)
            }
            return .data(bytes)
        }
        switch state(of: id) {
        case .closed, .closeWait, .closing: return .error(FreeRTOSErrno.ENOTCONN.returnValue)
        case .listen, .connectSyn, .synFirst, .synReceived, .established, .finWait1, .finWait2, .lastAck, .timeWait:
            return .empty
        }
    }

    /// `FreeRTOS_shutdown()`: valid only in eESTABLISHED (`xHow` is ignored); the FIN follows the data.
    public func rtosShutdown(_ id: SocketID, now: SimInstant) -> Int32 {
        guard let socket = sockets[id], socket.localPort != nil else { return FreeRTOSErrno.EOPNOTSUPP.returnValue }
        guard state(of: id) == .established, let box = connections[id] else {
            return FreeRTOSErrno.ENOTCONN.returnValue
        }
        box.tcb.shutdownFreeRTOS()
        trackTimer(id)
        ipTaskCycle(now: now)
        return 0
    }

    /// `FreeRTOS_closesocket()`: 1; the socket is freed at once and nothing is sent, in any state (⚠ Q3).
    /// 0 for an invalid handle.
    public func rtosClose(_ id: SocketID, now: SimInstant) -> Int32 {
        guard sockets[id] != nil else { return 0 }
        freeFreeRTOS(id, now: now)
        ipTaskCycle(now: now)  // eSocketCloseEvent is handled by the IP task
        return 1
    }

    /// `FreeRTOS_setsockopt()` for the options the stack models: 0, `-EINVAL` (bad socket, or buffers that
    /// exist already), `-ENOPROTOOPT`.
    public func rtosSetOption(_ id: SocketID, _ option: FreeRTOSSocketOption) -> Int32 {
        guard sockets[id] != nil else { return FreeRTOSErrno.EINVAL.returnValue }
        let hasStreams = connections[id] != nil
        switch option {
        case .reuseListenSocket(let on): sockets[id]?.rtos.reuseListen = on
        case .closeAfterSend(let on): sockets[id]?.rtos.closeAfterSend = on
        case .stopReceive(let on):
            sockets[id]?.rtos.stopReceive = on
            if let box = connections[id] {
                box.tcb.setReceiveStoppedFreeRTOS(on)
                trackTimer(id)
            }
        case .lowHighWater(let little, let enough):
            let size = sockets[id]?.rtos.receiveBufferSize ?? parameters.receiveBufferSize
            guard little >= 0, little < enough, enough <= size else { return FreeRTOSErrno.EINVAL.returnValue }
            sockets[id]?.rtos.littleSpace = little
            sockets[id]?.rtos.enoughSpace = enough
            connections[id]?.tcb.setReceiveLimitsFreeRTOS(little: little, enough: enough, rxWindow: nil, txWindow: nil)
        case .sendBuffer(let size):
            guard !hasStreams, size > 0 else { return FreeRTOSErrno.EINVAL.returnValue }
            sockets[id]?.rtos.sendBufferSize = roundedSendBuffer(size)
        case .receiveBuffer(let size):
            guard !hasStreams, size > 0 else { return FreeRTOSErrno.EINVAL.returnValue }
            sockets[id]?.rtos.receiveBufferSize = size
        case .windowProperties(let txBuffer, let txWindow, let rxBuffer, let rxWindow):
            guard !hasStreams, txBuffer > 0, rxBuffer > 0 else { return FreeRTOSErrno.EINVAL.returnValue }
            sockets[id]?.rtos.sendBufferSize = roundedSendBuffer(txBuffer)
            sockets[id]?.rtos.receiveBufferSize = rxBuffer
            // Window sizes in MSS, taken without validation (FreeRTOS_setsockopt()).
            sockets[id]?.rtos.receiveWindowSegments = max(1, rxWindow)
            sockets[id]?.rtos.sendWindowSegments = max(1, txWindow)
        }
        return 0
    }

    /// FreeRTOS: prvSockopt_so_buffer(): a send buffer size is rounded up to a whole number of MSS.
    private func roundedSendBuffer(_ size: Int) -> Int {
        let mss = max(1, parameters.mss)
        return (size + mss - 1) / mss * mss
    }

    /// The send buffer a connection of this socket gets (`uxTxStreamSize`): its own setting or the default.
    public func rtosSendBufferSize(of id: SocketID) -> Int {
        sockets[id]?.rtos.sendBufferSize ?? parameters.sendBufferSize
    }

    // MARK: - Status

    /// Hands the socket's receive options (STOP_RX, water marks, window sizes) to a new TCB.
    func applySocketOptionsFreeRTOS(_ id: SocketID) {
        guard let socket = sockets[id], let box = connections[id] else { return }
        box.tcb.setReceiveLimitsFreeRTOS(
            little: socket.rtos.littleSpace, enough: socket.rtos.enoughSpace,
            rxWindow: socket.rtos.receiveWindowSegments, txWindow: socket.rtos.sendWindowSegments)
        if socket.rtos.stopReceive { box.tcb.setReceiveStoppedFreeRTOS(true) }
    }

    /// `FreeRTOS_connstatus()`: the state's number.
    public func rtosConnectionStatus(_ id: SocketID) -> Int32 { Int32(state(of: id).rawValue) }

    /// `FreeRTOS_issocketconnected()`: true for states 5…7 only (so false in eLAST_ACK ⚠).
    public func rtosIsConnected(_ id: SocketID) -> Bool {
        let value = state(of: id).rawValue
        return value >= TCPState.established.rawValue && value <= TCPState.finWait2.rawValue
    }

    /// Posts an event for `id` so that whoever waits on it re-evaluates (`FreeRTOS_SignalSocket()`).
    public func poke(_ id: SocketID) { output.events.append((id, .readable)) }

    /// Whether the socket exists and was created with REUSE_LISTEN.
    public func isReuseListen(_ id: SocketID) -> Bool { sockets[id]?.rtos.reuseListen ?? false }

    /// `usChildCount` and `usBacklog` of a listener.
    public func childCount(of id: SocketID) -> Int { sockets[id]?.rtos.childCount ?? 0 }
    public func backlog(of id: SocketID) -> Int { sockets[id]?.rtos.backlog ?? 0 }

    // MARK: - select (vSocketSelectTCP)

    /// Sets the socket's select interest (`FreeRTOS_FD_SET` / `FD_CLR`).
    public func rtosSetSelectMask(_ id: SocketID, _ mask: SelectEvents, set: Int?) {
        sockets[id]?.rtos.selectMask = mask.intersection([.read, .write, .except])
        sockets[id]?.rtos.socketSet = mask.isEmpty ? nil : set
    }

    public func selectMask(of id: SocketID) -> SelectEvents { sockets[id]?.rtos.selectMask ?? [] }

    /// The sockets that belong to select set `set`: those the app added with `FreeRTOS_FD_SET`, and the
    /// children a listener in the set created (`prvTCPSocketCopy()` copies the set, mask | READ | EXCEPT).
    /// `vSocketSelect()` evaluates every socket whose set is this one.
    public func rtosSetMembers(_ set: Int) -> [SocketID] {
        let slots = sockets.slots
        var members: [SocketID] = []
        for index in slots.indices where slots[index]?.rtos.socketSet == set { members.append(SocketID(index)) }
        return members
    }

    /// Whether socket `id` belongs to select set `set` (see `rtosSetMembers(_:)`).
    public func rtosIsMember(_ id: SocketID, of set: Int) -> Bool { sockets[id]?.rtos.socketSet == set }

    /// The level conditions of `vSocketSelectTCP()` , masked by the interest.
    public func rtosSelectBits(_ id: SocketID) -> SelectEvents {
        guard let socket = sockets[id] else { return [] }
        let current = state(of: id)
        let accepted = !socket.rtos.passQueued && !socket.rtos.passAccept
        var bits: SelectEvents = []
        switch socket.role {
        case .listener:
            if let child = socket.rtos.pendingChild, sockets[child]?.rtos.passAccept == true { bits.insert(.read) }
        case .fresh, .connection:
            if socket.rtos.reuseListen && socket.rtos.passAccept { bits.insert(.read) }
            if accepted, let box = connections[id], box.readableCount > 0 { bits.insert(.read) }
        }
        if current == .closed || current == .closeWait { bits.insert(.except) }
        if accepted {
            let space = connections[id]?.tcb.sendSpace ?? (socket.rtos.sendBufferSize ?? parameters.sendBufferSize)
            if space > 0 { bits.insert(.write) }
        }
        return bits.intersection(socket.rtos.selectMask)
    }

    /// A `FreeRTOS_netstat()`-style line per socket.
    public func rtosNetstat() -> [String] {
        sockets.ids.map { id in
            let socket = sockets[id]
            let local = socket?.localPort.map { String($0) } ?? "-"
            let state = state(of: id)
            var line = "TCP \(id) port \(local)"
            if let connection = connections[id]?.tcb {
                line += " -> \(connection.remote)"
                line += " \(state.freeRTOSName)"
                let flags = connection.rtos
                var bits: [String] = []
                if flags.finSent { bits.append("bFinSent") }
                if flags.finAcked { bits.append("bFinAcked") }
                if flags.finReceived { bits.append("bFinRecv") }
                if flags.finLast { bits.append("bFinLast") }
                if flags.userShutdown { bits.append("bUserShutdown") }
                if !bits.isEmpty { line += " [" + bits.joined(separator: " ") + "]" }
                line += " rx \(connection.readableCount) tx \(connection.unsentCount + connection.bytesInFlight)"
                line += " timeout \(rtosTimeoutTicks(of: id)) ticks"
            } else {
                line += " \(state.freeRTOSName)"
            }
            if case .listener = socket?.role {
                line += " children \(socket?.rtos.childCount ?? 0)/\(socket?.rtos.backlog ?? 0)"
            }
            if socket?.rtos.reuseListen == true { line += " REUSE" }
            return line
        }
    }
}
