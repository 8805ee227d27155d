import SimClock
import TCPSockets
import TCPWire

/// Host-side peer behaviours on the RFC personality (the simulated Linux host of the shutdown-stall report).
extension Host {
    /// Connects at `time`, sends `line`, reads the reply, then never closes: the socket ends in CLOSE-WAIT
    /// once the device closes, and its kernel still ACKs. `onReply` gets the reply and the socket.
    public func startNeverClosingClient(
        at time: SimInstant, server: Endpoint, line: String, onReply: (@Sendable (String, SocketID) -> Void)? = nil
    ) {
        network.at(time) { [self] in
            spawn("never-closing-client") { [self] in
                let socket = socket()
                try await connect(socket, to: server)
                let reply = try await exchangeLine(socket, line)
                log("never closing \(socket)")
                onReply?(reply, socket)
            }
        }
    }

    /// Tries to connect to `server` at `first`, then every `interval` until one attempt succeeds (at most
    /// `attempts`); then sends `line`, reads the reply and closes. `onConnected` gets the time of success.
    public func startReconnectingClient(
        first: SimInstant, every interval: SimDuration, attempts: Int = 1000, server: Endpoint, line: String,
        onConnected: (@Sendable (SimInstant, Int) -> Void)? = nil
    ) {
        network.at(first) { [self] in
            spawn("reconnecting-client") { [self] in
                for attempt in 1...max(1, attempts) {
                    let started = now
                    let socket = socket()
                    do {
                        try await connect(socket, to: server, timeout: .milliseconds(1500))
                    } catch {
                        log("attempt \(attempt): \(error)")
                        try? close(socket)
                        let next = started + interval
                        if next > now { await sleep(for: next - now) }
                        continue
                    }
                    log("attempt \(attempt): connected")
                    onConnected?(now, attempt)
                    _ = try await exchangeLine(socket, line, timeout: .seconds(5))
                    try close(socket)
                    return
                }
            }
        }
    }

    /// Sends one HTTP/1.0 GET at `time` and reads the response to the end.
    public func startHTTPGet(at time: SimInstant, server: Endpoint, path: String,
                             onResponse: (@Sendable (String) -> Void)? = nil) {
        network.at(time) { [self] in
            spawn("http-client") { [self] in
                let socket = socket()
                try await connect(socket, to: server)
                try await send(socket, Array("GET \(path) HTTP/1.0\r\nHost: \(server.address)\r\n\r\n".utf8))
                var response: [UInt8] = []
                while true {
                    let chunk = try await recv(socket, upTo: 4096)
                    if chunk.isEmpty { break }
                    response += chunk
                }
                try close(socket)
                let text = String(decoding: response, as: UTF8.self)
                log("HTTP response: \(text.split(separator: "\r\n").first.map(String.init) ?? "")")
                onResponse?(text)
            }
        }
    }
}

extension Host {
    /// A crashed or unplugged host: from `time` on it neither answers nor sends anything and its timers stop
    /// (its stack is frozen, as if powered off), so the device sees silence.
    public func crash(at time: SimInstant) {
        network.at(time) { [self] in
            isCrashed = true
            log("host crashed: silent from now on")
        }
    }

    /// Sends one RST for the connection of `socket` at `time` (an RST sender, as a firewall or a rebooted
    /// host would), with the connection's current SND.NXT so the peer accepts it.
    public func sendReset(at time: SimInstant, on socket: SocketID) {
        network.at(time) { [self] in
            guard let connection = stack.connection(of: socket) else { return }
            let reset = TCPSegment(
                sourcePort: connection.local.port, destinationPort: connection.remote.port,
                seq: connection.send.next, ackNumber: connection.receive.next, flags: [.rst, .ack])
            log("sending RST on \(socket)")
            inject(reset, to: connection.remote.address)
        }
    }
}
