import Scenario
import SimClock
import TCPWire

/// `tcpsim convert`: a capture as an editable script in the scenario language (packetdrill's syntax), so a
/// recorded case becomes a hand-tuned test: the peer's segments as `<` lines, the device's as `>` lines, and
/// the device app's calls (the same inference as the replay) in between, all with relative sequence numbers.
public enum ScriptConversion {
    /// The script for `capture`'s connections to one device port.
    public static func script(for capture: Capture, settings: ReplaySettings, configPath: String? = nil)
        throws(ReplayError) -> String
    {
        let conversations = try Conversations(capture, device: settings.device)
        let ports = Set(conversations.list.map(\.device.port))
        guard ports.count == 1, let port = ports.first else {
            throw ReplayError(
                "\(capture.path): convert writes one device port per script, found \(ports.sorted().map(String.init).joined(separator: ", ")); choose one with --filter 'tcp port N' or --device IP:PORT")
        }
        let accepting = conversations.listeningPorts(in: capture).contains(port)
        let inference = AppInference(capture: capture, conversations: conversations, settings: settings)
        let mode = inference.listening[port] ?? .backlog(AppInference.openBacklog)
        let reuse = mode == .reuse
        let backlog: Int
        if case .backlog(let count) = mode { backlog = count } else { backlog = 1 }
        let remotePorts = Set(conversations.list.map(\.peer.port))
        let defaultRemote: UInt16 = 40000

        var lines = [
            "// Converted by tcpsim convert from \(capture.path) (\(capture.summary)).",
            "// Device \(conversations.device) (\(conversations.deviceReason)); the app's calls are inferred from its segments.",
            "--personality=freertos --tolerance_usecs=\(toleranceMicros(settings.tolerance))" + (configPath.map { " --config=\($0)" } ?? ""),
        ]
        var nextSocket = 3
        var listener: Int?
        func listen(at time: SimDurationText) {
            let socket = nextSocket
            nextSocket += 1
            listener = socket
            lines.append("\(time) socket(..., SOCK_STREAM, IPPROTO_TCP) = \(socket)")
            if reuse { lines.append("+0 setsockopt(\(socket), SOL_SOCKET, FREERTOS_SO_REUSE_LISTEN_SOCKET, [1], 4) = 0") }
            lines.append("+0 bind(\(socket), ..., \(port)) = 0")
            lines.append("+0 listen(\(socket), \(backlog)) = 0")
        }
        if accepting { listen(at: SimDurationText("0")) }

        // Every segment of the chosen conversations, in capture order.
        var order: [(position: Int, conversation: Conversation)] = []
        for conversation in conversations.list {
            for position in conversation.segments { order.append((position, conversation)) }
        }
        order.sort { $0.position < $1.position }

        var socketOf: [Int: Int] = [:]
        var reuseOpen: (socket: Int, conversation: Int)?  // the REUSE socket serving a connection
        var highest: [Int: SeqNumber] = [:]
        var peerFin: Set<Int> = []
        var shutdownDone: Set<Int> = []
        var handshakeDone: Set<Int> = []
        for (position, conversation) in order {
            let segment = capture.segments[position]
            let tcp = segment.packet.tcp
            let time = SimDurationText(segment.time.secondsText)
            let fromDevice = segment.packet.ip.source == conversation.device.address && tcp.sourcePort == conversation.device.port
            let portSuffix = remotePorts.count == 1 && conversation.peer.port == defaultRemote ? ""
                : conversation.peer.port == defaultRemote ? "" : " port \(conversation.peer.port)"
            if !fromDevice {
                // A REUSE port that accepts again: the app closed the previous connection first.
                if reuse, tcp.flags.contains(.syn), !tcp.flags.contains(.ack), conversation.deviceISN != nil,
                    let open = reuseOpen
                {
                    lines.append("\(time) close(\(open.socket)) = 0")
                    socketOf[open.conversation] = nil  // the app no longer reads or writes that connection
                    reuseOpen = nil
                    listen(at: SimDurationText("+0"))
                }
                lines.append("\(time) < \(segmentText(tcp, ownISN: conversation.peerISN, otherISN: conversation.deviceISN, payload: true))\(portSuffix)")
                if tcp.flags.contains(.fin) { peerFin.insert(conversation.index) }
                // The handshake's last ACK: the app accepts.
                if accepting, !handshakeDone.contains(conversation.index), conversation.deviceISN != nil,
                    tcp.flags.contains(.ack), !tcp.flags.contains(.syn), let listening = listener
                {
                    handshakeDone.insert(conversation.index)
                    let socket = reuse ? listening : nextSocket
                    if !reuse { nextSocket += 1 }
                    if reuse { reuseOpen = (socket, conversation.index) }
                    socketOf[conversation.index] = socket
                    lines.append("+0 accept(\(listening), ..., ...) = \(socket)")
                }
                if !tcp.payload.isEmpty, let socket = socketOf[conversation.index] {
                    lines.append("+0 recv(\(socket), ..., 65536, 0) = \(tcp.payload.count)")
                }
                continue
            }
            if let socket = socketOf[conversation.index] {
                let start = max(highest[conversation.index] ?? tcp.seq, tcp.seq)
                let end = tcp.seq + tcp.payload.count
                if !tcp.payload.isEmpty, end > start {
                    let bytes = Array(tcp.payload.dropFirst(start - tcp.seq))
                    lines.append("\(time) send(\(socket), \(quoted(bytes)), \(bytes.count), 0) = \(bytes.count)")
                    highest[conversation.index] = end
                }
                if tcp.flags.contains(.fin), !peerFin.contains(conversation.index), !shutdownDone.contains(conversation.index) {
                    shutdownDone.insert(conversation.index)
                    lines.append("\(time) shutdown(\(socket), SHUT_RDWR) = 0")
                }
            }
            lines.append("\(time) > \(segmentText(tcp, ownISN: conversation.deviceISN, otherISN: conversation.peerISN, payload: true))\(portSuffix)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A time as the script writes it.
    struct SimDurationText: CustomStringConvertible {
        var description: String
        init(_ text: String) { description = text }
    }

    private static func toleranceMicros(_ tolerance: ReplayTolerance) -> Int64 {
        if case .absolute(let duration) = tolerance { return duration.nanoseconds / 1000 }
        return 2000
    }
}
