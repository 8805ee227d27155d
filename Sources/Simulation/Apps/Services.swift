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

    /// RFC 864's pattern: line `n` is 72 printable characters starting at character `n mod 95`, then CR LF.
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
                spawn("\(service.rawValue)-\(client.rawValue)") { [self] in
                    switch service {
                    case .echo: await serveEcho(client)
                    case .discard: await serveDiscard(client)
                    case .chargen: await serveChargen(client)
                    }
                    rtosCloseSocket(client)
                }
            }
        }
    }

    private func serveEcho(_ client: SocketID) async {
        while true {
            let (result, bytes) = await rtosRecv(client, upTo: Self.serviceReadSize)
            if result < 0 { return }
            if result > 0, await rtosSend(client, bytes) < 0 { return }
        }
    }

    private func serveDiscard(_ client: SocketID) async {
        while await rtosRecv(client, upTo: Self.serviceReadSize).result >= 0 {}
    }

    private func serveChargen(_ client: SocketID) async {
        var line = 0
        while true {
            // Stop once the client closed or reset (a FIN makes FreeRTOS_recv() negative only after its data).
            let (result, _) = await rtosRecv(client, upTo: Self.serviceReadSize, dontWait: true)
            if result < 0 { return }
            let chunk = TCPService.chargenBytes(lines: line..<line + 20)
            line = (line + 20) % 95
            if await rtosSend(client, chunk) < 0 { return }
        }
    }
}
