import SimClock
import TCPCore
import TCPWire

/// The result of a non-blocking read.
public enum ReadResult: Hashable, Sendable {
    case data([UInt8])
    /// Nothing buffered yet; a blocking caller waits for `.readable`, `.endOfStream` or `.closed`.
    case wouldBlock
    /// The peer closed its side and everything before its FIN has been read.
    case endOfStream
}

/// The BSD-style socket calls (non-blocking; blocking belongs to the simulation's task layer).
extension TCPStack {
    /// `socket(AF_INET, SOCK_STREAM, 0)`.
    public func socket() -> SocketID {
        let id = allocateDescriptor()
        sockets[id] = Socket(id: id)
        return id
    }

    /// `bind()`: port 0 picks an ephemeral port (49152–65535, seeded).
    public func bind(_ id: SocketID, port: UInt16) throws(SocketError) {
        guard let socket = sockets[id], !socket.orphaned else { throw .badDescriptor }
        guard socket.localPort == nil else { throw .invalidArgument("socket \(id) is already bound") }
        let chosen = port == 0 ? try ephemeralPort() : port
        guard portUsers[chosen] == nil else { throw .addressInUse(chosen) }
        claimPort(chosen)
        sockets[id]?.localPort = chosen
    }

    func ephemeralPort() throws(SocketError) -> UInt16 {
        for _ in 0..<1024 {
            let candidate = UInt16(49152 + random.next() % 16384)
            if portUsers[candidate] == nil { return candidate }
        }
        throw .noPortsAvailable
    }

    /// `listen()`.
    public func listen(_ id: SocketID, backlog: Int) throws(SocketError) {
        guard let socket = sockets[id], !socket.orphaned else { throw .badDescriptor }
        guard let port = socket.localPort else { throw .invalidArgument("socket \(id) is not bound") }
        switch socket.role {
        case .fresh:
            guard listenersByPort[port] == nil else { throw .addressInUse(port) }
            sockets[id]?.role = .listener(Listener(backlog: backlog))
            listenersByPort[port] = id
        case .listener(var listener):
            listener.backlog = backlog
            sockets[id]?.role = .listener(listener)
        case .connection:
            throw .alreadyConnected
        }
    }

    /// `accept()`, non-blocking: the oldest established child, or `nil` if none is waiting.
    public func accept(_ id: SocketID) throws(SocketError) -> SocketID? {
        guard let socket = sockets[id], !socket.orphaned else { throw .badDescriptor }
        guard case .listener(var listener) = socket.role else { throw .notListening }
        guard !listener.acceptQueue.isEmpty else { return nil }
        let child = listener.acceptQueue.removeFirst()
        sockets[id]?.role = .listener(listener)
        sockets[child]?.parent = nil
        return child
    }

    /// `connect()`: starts the handshake; completion is reported by `.connected` or `.closed`.
    public func connect(_ id: SocketID, to remote: Endpoint, now: SimInstant) throws(SocketError) {
        guard let socket = sockets[id], !socket.orphaned else { throw .badDescriptor }
        guard case .fresh = socket.role else { throw .alreadyConnected }
        if socket.localPort == nil { try bind(id, port: 0) }
        guard let port = sockets[id]?.localPort else { throw .badDescriptor }
        let key = ConnectionKey(localPort: port, remote: remote)
        guard connectionsByKey[key] == nil else { throw .addressInUse(port) }
        let connection = TCPConnection(
            id: id.connectionID, local: Endpoint(address, port), remote: remote,
            initialSequence: nextInitialSequence(), parameters: parameters, connectingAt: now, into: &scratch)
        sockets[id]?.role = .connection
        connections[id] = ConnectionBox(connection)
        connectionsByKey[key] = id
        absorb(id)
    }

    /// `send()`, non-blocking: queues what fits and returns the count (0 when the buffer is full).
    public func send(_ id: SocketID, _ bytes: some Collection<UInt8>, now: SimInstant) throws(SocketError)
        -> Int
    {
        try checkUsable(id)
        return try withConnection(id) { (connection, out) throws(SocketError) -> Int in
            do throws(ConnectionError) {
                return try connection.send(bytes, now: now, into: &out)
            } catch {
                throw error == .closing ? SocketError.closing : SocketError.notConnected
            }
        }
    }

    /// `recv()`, non-blocking.
    public func recv(_ id: SocketID, upTo maximum: Int, now: SimInstant) throws(SocketError) -> ReadResult {
        try checkUsable(id)
        guard let socket = sockets[id], let readable = connections[id]?.readableCount else { throw .notConnected }
        if readable > 0 {
            let bytes = try withConnection(id) { connection, out in
                connection.read(upTo: maximum, now: now, into: &out)
            }
            return .data(bytes)
        }
        if let error = socket.error { throw error }
        if connections[id]?.peerFinReceived == true || connections[id]?.state == .closed { return .endOfStream }
        return .wouldBlock
    }

    /// `shutdown(SHUT_WR)`: sends FIN after the queued data; reading stays possible.
    public func shutdown(_ id: SocketID, now: SimInstant) throws(SocketError) {
        try checkUsable(id)
        try withConnection(id) { connection, out in connection.close(now: now, into: &out) }
    }

    /// `close()`: releases the handle. A connection closes gracefully (FIN) and lives on until CLOSED;
    /// a listener drops its children that were never accepted.
    public func close(_ id: SocketID, now: SimInstant) throws(SocketError) {
        guard let socket = sockets[id], !socket.orphaned else { throw .badDescriptor }
        switch socket.role {
        case .fresh:
            free(id)
        case .listener(let listener):
            if let port = socket.localPort, listenersByPort[port] == id { listenersByPort[port] = nil }
            for child in listener.acceptQueue + listener.halfOpen.sorted() {
                sockets[child]?.parent = nil
                sockets[child]?.orphaned = true
                try? withConnection(child) { connection, out in connection.abort(now: now, into: &out) }
            }
            free(id)
        case .connection:
            sockets[id]?.orphaned = true
            if connections[id]?.state ?? .closed == .closed {
                free(id)
            } else {
                try withConnection(id) { connection, out in connection.close(now: now, into: &out) }
            }
        }
    }

    /// `abort()`: RST and CLOSED at once (SO_LINGER 0).
    public func abort(_ id: SocketID, now: SimInstant) throws(SocketError) {
        try checkUsable(id)
        sockets[id]?.orphaned = true
        try withConnection(id) { connection, out in connection.abort(now: now, into: &out) }
    }

    private func checkUsable(_ id: SocketID) throws(SocketError) {
        guard let socket = sockets[id], !socket.orphaned else { throw .badDescriptor }
    }

    // MARK: - Inspection

    /// The connection behind a socket, if it has one.
    public func connection(of id: SocketID) -> TCPConnection? { connections[id]?.tcb }

    /// The error a dead connection reports (reset, refused, timed out).
    public func pendingError(of id: SocketID) -> SocketError? { sockets[id]?.error }

    /// Whether a listener has a child ready for `accept()`.
    public func hasPendingAccept(_ id: SocketID) -> Bool {
        if case .listener(let listener) = sockets[id]?.role { return !listener.acceptQueue.isEmpty }
        return false
    }

    /// Whether the socket exists (it may be orphaned: closed by the app, still closing).
    public func exists(_ id: SocketID) -> Bool { sockets[id] != nil }

    /// The state a socket is in (`eCLOSED` for a fresh or freed socket, `eTCP_LISTEN` for a listener).
    public func state(of id: SocketID) -> TCPState {
        guard let socket = sockets[id] else { return .closed }
        switch socket.role {
        case .fresh: return .closed
        case .listener: return .listen
        case .connection: return connections[id]?.state ?? .closed
        }
    }

    /// One row per socket, ordered by descriptor (`netstat`).
    public func netstat() -> [SocketInfo] {
        sockets.ids.compactMap { id in
            guard let socket = sockets[id] else { return nil }
            var info = SocketInfo(
                id: id, local: socket.localPort.map { Endpoint(address, $0) }, remote: nil, state: state(of: id),
                isListening: false, readable: 0, unsent: 0, inFlight: 0, orphaned: socket.orphaned)
            switch socket.role {
            case .fresh: break
            case .listener(let listener):
                info.isListening = true
                info.backlog = listener.backlog
                info.childCount = listener.acceptQueue.count + listener.halfOpen.count
                info.pendingAccepts = listener.acceptQueue.count
            case .connection:
                guard let connection = connections[id]?.tcb else { break }
                info.remote = connection.remote
                info.readable = connection.readableCount
                info.unsent = connection.unsentCount
                info.inFlight = connection.bytesInFlight
            }
            return info
        }
    }
}
