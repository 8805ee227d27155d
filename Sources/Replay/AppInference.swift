import IPConfig
import SimClock
import TCPCore
import TCPWire

/// One scheduled act of the inferred device app.
struct InferredAction {
    enum Kind {
        case send([UInt8])
        case shutdown
        case connect
    }
    var time: SimDuration
    var conversation: Int
    var kind: Kind
}

/// The device app a capture (and the device's log, when there is one) implies, with a line per inference
/// saying what was inferred and from which frames or log lines.
struct AppInference {
    /// How each accepting port listens: `.reuse` or `.backlog(N)`.
    var listening: [UInt16: ListenMode] = [:]
    /// Sends, shutdowns and connects at the times the device's segments show them.
    var actions: [InferredAction] = []
    /// `FreeRTOS_closesocket()` calls, which send nothing: at the time the evidence allows, and for a close the
    /// device log shows, once the socket is in the state the log had it in just before (the app closed in
    /// reaction to that change, which the model's clock may place a little later).
    var closes: [(time: SimDuration, conversation: Int, after: String?)] = []
    /// What was inferred, for the report.
    var notes: [String] = []

    /// The backlog of a listener nothing in the capture limits.
    static let openBacklog = 8

    init(capture: Capture, conversations: Conversations, settings: ReplaySettings) {
        let rules = TCPParameters.freeRTOS(config: settings.config).freeRTOS
        self.init(capture: capture, conversations: conversations, listen: settings.listen, log: settings.deviceLog,
                  hangProtection: rules.hangProtection, window: rules.sendWindowSegments * 1460,
                  deliver: { time in settings.pollGrid.map { settings.clock.capture($0.nextPoll(after: settings.clock.model(time))) } ?? time })
    }

    init(capture: Capture, conversations: Conversations, listen: ListenMode, log: DeviceLog?,
         hangProtection: SimDuration?, window: Int = 2 * 1460, deliver: (SimDuration) -> SimDuration = { $0 })
    {
        let ports = conversations.listeningPorts(in: capture)
        let facts = PortFacts(capture: capture, conversations: conversations, hangProtection: hangProtection)
        for port in ports {
            if listen != .automatic {
                listening[port] = listen
                continue
            }
            switch log?.facts.listening[port] {
            case .reuse(let line)?:
                listening[port] = .reuse
                notes.append("port \(port) listens with FREERTOS_SO_REUSE_LISTEN_SOCKET (device log line \(line): the listening socket itself took a connection)")
            case .backlog(let size, let line)?:
                let size = size ?? facts.backlog(port)?.size ?? Self.openBacklog
                listening[port] = .backlog(size)
                notes.append("port \(port) listens with backlog \(size) (device log line \(line))")
            case nil:
                let (mode, why) = facts.listenMode(port)
                listening[port] = mode
                notes.append("port \(port) listens \(mode == .reuse ? "with FREERTOS_SO_REUSE_LISTEN_SOCKET" : "with \(mode)"): \(why)")
            }
        }
        actions = Self.actions(capture, conversations, window: window, deliver: deliver)
        inferCloses(capture: capture, conversations: conversations, log: log)
    }

    /// Closes: the device log's own `FreeRTOS_closesocket[…]` lines; else a REUSE port that accepts again
    /// (its socket was closed first), and a connection the device answers with RST after having served it
    /// (the socket was freed silently before the peer's segment that got the RST).
    private mutating func inferCloses(capture: Capture, conversations: Conversations, log: DeviceLog?) {
        var closed: Set<Int> = []
        for close in log?.facts.closes ?? [] {
            guard let time = close.time.flatMap(capture.offset(ofWallClock:)),
                let conversation = conversations.list.last(where: {
                    $0.device.port == close.port && $0.peer.port == close.remotePort && $0.firstTime <= time
                })
            else { continue }
            let before = log?.changes.last { $0.line < close.line && $0.port == close.port && $0.remote.hasSuffix(":\(close.remotePort)") }
            closes.append((max(.zero, time), conversation.index, before?.to))
            closed.insert(conversation.index)
        }
        if !closed.isEmpty {
            notes.append("\(closed.count) FreeRTOS_closesocket() call\(closed.count == 1 ? "" : "s") at the times the device log gives")
        }
        var previous: [UInt16: Conversation] = [:]
        for conversation in conversations.list where !conversation.deviceOpened && conversation.deviceISN != nil {
            let port = conversation.device.port
            if listening[port] == .reuse, let before = previous[port], !closed.contains(before.index) {
                closes.append((max(.zero, conversation.firstTime - .microseconds(1)), before.index, nil))
                closed.insert(before.index)
                notes.append("connection #\(before.index) closed silently before frame \(capture.segments[conversation.segments[0]].frame): its REUSE port accepts again")
            }
            previous[port] = conversation
        }
        for conversation in conversations.list where conversation.deviceISN != nil && !closed.contains(conversation.index) {
            guard let (time, frame) = Self.silentClose(conversation, capture) else { continue }
            closes.append((time, conversation.index, nil))
            notes.append("connection #\(conversation.index) closed silently before frame \(frame): the device answered it with RST there")
        }
        closes.sort { $0.time < $1.time }
    }

    /// A connection the device served and later answered with RST: closed just before the peer's segment that
    /// got the RST, and not before the device's last segment of its own.
    static func silentClose(_ conversation: Conversation, _ capture: Capture) -> (SimDuration, frame: Int)? {
        var lastOwn: SimDuration = .zero
        var lastPeer: CapturedSegment?
        for position in conversation.segments {
            let segment = capture.segments[position]
            let tcp = segment.packet.tcp
            let fromDevice = segment.packet.ip.source == conversation.device.address && tcp.sourcePort == conversation.device.port
            if !fromDevice {
                lastPeer = segment
            } else if !tcp.flags.contains(.rst) {
                lastOwn = segment.time
            } else if let peer = lastPeer, !peer.packet.tcp.flags.contains(.syn) {
                return (max(lastOwn, peer.time - .microseconds(1)), peer.frame)
            } else {
                return nil
            }
        }
        return nil
    }

    /// The app calls the device's own segments imply: new data ⇒ `send()` of it at that time; the device's
    /// FIN before the peer's ⇒ `shutdown()`; the device's SYN ⇒ `connect()`.
    ///
    /// Data that left right after a peer ACK, before any pure ACK, while the app's previous send had filled the
    /// send window (`window` bytes in flight), was waiting in the socket: it was sent with that previous send,
    /// not when it left.
    static func actions(_ capture: Capture, _ conversations: Conversations, window: Int,
                        deliver: (SimDuration) -> SimDuration = { $0 }) -> [InferredAction] {
        var actions: [InferredAction] = []
        for conversation in conversations.list {
            var highest: SeqNumber?
            var peerFinSeen = false
            var shutdownDone = false
            // The peer's ACKs that moved on, with when the device got them.
            var acks: [(time: SimDuration, ack: SeqNumber)] = []
            var lastSend: SimDuration?
            var lastOwn: SimDuration?
            for position in conversation.segments {
                let segment = capture.segments[position]
                let tcp = segment.packet.tcp
                let fromDevice = segment.packet.ip.source == conversation.device.address
                    && tcp.sourcePort == conversation.device.port
                guard fromDevice else {
                    if tcp.flags.contains(.fin) { peerFinSeen = true }
                    if tcp.flags.contains(.ack) {
                        if acks.last.map({ tcp.ackNumber - $0.ack > 0 }) ?? true { acks.append((deliver(segment.time), tcp.ackNumber)) }
                    }
                    continue
                }
                defer { lastOwn = segment.time }
                let syn = tcp.flags.contains(.syn) ? 1 : 0
                if syn == 1, !tcp.flags.contains(.ack) {
                    actions.append(InferredAction(time: segment.time, conversation: conversation.index, kind: .connect))
                }
                var start = tcp.seq + syn
                if let highest, highest > start { start = highest }
                let end = tcp.seq + syn + tcp.payload.count
                if !tcp.payload.isEmpty, end > start {
                    let bytes = Array(tcp.payload.dropFirst(Int(start - (tcp.seq + syn))))
                    var time = segment.time
                    // What the device knew acknowledged when the app last sent (a polling driver hands ACKs
                    // over up to a tick late): was the window full then?
                    // The pass that sent it began with an ACK that moved on, and it is the pass's first segment
                    // (a bare ACK first means the app sent it after this pass's input).
                    let opened = acks.dropFirst().last { $0.time <= segment.time }?.time
                    let firstOfPass = opened.map { opened in segment.time - opened <= .milliseconds(1) && (lastOwn.map { $0 < opened } ?? true) } ?? false
                    // What the device knew acknowledged when the app last sent: was the window full then?
                    let known = lastSend.flatMap { last in acks.last { $0.time <= last }?.ack }
                    if firstOfPass, let lastSend, let known, start - known >= window {
                        time = lastSend
                    } else {
                        lastSend = segment.time
                    }
                    actions.append(InferredAction(time: time, conversation: conversation.index, kind: .send(bytes)))
                    highest = end
                } else if highest == nil || end > highest! {
                    highest = end
                }
                if tcp.flags.contains(.fin), !peerFinSeen, !shutdownDone {
                    shutdownDone = true
                    actions.append(InferredAction(time: segment.time, conversation: conversation.index, kind: .shutdown))
                }
            }
        }
        return actions.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }
}
