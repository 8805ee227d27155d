import TCPSockets

/// The classic small TCP services (RFC 862 echo, RFC 863 discard, RFC 864 chargen) written as FreeRTOS+TCP
/// apps: a listening task that accepts with `FreeRTOS_accept()` and one task per client, as in the FreeRTOS
/// demos (`SimpleTCPEchoServer.c`). Receive and send block (`portMAX_DELAY`), like the demos' defaults.
public enum TCPService: String, CaseIterable, Sendable {
    case echo
    case discard
    case chargen

    /// The well-known port.
    public var port: UInt16 {
        switch self {
        case .echo: 7
        case .discard: 9
        case .chargen: 19
        }
    }

    public var summary: String {
        switch self {
        case .echo: "echo (RFC 862): sends back what it receives"
        case .discard: "discard (RFC 863): reads and drops what it receives"
        case .chargen: "chargen (RFC 864): sends the 72-character rotating lines until the client closes"
        }
    }

    /// RFC 864's pattern as BSD inetd sends it: a ring of the 95 printable ASCII characters from the space; line
    /// `n` is the 72 characters from position `n mod 95`, then CR LF.
    public static func chargenBytes(lines: Range<Int>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.count * 74)
        for line in lines {
            for column in 0..<72 { bytes.append(UInt8(32 + (line + column) % 95)) }
            bytes.append(13)
            bytes.append(10)
        }
        return bytes
    }
}

extension Host {
    /// How much one `FreeRTOS_recv()` of the services asks for.
    static let serviceReadSize = 16 * 1024

    /// Starts `service` on `port` (its well-known port by default) with the FreeRTOS API.
    public func startService(_ service: TCPService, port: UInt16? = nil, backlog: Int = 4) {
        let port = port ?? service.port
        spawn(service.rawValue) { [self] in
            let listener = rtosSocket()
            rtosSetTimeouts(listener, receive: .forever, send: .forever)
            rtosBind(listener, port: port)
            rtosListen(listener, backlog: backlog)
            while true {
                guard case .accepted(let client) = await rtosAccept(listener) else { continue }
                let peer = stack.connection(of: client)?.remote.description ?? "?"
                log("\(service.rawValue): client \(peer) accepted on \(client)")
                spawn("\(service.rawValue)-\(client.rawValue)") { [self] in
                    let (received, sent) = switch service {
                    case .echo: await serveEcho(client)
                    case .discard: await serveDiscard(client)
                    case .chargen: await serveChargen(client)
                    }
                    log("\(service.rawValue): client \(peer) done: \(received) bytes received, \(sent) sent")
                    rtosCloseSocket(client)
                }
            }
        }
    }

    /// Each service returns the bytes it received and sent.
    private func serveEcho(_ client: SocketID) async -> (Int, Int) {
        var received = 0
        var sent = 0
        while true {
            let (result, bytes) = await rtosRecv(client, upTo: Self.serviceReadSize)
            if result < 0 { return (received, sent) }
            received += bytes.count
            guard result > 0 else { continue }
            let written = await rtosSend(client, bytes)
            if written < 0 { return (received, sent) }
            sent += Int(written)
        }
    }

    private func serveDiscard(_ client: SocketID) async -> (Int, Int) {
        var received = 0
        while case let (result, bytes) = await rtosRecv(client, upTo: Self.serviceReadSize), result >= 0 {
            received += bytes.count
        }
        return (received, 0)
    }

    private func serveChargen(_ client: SocketID) async -> (Int, Int) {
        var line = 0
        var received = 0
        var sent = 0
        while true {
            // Stop once the client closed or reset (a FIN makes FreeRTOS_recv() negative only after its data).
            let (result, bytes) = await rtosRecv(client, upTo: Self.serviceReadSize, dontWait: true)
            if result < 0 { return (received, sent) }
            received += bytes.count
            let chunk = TCPService.chargenBytes(lines: line..<line + 20)
            line = (line + 20) % 95
            let written = await rtosSend(client, chunk)
            if written < 0 { return (received, sent) }
            sent += Int(written)
        }
    }
}
