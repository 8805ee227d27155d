import Scenario
import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire

/// Built-in apps a script attaches with option lines, so scripted segments mix with live model peers:
///
/// - `--device_app=terminal-server[:VARIANT]`: the shutdown-stall report's terminal server (ports 3301–3305,
///   HTTP control on 80; variants `report`, `capped`, `fix-a`, `fix-b`, `backlog2`).
/// - `--device_app=echo:PORT`: an echo task on the device (FreeRTOS API, or BSD calls under the RFC personality).
/// - `--device_app=caseflip-echo:PORT`: the concurrent case-flipping echo server (BSD calls).
/// - `--device_app=c:PORT`: the C application given with `--c-app`; scripted segments go to PORT.
/// - `--peer_app=never-closing:PORT[:START]`: a live host (192.0.2.3, RFC personality) that connects at START
///   seconds, exchanges a line and never closes.
/// - `--peer_app=reconnecting:PORT:START:EVERY`: connects from START every EVERY seconds until it succeeds.
/// - `--peer_app=release:PORT[:START[:DELAY_MS]]`: sends `GET /release?port=PORT[&delay=DELAY_MS]` to the
///   device's port 80 at START.
extension ScriptRunner {
    public static let livePeerAddress = IPv4Address(192, 0, 2, 3)

    /// Starts the apps the script's options name; a malformed option is a `RunnerError` naming it.
    func startApps() throws {
        for option in script.options {
            switch option {
            case .deviceApp(let text): try startDeviceApp(text)
            case .peerApp(let text): try startPeerApp(text)
            case .personality, .config, .toleranceMicroseconds, .seed: break
            }
        }
    }

    private func fields(_ text: String) -> [String] { text.split(separator: ":", omittingEmptySubsequences: false).map(String.init) }

    private func port(_ text: String?, in option: String) throws -> UInt16 {
        guard let text, let port = UInt16(text), port > 0 else {
            throw RunnerError("\(file): --\(option): expected a port number, found '\(text ?? "")'")
        }
        return port
    }

    private func seconds(_ text: String?, default value: Double, in option: String) throws -> SimInstant {
        guard let text, !text.isEmpty else { return .zero + .seconds(value) }
        guard let seconds = Double(text), seconds >= 0, seconds < 1e9 else {
            throw RunnerError("\(file): --\(option): expected a time in seconds, found '\(text)'")
        }
        return .zero + .seconds(seconds)
    }

    /// Two apps listening on one port would make the second one's bind fail and its accept loop spin; refused.
    private func claim(_ ports: [UInt16], for app: String) throws {
        for port in ports {
            if let other = devicePorts[port] {
                throw RunnerError("\(file): --device_app=\(app): port \(port) is already served by --device_app=\(other); one app per port")
            }
            devicePorts[port] = app
        }
    }

    private func startDeviceApp(_ text: String) throws {
        let parts = fields(text)
        switch parts[0] {
        case "terminal-server":
            let name = parts.count > 1 ? parts[1] : "report"
            guard let variant = TerminalServerVariant(rawValue: name) else {
                throw RunnerError("\(file): --device_app=terminal-server: expected a variant (\(TerminalServerVariant.allCases.map(\.rawValue).joined(separator: ", "))), found '\(name)'")
            }
            try claim(TerminalServer.terminalPorts + [TerminalServer.controlPort], for: text)
            TerminalServer(device: device, variant: variant).start()
            localPort = TerminalServer.terminalPorts[0]  // scripted segments go to port 3301 unless bound
        
        case "echo":
            let port = try port(parts.count > 1 ? parts[1] : nil, in: "device_app=echo")
            try claim([port], for: text)
            localPort = port  // scripted segments go to the echo port
            startEcho(on: port)
        case "c":
            // The user's C application (`tcpsim run --c-app PROGRAM`); scripted segments go to PORT.
            let port = try port(parts.count > 1 ? parts[1] : nil, in: "device_app=c")
            guard let startCApp else {
                throw RunnerError("\(file): --device_app=c:\(port) needs a C application: tcpsim run \(file) --c-app PROGRAM")
            }
            localPort = port
            if externalApp == nil { externalApp = try startCApp(device) }
        case "caseflip-echo":
            // The concurrent case-flipping echo server of "The Socket API, Part 3" (BSD calls, any personality).
            let port = try port(parts.count > 1 ? parts[1] : nil, in: "device_app=caseflip-echo")
            try claim([port], for: text)
            localPort = port
            device.startCaseFlipEchoServer(port: port)
        default:
            throw RunnerError("\(file): --device_app: expected terminal-server, echo, caseflip-echo or c, found '\(parts[0])'")
        }
    }

    private func startEcho(on port: UInt16) {
        let device = self.device
        if personality == .freertos {
            device.spawn("echo") {
                let listener = device.rtosSocket()
                device.rtosBind(listener, port: port)
                device.rtosListen(listener, backlog: 4)
                while true {
                    guard case .accepted(let client) = await device.rtosAccept(listener) else { continue }
                    device.spawn("echo-child") {
                        while true {
                            let (result, bytes) = await device.rtosRecv(client)
                            if result < 0 { break }
                            if result > 0 { _ = await device.rtosSend(client, bytes) }
                        }
                        device.rtosCloseSocket(client)
                    }
                }
            }
        } else {
            device.spawn("echo") {
                let listener = device.socket()
                try device.bind(listener, port: port)
                try device.listen(listener, backlog: 4)
                while true {
                    let client = try await device.accept(listener)
                    device.spawn("echo-child") {
                        while case let bytes = try await device.recv(client), !bytes.isEmpty {
                            try await device.send(client, bytes)
                        }
                        try device.close(client)
                    }
                }
            }
        }
    }

    /// The live peer host, made on first use and linked to the device.
    private var livePeer: Host {
        if let host = network.hosts.first(where: { $0.address == Self.livePeerAddress }) { return host }
        let host = network.addHost("client", address: Self.livePeerAddress, parameters: .linuxLike)
        network.connect(host, device, delay: .microseconds(500))
        return host
    }

    /// A whole number of milliseconds from 0 to 86,400,000.
    private func milliseconds(_ text: String, in option: String) throws -> Int {
        guard let value = Int(text), (0...86_400_000).contains(value) else {
            throw RunnerError("\(file): --\(option): expected a release wait in milliseconds from 0 to 86400000, found '\(text)'")
        }
        return value
    }

    private func startPeerApp(_ text: String) throws {
        let parts = fields(text)
        let option = "peer_app=\(parts[0])"
        let server = { (port: UInt16) in Endpoint(Self.deviceAddress, port) }
        switch parts[0] {
        case "never-closing":
            let port = try port(parts.count > 1 ? parts[1] : nil, in: option)
            let start = try seconds(parts.count > 2 ? parts[2] : nil, default: 0, in: option)
            livePeer.startNeverClosingClient(at: start, server: server(port), line: "hello\n")
        case "reconnecting":
            let port = try port(parts.count > 1 ? parts[1] : nil, in: option)
            let start = try seconds(parts.count > 2 ? parts[2] : nil, default: 0, in: option)
            let every = try seconds(parts.count > 3 ? parts[3] : nil, default: 2, in: option) - SimInstant.zero
            livePeer.startReconnectingClient(first: start, every: every, server: server(port), line: "new\n")
        case "release":
            let port = try port(parts.count > 1 ? parts[1] : nil, in: option)
            let start = try seconds(parts.count > 2 ? parts[2] : nil, default: 0, in: option)
            let delay = try parts.count > 3 ? "&delay=\(Int(try milliseconds(parts[3], in: option)))" : ""
            livePeer.startHTTPGet(at: start, server: server(TerminalServer.controlPort), path: "/release?port=\(port)\(delay)")
        default:
            throw RunnerError("\(file): --peer_app: expected never-closing, reconnecting or release, found '\(parts[0])'")
        }
    }
}
