import Devices
import SimClock
import TCPCore
import TCPSockets
import TCPWire

/// A blocking call gave up because its timeout passed.
public struct TimeoutError: Error, Hashable, Sendable, CustomStringConvertible {
    public var call: String
    public var description: String { "\(call) timed out" }
}

/// One simulated machine: a TCP stack, its routes, and the blocking socket calls its app tasks use.
public final class Host: @unchecked Sendable {
    public let name: String
    public let address: IPv4Address
    let index: Int
    /// The host's TCP stack (inspect it freely; change it only through the calls below).
    public let stack: TCPStack
    public unowned let network: Network
    var routes: [IPv4Address: (link: InMemoryLink, direction: LinkDirection, host: Int)] = [:]
    var defaultRoute: (link: InMemoryLink, direction: LinkDirection, host: Int)?
    private var scheduledWake: SimInstant?

    private struct Waiter {
        var id: Int
        var sockets: [SocketID]
        /// Tries the call again; returns true when it completed (its continuation has been resumed).
        var retry: () -> Bool
        var expire: () -> Void
    }
    private var waiters: [Int: Waiter] = [:]
    private var waitersBySocket: [SocketID: [Int]] = [:]
    private var nextWaiter = 0
    private var events: [(SocketID, SocketEvent)] = []
    /// FreeRTOS: per-socket block times and the socket sets.
    var rtosTimes: [SocketID: RTOSSocketTimes] = [:]
    var rtosSets: [Int: FreeRTOSSocketSet] = [:]
    var rtosSignalled: Set<SocketID> = []
    private var receiveHandlers: [SocketID: ([UInt8]) -> Void] = [:]
    private var output = StackOutput()
    private var settling = false
    /// Socket events whose app wake-ups are held back (see `holdWakeups()`).
    private var heldEvents: [(SocketID, SocketEvent)] = []
    private var holdingWakeups = false
    /// Called once, and cleared, when the next blocking call is about to suspend its task: a scheduler of app
    /// tasks (the C application's kernel) learns that the call blocks rather than completing at once.
    public var suspensionObserver: (() -> Void)?

    init(name: String, index: Int, address: IPv4Address, parameters: TCPParameters, seed: UInt64, network: Network) {
        self.name = name
        self.index = index
        self.address = address
        self.network = network
        stack = TCPStack(address: address, parameters: parameters, seed: seed)
    }

    public var now: SimInstant { network.now }

    // MARK: - Network side

    func deliver(_ frame: Frame) {
        if isCrashed { return }
        if isScripted {
            if let packet = frame.parsedPacket { received.append((now, packet)) }
            return
        }
        if let packet = frame.packet {
            stack.receive(parsed: packet, now: now)
        } else {
            stack.receive(packet: frame.bytes[...], now: now)
        }
        settle()
    }

    // MARK: - Scripted peers

    /// A scripted host does not run its stack: packets that reach it are kept in `received`, and tests or
    /// scripts send hand-made segments with `inject(_:)` (like packetdrill's remote side).
    public var isScripted = false
    /// A crashed host neither receives, nor runs its timers, nor sends (see `crash(at:)`).
    public internal(set) var isCrashed = false
    public private(set) var received: [(time: SimInstant, packet: TCPPacket)] = []

    // MARK: - Receive handlers

    /// Installs a handler that gets a socket's data as it arrives, without an app task (like FreeRTOS's
    /// `FREERTOS_SO_TCP_RECV_HANDLER` with `ipconfigUSE_CALLBACKS`); an empty array means end of stream.
    public func onReceive(_ socket: SocketID, _ handler: @escaping ([UInt8]) -> Void) {
        receiveHandlers[socket] = handler
    }

    private func runReceiveHandlers() {
        for (socket, event) in events {
            guard let handler = receiveHandlers[socket] else { continue }
            switch event {
            case .readable, .endOfStream, .closed:
                while let result = try? stack.recv(socket, upTo: .max, now: now) {
                    switch result {
                    case .data(let bytes): handler(bytes)
                    case .endOfStream:
                        receiveHandlers[socket] = nil
                        handler([])
                    case .wouldBlock: break
                    }
                    guard case .data = result else { break }
                }
            case .acceptable, .connected, .writable:
                break
            }
        }
    }

    /// Sends a hand-made segment from this host to `destination` now.
    public func inject(_ segment: TCPSegment, to destination: IPv4Address, ttl: UInt8 = 64) {
        let packet = TCPPacket(ip: IPv4Header(source: address, destination: destination, ttl: ttl), tcp: segment)
        network.transmit(packet, from: self)
    }

    /// Forgets the packets received so far.
    public func clearReceived() { received.removeAll() }

    /// The host timer scheduled for `deadline` is due; a superseded one (the deadline moved earlier and a
    /// newer event was queued) is ignored, so stacks see no spurious timer passes.
    func timerFired(scheduledFor deadline: SimInstant) {
        guard scheduledWake == deadline, !isCrashed else { return }
        scheduledWake = nil
        stack.expireTimers(now: now)
        settle()
    }

    /// Carries out what the stack produced: packets out, trace, waking waiters, re-arming the timer.
    /// Waking a waiter retries its call, which can produce more output; the outermost call loops until the
    /// stack has nothing left, so everything leaves in the order it was produced.
    private func settle() {
        guard !settling else { return }
        settling = true
        defer { settling = false }
        repeat {
            stack.swapOutput(&output)
            for firing in output.timers where network.isTracing {
                network.record(.timer(time: now, host: name, firing))
            }
            for transition in output.transitions where network.isTracing {
                network.record(.transition(time: now, host: name, transition))
            }
            for note in output.notes where network.isTracing {
                if note.kind == .malformed {
                    network.record(.malformed(time: now, host: name, reason: note.text))
                } else {
                    network.record(.note(time: now, host: name, note))
                }
            }
            if !isCrashed {
                for packet in output.packets { network.transmit(packet, from: self) }
            }
            swap(&events, &output.events)
            output.removeAll()
            if holdingWakeups {
                heldEvents.append(contentsOf: events)
                events.removeAll(keepingCapacity: true)
                continue
            }
            if !heldEvents.isEmpty {
                events = heldEvents + events
                heldEvents.removeAll(keepingCapacity: true)
            }
            if !receiveHandlers.isEmpty { runReceiveHandlers() }
            for (socket, _) in events {
                guard let ids = waitersBySocket[socket] else { continue }
                for id in ids {
                    guard let waiter = waiters[id], waiter.retry() else { continue }
                    removeWaiter(id)
                }
            }
            events.removeAll(keepingCapacity: true)
        } while !stack.output.isEmpty
        if let deadline = stack.nextDeadline, scheduledWake.map({ deadline < $0 }) ?? true {
            scheduledWake = deadline
            network.schedule(.hostTimer(host: index, deadline: deadline), at: deadline)
        }
    }

    /// Holds back the wake-ups of app tasks (and receive handlers) until `releaseWakeups()`: the stack keeps
    /// processing packets and timers and sending what they produce. A live device holds wake-ups while it
    /// takes a burst of datagrams from the kernel, as FreeRTOS's IP task, running at a higher priority than
    /// the application tasks, empties its queue before any of them runs.
    public func holdWakeups() { holdingWakeups = true }

    /// Wakes the app tasks whose sockets had events while wake-ups were held.
    public func releaseWakeups() {
        guard holdingWakeups else { return }
        holdingWakeups = false
        settle()
    }

    private func removeWaiter(_ id: Int) {
        guard let waiter = waiters.removeValue(forKey: id) else { return }
        for socket in waiter.sockets {
            // The (possibly empty) list stays, keeping its storage for the socket's next wait.
            if let index = waitersBySocket[socket]?.firstIndex(of: id) { waitersBySocket[socket]?.remove(at: index) }
        }
    }

    func timeout(waiter id: Int) {
        guard let waiter = waiters[id] else { return }
        removeWaiter(id)
        waiter.expire()
    }

    // MARK: - Blocking machinery

    /// Runs `attempt` now; if it has no result yet, suspends until an event on `socket` lets it complete or
    /// `timeout` passes. `attempt` returns nil for "not yet".
    func block<T: Sendable>(
        _ call: String, on socket: SocketID, timeout: SimDuration?,
        _ attempt: @escaping () throws -> T?
    ) async throws -> T {
        try await block(call, on: [socket], timeout: timeout, attempt)
    }

    /// As `block(_:on:timeout:_:)`, woken by events on any of `sockets` (select).
    func block<T: Sendable>(
        _ call: String, on sockets: [SocketID], timeout: SimDuration?,
        _ attempt: @escaping () throws -> T?
    ) async throws -> T {
        if let value = try performing(attempt) {
            await guardAgainstLivelock(call)
            return value
        }
        if let observer = suspensionObserver {
            suspensionObserver = nil
            observer()
        }
        network.livelock.taskBlocked()
        // Unsafe, not checked: a simulation routinely ends with app tasks blocked for ever (a server waiting
        // in accept), and those continuations are then never resumed by design.
        return try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<T, Error>) in
            let id = nextWaiter
            nextWaiter += 1
            let waiter = Waiter(
                id: id, sockets: sockets,
                retry: { [unowned self] in
                    do {
                        guard let value = try performing(attempt) else { return false }
                        continuation.resume(returning: value)
                    } catch {
                        continuation.resume(throwing: error)
                    }
                    return true
                },
                expire: { continuation.resume(throwing: TimeoutError(call: call)) })
            waiters[id] = waiter
            for socket in sockets { waitersBySocket[socket, default: []].append(id) }
            if let timeout { network.schedule(.wake(host: index, waiter: id), at: now + timeout) }
        }
    }

    /// Runs a stack call and settles its output.
    func performing<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        defer { settle() }
        return try body()
    }

    func trace(_ text: @autoclosure () -> String) {
        guard network.isTracing else { return }
        network.record(.call(time: now, host: name, text: text()))
    }

    // MARK: - Socket calls (BSD style)

    public func socket() -> SocketID {
        let id = performing { stack.socket() }
        trace("socket() = \(id)")
        return id
    }

    public func bind(_ socket: SocketID, port: UInt16) throws {
        do throws(SocketError) {
            try performing { () throws(SocketError) in try stack.bind(socket, port: port) }
            trace("bind(\(socket), \(port)) = 0")
        } catch {
            trace("bind(\(socket), \(port)) = -1 \(error.errnoName)")
            throw error
        }
    }

    public func listen(_ socket: SocketID, backlog: Int) throws {
        do throws(SocketError) {
            try performing { () throws(SocketError) in try stack.listen(socket, backlog: backlog) }
            trace("listen(\(socket), \(backlog)) = 0")
        } catch {
            trace("listen(\(socket), \(backlog)) = -1 \(error.errnoName)")
            throw error
        }
    }

    /// Waits for an established child and returns it.
    public func accept(_ socket: SocketID, timeout: SimDuration? = nil) async throws -> SocketID {
        let child = try await block("accept(\(socket))", on: socket, timeout: timeout) { [unowned self] in
            try stack.accept(socket)
        }
        trace("accept(\(socket)) = \(child) from \(stack.connection(of: child)?.remote.description ?? "?")")
        return child
    }

    /// Connects and waits for the handshake to finish.
    public func connect(_ socket: SocketID, to remote: Endpoint, timeout: SimDuration? = nil) async throws {
        try performing { () throws(SocketError) in try stack.connect(socket, to: remote, now: now) }
        trace("connect(\(socket), \(remote)) in progress")
        do {
            _ = try await block("connect(\(socket))", on: socket, timeout: timeout) { [unowned self] () throws -> Bool? in
                if let error = stack.pendingError(of: socket) { throw error }
                switch stack.state(of: socket) {
                case .connectSyn, .synReceived, .synFirst: return nil
                case .closed: throw SocketError.connectionRefused
                case .listen, .established, .finWait1, .finWait2, .closeWait, .closing, .lastAck, .timeWait:
                    return true
                }
            }
            trace("connect(\(socket)) = 0")
        } catch let error as SocketError {
            trace("connect(\(socket)) = -1 \(error.errnoName)")
            throw error
        }
    }

    /// Sends all of `bytes`, waiting for buffer space as needed; returns the count.
    @discardableResult
    public func send(_ socket: SocketID, _ bytes: [UInt8], timeout: SimDuration? = nil) async throws -> Int {
        var offset = 0
        while offset < bytes.count {
            let start = offset
            offset += try await block("send(\(socket))", on: socket, timeout: timeout) { [unowned self] () throws -> Int? in
                let queued = try stack.send(socket, bytes[start...], now: now)
                return queued > 0 ? queued : nil
            }
        }
        trace("send(\(socket), \(bytes.count)) = \(bytes.count)")
        return bytes.count
    }

    /// Waits for data; returns up to `maximum` bytes, or an empty array at end of stream.
    public func recv(_ socket: SocketID, upTo maximum: Int = 65536, timeout: SimDuration? = nil) async throws
        -> [UInt8]
    {
        do {
            let bytes = try await block("recv(\(socket))", on: socket, timeout: timeout) {
                [unowned self] () throws -> [UInt8]? in
                switch try stack.recv(socket, upTo: maximum, now: now) {
                case .data(let bytes): return bytes
                case .endOfStream: return []
                case .wouldBlock: return nil
                }
            }
            trace("recv(\(socket)) = \(bytes.count)")
            return bytes
        } catch let error as SocketError {
            trace("recv(\(socket)) = -1 \(error.errnoName)")
            throw error
        }
    }

    /// `shutdown(SHUT_WR)`.
    public func shutdown(_ socket: SocketID) throws {
        do throws(SocketError) {
            try performing { () throws(SocketError) in try stack.shutdown(socket, now: now) }
            trace("shutdown(\(socket), SHUT_WR) = 0")
        } catch {
            trace("shutdown(\(socket), SHUT_WR) = -1 \(error.errnoName)")
            throw error
        }
    }

    public func close(_ socket: SocketID) throws {
        do throws(SocketError) {
            try performing { () throws(SocketError) in try stack.close(socket, now: now) }
            trace("close(\(socket)) = 0")
        } catch {
            trace("close(\(socket)) = -1 \(error.errnoName)")
            throw error
        }
    }

    /// Closes with a RST (SO_LINGER 0).
    public func abort(_ socket: SocketID) throws {
        try performing { () throws(SocketError) in try stack.abort(socket, now: now) }
        trace("abort(\(socket)) = 0")
    }

    /// Suspends the calling task for `duration` of virtual time.
    public func sleep(for duration: SimDuration) async {
        network.livelock.taskBlocked()
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            network.at(now + duration) { continuation.resume() }
        }
    }

    /// Starts an app task on this host.
    public func spawn(_ name: String, _ body: @escaping @Sendable () async throws -> Void) {
        network.spawn("\(self.name)/\(name)", body)
    }

    /// Writes a line from an app into the trace.
    public func log(_ text: @autoclosure () -> String) {
        guard network.isTracing else { return }
        network.record(.app(time: now, host: name, text: text()))
    }
}

/// An application started on a device by a component outside the simulation (the user's C program, which
/// `CApp` runs); `stop()` ends it once the run is over.
public protocol ExternalApp: AnyObject {
    func stop()
}

/// Starts an external application on a device.
public typealias ExternalAppStarter = @Sendable (Host) throws -> ExternalApp
