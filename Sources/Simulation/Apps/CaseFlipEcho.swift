import SimClock
import TCPSockets
import TCPWire

/// The concurrent-server article's transform: ASCII letters change case (`ch ^ 0x20`), everything else is echoed unchanged.
public func flipCase(_ bytes: [UInt8]) -> [UInt8] {
    bytes.map { byte in
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) ? byte ^ 0x20 : byte
    }
}

extension Host {
    /// The concurrent case-flipping echo server of "The Socket API, Part 3: Concurrent Servers":
    /// listen with backlog 5, accept in a loop, and serve each client in its own task (the article forks a
    /// process per client). Each task echoes what it reads with the case flipped until end of stream, then
    /// closes. The article reads one byte per call; reading what is available gives the same bytes on the wire
    /// without one segment per byte.
    public func startCaseFlipEchoServer(port: UInt16, backlog: Int = 5) {
        spawn("echo-server") { [self] in
            let listener = socket()
            try bind(listener, port: port)
            try listen(listener, backlog: backlog)
            while true {
                let client = try await accept(listener)
                spawn("echo-child-\(client.rawValue)") { [self] in
                    while true {
                        let bytes = try await recv(client, upTo: 1024)
                        if bytes.isEmpty { break }
                        try await send(client, flipCase(bytes))
                    }
                    try close(client)
                }
            }
        }
    }

    /// A client that connects at `time`, sends `line`, reads until it has as many bytes back, and closes.
    /// The reply is reported through `onReply`.
    public func startLineClient(
        at time: SimInstant, server: Endpoint, line: String, onReply: (@Sendable (String) -> Void)? = nil
    ) {
        network.at(time) { [self] in
            spawn("client") { [self] in
                let socket = socket()
                try await connect(socket, to: server)
                let text = try await exchangeLine(socket, line)
                onReply?(text)
                try close(socket)
            }
        }
    }
}

extension Host {
    /// Sends `line` and reads until as many bytes came back (or end of stream); logs and returns the reply.
    func exchangeLine(_ socket: SocketID, _ line: String, timeout: SimDuration? = nil) async throws -> String {
        let bytes = Array(line.utf8)
        try await send(socket, bytes)
        var reply: [UInt8] = []
        while reply.count < bytes.count {
            let chunk = try await recv(socket, upTo: 1024, timeout: timeout)
            if chunk.isEmpty { break }
            reply += chunk
        }
        let text = String(decoding: reply, as: UTF8.self)
        log("read back \"\(text.replacingNewlines())\"")
        return text
    }
}

extension String {
    func replacingNewlines() -> String {
        var out = ""
        for character in self {
            switch character {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.append(character)
            }
        }
        return out
    }
}
