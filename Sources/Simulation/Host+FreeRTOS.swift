import SimClock
import TCPCore
import TCPSockets
import TCPWire

/// A FreeRTOS socket set (`SocketSet_t`): the sockets in it and their interest masks live in the stack.
public final class FreeRTOSSocketSet: @unchecked Sendable, CustomStringConvertible {
    public let id: Int
    var members: [SocketID] = []
    /// `eSELECT_INTR` raised by `FreeRTOS_SignalSocket()`.
    var interrupted = false
    init(id: Int) { self.id = id }
    public var description: String { "set\(id)" }
}

/// FreeRTOS's block times: `portMAX_DELAY` waits for ever.
public enum BlockTime: Hashable, Sendable, CustomStringConvertible {
    case forever
    case after(SimDuration)

    public static let zero = BlockTime.after(.zero)

    var duration: SimDuration? {
        if case .after(let duration) = self { return duration }
        return nil
    }

    public var description: String {
        switch self {
        case .forever: "portMAX_DELAY"
        case .after(let duration): "\(duration.milliseconds) ms"
        }
    }
}

/// The FreeRTOS+TCP socket API with FreeRTOS's return values, blocking in virtual time the way the real
/// calls block the calling task. `FreeRTOSAPI.swift` adds the C spellings.
extension Host {
    struct RTOSSocketTimes {
        var receive: BlockTime
        var send: BlockTime
    }

    private var defaultTimes: RTOSSocketTimes { RTOSSocketTimes(receive: .forever, send: .forever) }

    func times(of socket: SocketID) -> RTOSSocketTimes { rtosTimes[socket] ?? defaultTimes }

    private func rtosTrace(_ text: @autoclosure () -> String) { trace(text()) }

    // MARK: - Sockets

    /// `FreeRTOS_socket(FREERTOS_AF_INET, FREERTOS_SOCK_STREAM, FREERTOS_IPPROTO_TCP)`.
    public func rtosSocket() -> SocketID {
        let id = performing { stack.rtosSocket() }
        rtosTrace("FreeRTOS_socket() = \(id)")
        return id
    }

    /// `FreeRTOS_bind()`.
    @discardableResult
    public func rtosBind(_ socket: SocketID, port: UInt16) -> Int32 {
        let result = performing { stack.rtosBind(socket, port: port) }
        rtosTrace("FreeRTOS_bind(\(socket), \(port)) = \(FreeRTOSErrno.name(of: result))")
        return result
    }

    /// `FreeRTOS_listen()`.
    @discardableResult
    public func rtosListen(_ socket: SocketID, backlog: Int) -> Int32 {
        let result = performing { stack.rtosListen(socket, backlog: backlog, now: now) }
        rtosTrace("FreeRTOS_listen(\(socket), \(backlog)) = \(FreeRTOSErrno.name(of: result))")
        return result
    }

    /// `FreeRTOS_setsockopt()` for the modelled options, and the block times.
    @discardableResult
    public func rtosSetOption(_ socket: SocketID, _ option: FreeRTOSSocketOption) -> Int32 {
        let result = performing { stack.rtosSetOption(socket, option) }
        rtosTrace("FreeRTOS_setsockopt(\(socket), \(option)) = \(FreeRTOSErrno.name(of: result))")
        return result
    }

    /// `FREERTOS_SO_RCVTIMEO` (also used by accept and connect) and `FREERTOS_SO_SNDTIMEO`.
    public func rtosSetTimeouts(_ socket: SocketID, receive: BlockTime? = nil, send: BlockTime? = nil) {
        var value = times(of: socket)
        if let receive { value.receive = receive }
        if let send { value.send = send }
        rtosTimes[socket] = value
        if let receive { rtosTrace("FreeRTOS_setsockopt(\(socket), FREERTOS_SO_RCVTIMEO, \(receive)) = 0") }
        if let send { rtosTrace("FreeRTOS_setsockopt(\(socket), FREERTOS_SO_SNDTIMEO, \(send)) = 0") }
    }

    /// Runs `attempt`; with no result, waits for events on `sockets` up to `time`; `nil` on timeout.
    private func waitFreeRTOS<T: Sendable>(
        _ call: String, on sockets: [SocketID], time: BlockTime, _ attempt: @escaping () -> T?
    ) async -> T? {
        if let value = performing(attempt) {
            await guardAgainstLivelock(call)
            return value
        }
        if time == .zero {
            await guardAgainstLivelock(call)
            return nil
        }
        do {
            return try await block(call, on: sockets, timeout: time.duration) { attempt() }
        } catch {
            return nil
        }
    }

    /// `FreeRTOS_accept()`: the child (or the REUSE socket itself); `nil` when RCVTIMEO passes;
    /// `.invalid` as `FREERTOS_INVALID_SOCKET`.
    public func rtosAccept(_ socket: SocketID) async -> FreeRTOSAcceptResult {
        let time = times(of: socket).receive
        let result = await waitFreeRTOS("FreeRTOS_accept(\(socket))", on: [socket], time: time) {
            [unowned self] () -> FreeRTOSAcceptResult? in
            switch stack.rtosAccept(socket) {
            case .nothing: return nil
            case let other: return other
            }
        } ?? .nothing
        switch result {
        case .accepted(let child):
            if child != socket { rtosTimes[child] = times(of: socket) }
            let peer = stack.connection(of: child)?.remote.description ?? "?"
            rtosTrace("FreeRTOS_accept(\(socket)) = \(child) from \(peer)")
        case .nothing: rtosTrace("FreeRTOS_accept(\(socket)) = NULL")
        case .invalid: rtosTrace("FreeRTOS_accept(\(socket)) = FREERTOS_INVALID_SOCKET")
        }
        return result
    }

    /// `FreeRTOS_connect()`: 0 once connected; `-ENOTCONN` when the attempt dies; `-ETIMEDOUT` when RCVTIMEO
    /// passes (⚠ Q9: a RST in eCONNECT_SYN does not wake it); `-EWOULDBLOCK` with RCVTIMEO 0.
    public func rtosConnect(_ socket: SocketID, to remote: Endpoint) async -> Int32 {
        let started = performing { stack.rtosConnect(socket, to: remote, now: now) }
        guard started == 0 else {
            rtosTrace("FreeRTOS_connect(\(socket), \(remote)) = \(FreeRTOSErrno.name(of: started))")
            return started
        }
        let time = times(of: socket).receive
        if time == .zero {
            rtosTrace("FreeRTOS_connect(\(socket), \(remote)) = -pdFREERTOS_ERRNO_EWOULDBLOCK")
            return FreeRTOSErrno.EWOULDBLOCK.returnValue
        }
        let result = await waitFreeRTOS("FreeRTOS_connect(\(socket))", on: [socket], time: time) {
            [unowned self] () -> Int32? in
            switch stack.state(of: socket) {
            case .established, .finWait1, .finWait2, .lastAck, .closing, .timeWait: return 0
            case .closeWait: return FreeRTOSErrno.ENOTCONN.returnValue
            case .closed, .listen, .connectSyn, .synFirst, .synReceived: return nil
            }
        } ?? FreeRTOSErrno.ETIMEDOUT.returnValue
        rtosTrace("FreeRTOS_connect(\(socket), \(remote)) = \(FreeRTOSErrno.name(of: result))")
        return result
    }

    /// `FreeRTOS_send()`: queues what fits, waiting up to SNDTIMEO for space; the bytes queued or an error.
    public func rtosSend(_ socket: SocketID, _ bytes: [UInt8], dontWait: Bool = false) async -> Int32 {
        var queued = 0
        var result: Int32 = 0
        let time = dontWait ? BlockTime.zero : times(of: socket).send
        while true {
            let start = queued
            let step = await waitFreeRTOS("FreeRTOS_send(\(socket))", on: [socket], time: time) {
                [unowned self] () -> Int32? in
                let value = stack.rtosSend(socket, bytes[start...], now: now)
                return value == FreeRTOSErrno.ENOSPC.returnValue && start < bytes.count ? nil : value
            } ?? FreeRTOSErrno.ENOSPC.returnValue
            if step > 0 {
                queued += Int(step)
                if queued < bytes.count { continue }
                result = Int32(queued)
            } else {
                result = queued > 0 ? Int32(queued) : step
            }
            break
        }
        rtosTrace("FreeRTOS_send(\(socket), \(bytes.count)) = \(FreeRTOSErrno.name(of: result))")
        return result
    }

    /// `FreeRTOS_recv()`: the bytes read (`count > 0`), 0 when RCVTIMEO passed with nothing (never
    /// `-EWOULDBLOCK` ⚠ Q13), or a negative errno (`-ENOTCONN` once the connection is dead).
    public func rtosRecv(_ socket: SocketID, upTo maximum: Int = 1024, peek: Bool = false, dontWait: Bool = false)
        async -> (result: Int32, bytes: [UInt8])
    {
        let time = dontWait ? BlockTime.zero : times(of: socket).receive
        let outcome = await waitFreeRTOS("FreeRTOS_recv(\(socket))", on: [socket], time: time) {
            [unowned self] () -> FreeRTOSReceiveResult? in
            let result = stack.rtosRecv(socket, upTo: maximum, peek: peek, now: now)
            if case .empty = result {
                // FreeRTOS: prvRecvWait(): eSOCKET_INTR (FreeRTOS_SignalSocket()) ends the wait with -EINTR.
                if rtosSignalled.remove(socket) != nil { return .error(FreeRTOSErrno.EINTR.returnValue) }
                return nil
            }
            return result
        } ?? .empty
        let answer: (Int32, [UInt8])
        switch outcome {
        case .data(let bytes): answer = (Int32(bytes.count), bytes)
        case .empty: answer = (0, [])
        case .error(let value): answer = (value, [])
        }
        rtosTrace("FreeRTOS_recv(\(socket), \(maximum)) = \(FreeRTOSErrno.name(of: answer.0))")
        return answer
    }

    /// `FreeRTOS_shutdown()`.
    @discardableResult
    public func rtosShutdown(_ socket: SocketID) -> Int32 {
        let result = performing { stack.rtosShutdown(socket, now: now) }
        rtosTrace("FreeRTOS_shutdown(\(socket), FREERTOS_SHUT_RDWR) = \(FreeRTOSErrno.name(of: result))")
        return result
    }

    /// `FreeRTOS_closesocket()`: 1; nothing is sent.
    @discardableResult
    public func rtosCloseSocket(_ socket: SocketID) -> Int32 {
        for set in rtosSets.values { set.members.removeAll { $0 == socket } }
        let result = performing { stack.rtosClose(socket, now: now) }
        rtosTimes[socket] = nil
        rtosTrace("FreeRTOS_closesocket(\(socket)) = \(result)")
        return result
    }

    /// `FreeRTOS_connstatus()`: the state number.
    public func rtosConnectionStatus(_ socket: SocketID) -> Int32 { stack.rtosConnectionStatus(socket) }

    /// `FreeRTOS_issocketconnected()`.
    public func rtosIsConnected(_ socket: SocketID) -> Bool { stack.rtosIsConnected(socket) }

    // MARK: - Socket sets and select

    /// `FreeRTOS_CreateSocketSet()`.
    public func rtosCreateSocketSet() -> FreeRTOSSocketSet {
        let set = FreeRTOSSocketSet(id: rtosSets.count + 1)
        rtosSets[set.id] = set
        return set
    }

    /// `FreeRTOS_FD_SET()`: ORs `bits` into the socket's interest and links it to `set`.
    public func rtosFDSet(_ socket: SocketID, _ set: FreeRTOSSocketSet, _ bits: SelectEvents) {
        let mask = stack.selectMask(of: socket).union(bits)
        performing { stack.rtosSetSelectMask(socket, mask, set: set.id) }
        if !set.members.contains(socket) { set.members.append(socket) }
    }

    /// `FreeRTOS_FD_CLR()`: removes `bits`; the socket leaves the set when none are left.
    public func rtosFDClear(_ socket: SocketID, _ set: FreeRTOSSocketSet, _ bits: SelectEvents) {
        let mask = stack.selectMask(of: socket).subtracting(bits)
        performing { stack.rtosSetSelectMask(socket, mask, set: mask.isEmpty ? nil : set.id) }
        if mask.isEmpty { set.members.removeAll { $0 == socket } }
    }

    /// `FreeRTOS_FD_ISSET()`: the socket's bits as last evaluated, 0 when it is not in `set`.
    public func rtosFDIsSet(_ socket: SocketID, _ set: FreeRTOSSocketSet) -> SelectEvents {
        stack.rtosIsMember(socket, of: set.id) ? stack.rtosSelectBits(socket) : []
    }

    /// `FreeRTOS_SignalSocket()` on a socket in no set: a blocked (or the next blocking) `FreeRTOS_recv()`
    /// returns `-pdFREERTOS_ERRNO_EINTR`.
    public func rtosSignal(_ socket: SocketID) {
        rtosSignalled.insert(socket)
        performing { stack.poke(socket) }
    }

    /// `FreeRTOS_SignalSocket()` on a socket in a set: `select()` returns with `eSELECT_INTR`.
    public func rtosSignal(_ set: FreeRTOSSocketSet) {
        set.interrupted = true
        if let first = set.members.first { performing { stack.poke(first) } }
    }

    /// `FreeRTOS_select()`: the OR of the members' bits as soon as any is set (level-triggered; only
    /// events wake it early). When `timeout` passes the set is evaluated once more: a condition that arose
    /// without an event (e.g. eCLOSED after a RST in the handshake) is reported then; otherwise 0.
    /// The members are the sockets of the set, children of a listener in it included.
    public func rtosSelect(_ set: FreeRTOSSocketSet, timeout: BlockTime) async -> SelectEvents {
        let members = stack.rtosSetMembers(set.id)
        let evaluate = { [unowned self] () -> SelectEvents? in
            if set.interrupted {
                set.interrupted = false
                return .interrupt
            }
            var bits: SelectEvents = []
            for socket in stack.rtosSetMembers(set.id) { bits.formUnion(stack.rtosSelectBits(socket)) }
            return bits.isEmpty ? nil : bits
        }
        // FreeRTOS: FreeRTOS_select() waits on the set's event group first, then has the IP task evaluate the
        // set (prvFindSelectedSocket(), an eSocketSelectEvent for the IP task) and returns its bits; after a
        // timeout the set is evaluated once more before the timeout is checked. The event checks the sockets'
        // timers only when the IP task's TCP timer is due (`ipTaskEvent`), so a select loop with a 100 ms
        // timeout takes no extra ticks off them.
        var result = await waitFreeRTOS("FreeRTOS_select(\(set))", on: members, time: timeout, evaluate)
        result = performing {
            stack.ipTaskEvent(now: now)
            return result ?? evaluate()
        }
        let bits = result ?? []
        if network.isTracing && !bits.isEmpty {
            let detail = stack.rtosSetMembers(set.id).compactMap { socket -> String? in
                let bits = stack.rtosSelectBits(socket)
                return bits.isEmpty ? nil : "\(socket):\(bits)"
            }.joined(separator: " ")
            rtosTrace("FreeRTOS_select(\(set), \(timeout)) = \(bits) [\(detail)]")
        }
        return bits
    }

    /// `FreeRTOS_netstat()`.
    public func rtosNetstat() -> [String] { stack.rtosNetstat() }
}
