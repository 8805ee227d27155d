import SimClock
import TCPCore
import TCPSockets
import TCPWire

/// How the terminal server's application releases a port (the shutdown-stall report and the fixes discussed for it).
public enum TerminalServerVariant: String, CaseIterable, Sendable {
    /// The report's app: after `FreeRTOS_shutdown()` it calls `FreeRTOS_recv()` only when
    /// `FreeRTOS_select(READ|EXCEPT)` reports the socket, waits for a negative return, then closes and
    /// listens again on a fresh REUSE socket.
    case report
    /// The forum's recommended loop: recv until negative for at most 4 s, then close and re-listen.
    case capped
    /// Fix A: close once the FIN is out (`FreeRTOS_connstatus()` no longer eESTABLISHED), then re-listen.
    case fixA = "fix-a"
    /// Fix B: close at once (no shutdown) and re-listen.
    case fixB = "fix-b"
    /// Fix E: no REUSE; a normal listener with backlog 2.
    case backlog2

    public var summary: String {
        switch self {
        case .report: "shutdown, then wait for select EXCEPT and recv() < 0 before closesocket (the report's app)"
        case .capped: "shutdown, then recv() until negative for at most 4 s, then closesocket (forum advice)"
        case .fixA: "shutdown, closesocket as soon as the FIN is out, re-listen"
        case .fixB: "closesocket at once without shutdown, re-listen"
        case .backlog2: "no REUSE_LISTEN: a listener with backlog 2 that never leaves eTCP_LISTEN"
        }
    }
}

/// The device of the shutdown-stall report: a 5-port TCP-to-UART terminal server on FreeRTOS+TCP. Ports 3301…3305 each serve one
/// client (REUSE_LISTEN), echoing through a simulated UART that flips the case of letters; an HTTP control
/// port 80 takes `GET /release?port=N`, which calls `FreeRTOS_shutdown()` on that port's connection.
public final class TerminalServer: @unchecked Sendable {
    public static let terminalPorts: [UInt16] = Array(3301...3305)
    public static let controlPort: UInt16 = 80
    /// The app's select timeout, and the capped variant's release wait.
    public static let selectTimeout = SimDuration.milliseconds(100)
    public static let releaseWait = SimDuration.seconds(4)

    public let device: Host
    public let variant: TerminalServerVariant
    let set: FreeRTOSSocketSet

    /// What the app did that a verdict can cite: the release, and every new client accepted per port.
    public private(set) var releases: [(port: UInt16, time: SimInstant)] = []
    public private(set) var accepts: [(port: UInt16, time: SimInstant, socket: SocketID, peer: Endpoint?)] = []
    /// Why the app closed a terminal socket (one line per close), with the time.
    public private(set) var closes: [(port: UInt16, time: SimInstant, socket: SocketID, reason: String,
                                      lastTransition: StateTransition?)] = []

    private struct Terminal {
        var port: UInt16
        /// The REUSE socket (listening or connected), or the listener in the backlog variant.
        var socket: SocketID
        /// Connected clients: the socket itself (REUSE) or accepted children (backlog variant).
        var clients: [SocketID] = []
        /// Clients being released: since when.
        var releasing: [SocketID: SimInstant] = [:]
    }
    private var terminals: [UInt16: Terminal] = [:]
    /// `&delay=MS` of a release request: how long that client's release may wait for `FreeRTOS_recv()` < 0.
    private var releaseWaits: [SocketID: SimDuration] = [:]
    private var http: SocketID?
    private var httpClients: [SocketID: [UInt8]] = [:]
    private var httpClosing: Set<SocketID> = []

    public init(device: Host, variant: TerminalServerVariant = .report) {
        self.device = device
        self.variant = variant
        set = device.rtosCreateSocketSet()
    }

    /// Starts the app task on the device.
    public func start() {
        device.spawn("terminal-server") { [self] in
            for port in Self.terminalPorts { openTerminal(port) }
            openControl()
            while true {
                let bits = await device.rtosSelect(set, timeout: .after(Self.selectTimeout))
                _ = bits
                await serviceControl()
                for port in Self.terminalPorts { await serviceTerminal(port) }
            }
        }
    }

    private var reuse: Bool { variant != .backlog2 }

    private func openTerminal(_ port: UInt16) {
        let socket = device.rtosSocket()
        device.rtosSetTimeouts(socket, receive: .zero, send: .after(.seconds(2)))
        if reuse { device.rtosSetOption(socket, .reuseListenSocket(true)) }
        device.rtosBind(socket, port: port)
        device.rtosListen(socket, backlog: reuse ? 1 : 2)
        device.rtosFDSet(socket, set, [.read, .except])
        terminals[port] = Terminal(port: port, socket: socket)
    }

    private func openControl() {
        let socket = device.rtosSocket()
        device.rtosSetTimeouts(socket, receive: .zero, send: .after(.seconds(2)))
        device.rtosBind(socket, port: Self.controlPort)
        device.rtosListen(socket, backlog: 4)
        device.rtosFDSet(socket, set, [.read, .except])
        http = socket
    }

    // MARK: - Terminal ports

    private func serviceTerminal(_ port: UInt16) async {
        guard var terminal = terminals[port] else { return }
        // New clients.
        if device.rtosFDIsSet(terminal.socket, set).contains(.read) && !terminal.clients.contains(terminal.socket) {
            if case .accepted(let client) = await device.rtosAccept(terminal.socket) {
                accepts.append((port, device.now, client, device.stack.connection(of: client)?.remote))
                terminal.clients.append(client)
                if client != terminal.socket { device.rtosFDSet(client, set, [.read, .except]) }
                device.log("port \(port): client \(device.stack.connection(of: client)?.remote.description ?? "?") accepted on \(client)")
            }
        }
        for client in terminal.clients {
            let bits = device.rtosFDIsSet(client, set)
            if let since = terminal.releasing[client] {
                if let reason = await releaseStep(client, since: since, bits: bits) {
                    closeClient(client, of: &terminal, reason: reason)
                }
                continue
            }
            guard !bits.isEmpty else { continue }
            let (result, bytes) = await device.rtosRecv(client, upTo: 1024)
            if result > 0 {
                // The UART echoes what it gets, case flipped.
                _ = await device.rtosSend(client, flipCase(bytes))
            } else if result < 0 {
                closeClient(client, of: &terminal, reason: "FreeRTOS_recv() = \(FreeRTOSErrno.name(of: result))")
            }
        }
        terminals[port] = terminal
    }

    /// One pass of the release wait; returns why to close the socket now, or nil to keep waiting.
    private func releaseStep(_ client: SocketID, since: SimInstant, bits: SelectEvents) async -> String? {
        if let wait = releaseWaits[client], device.now - since >= wait {
            return "the request's release wait of \(wait) (&delay=) expired in \(device.stack.state(of: client).freeRTOSName)"
        }
        switch variant {
        case .report, .backlog2:
            guard !bits.isEmpty else { return nil }
            let (result, _) = await device.rtosRecv(client, upTo: 1024)
            return result < 0 ? "FreeRTOS_recv() = \(FreeRTOSErrno.name(of: result)) after select \(bits)" : nil
        case .capped:
            let (result, _) = await device.rtosRecv(client, upTo: 1024)
            if result < 0 { return "FreeRTOS_recv() = \(FreeRTOSErrno.name(of: result))" }
            if device.now - since >= Self.releaseWait {
                return "the application's \(Self.releaseWait) release wait expired in \(device.stack.state(of: client).freeRTOSName)"
            }
            return nil
        case .fixA:
            let status = device.rtosConnectionStatus(client)
            if status != Int32(TCPState.established.rawValue) {
                return "the FIN is out (FreeRTOS_connstatus() = \(TCPState(rawValue: UInt8(status))?.freeRTOSName ?? "\(status)"))"
            }
            return nil
        case .fixB:
            return "closesocket() at once"
        }
    }

    private func closeClient(_ client: SocketID, of terminal: inout Terminal, reason: String) {
        device.log("port \(terminal.port): closing \(client): \(reason)")
        closes.append((terminal.port, device.now, client, reason, device.stack.connection(of: client)?.lastTransition))
        terminal.clients.removeAll { $0 == client }
        terminal.releasing[client] = nil
        releaseWaits[client] = nil
        device.rtosCloseSocket(client)
        if client == terminal.socket {
            // A REUSE socket: a fresh socket, bound and listening again.
            let port = terminal.port
            let socket = device.rtosSocket()
            device.rtosSetTimeouts(socket, receive: .zero, send: .after(.seconds(2)))
            device.rtosSetOption(socket, .reuseListenSocket(true))
            device.rtosBind(socket, port: port)
            device.rtosListen(socket, backlog: 1)
            device.rtosFDSet(socket, set, [.read, .except])
            terminal.socket = socket
        }
    }

    /// `GET /release?port=N[&delay=MS]`: kick the client of port N; with `delay`, close it after at most MS ms
    /// of waiting for `FreeRTOS_recv()` < 0 (the reference device's per-request release wait).
    private func release(port: UInt16, wait: SimDuration? = nil) -> String {
        guard var terminal = terminals[port] else { return "no such port \(port)" }
        releases.append((port, device.now))
        guard let client = terminal.clients.last(where: { terminal.releasing[$0] == nil }) else {
            return "port \(port) has no client"
        }
        device.log("port \(port): release requested (\(variant.rawValue): \(variant.summary))")
        if variant == .fixB {
            closeClient(client, of: &terminal, reason: "closesocket() at once (fix-b)")
        } else {
            device.rtosShutdown(client)
            terminal.releasing[client] = device.now
            releaseWaits[client] = wait
        }
        terminals[port] = terminal
        return "released \(port)"
    }

    // MARK: - HTTP control port

    private func serviceControl() async {
        guard let http else { return }
        if device.rtosFDIsSet(http, set).contains(.read), case .accepted(let client) = await device.rtosAccept(http) {
            httpClients[client] = []
            device.rtosFDSet(client, set, [.read, .except])
        }
        for client in httpClients.keys.sorted() {
            let bits = device.rtosFDIsSet(client, set)
            guard !bits.isEmpty else { continue }
            let (result, bytes) = await device.rtosRecv(client, upTo: 1024)
            if result < 0 {
                device.rtosCloseSocket(client)
                httpClients[client] = nil
                httpClosing.remove(client)
                continue
            }
            guard result > 0, !httpClosing.contains(client) else { continue }
            httpClients[client, default: []] += bytes
            let request = String(decoding: httpClients[client] ?? [], as: UTF8.self)
            guard request.contains("\r\n\r\n") || request.contains("\n\n") else { continue }
            let body = handle(request: request)
            let status = body.hasPrefix("released") ? "200 OK" : "404 Not Found"
            // The reference device's reply, byte for byte (pcaps/S3-stall.pcap).
            let response = "HTTP/1.0 \(status)\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n\(body)\r\n"
            _ = await device.rtosSend(client, Array(response.utf8))
            device.rtosShutdown(client)
            httpClosing.insert(client)
        }
    }

    private func handle(request: String) -> String {
        let firstLine = request.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).first.map(String.init) ?? ""
        let parts = firstLine.split(separator: " ")
        guard parts.count >= 2, parts[0] == "GET", parts[1].hasPrefix("/release?") else { return "unknown request" }
        var query: [Substring: Substring] = [:]
        for pair in parts[1].dropFirst("/release?".count).split(separator: "&") {
            let field = pair.split(separator: "=", maxSplits: 1)
            if field.count == 2 { query[field[0]] = field[1] }
        }
        guard let port = query["port"].flatMap({ UInt16($0) }) else { return "unknown request" }
        let delay = query["delay"].flatMap { Int($0) }.map { SimDuration.milliseconds(min(max(0, $0), 86_400_000)) }
        if query["delay"] != nil && delay == nil { return "unknown request" }
        return release(port: port, wait: delay)
    }
}
