import SimClock
import TCPWire

/// What a capture shows about each listening port of the device: the connections it accepted and how long
/// each was open, and the SYNs it refused with RST. From these, how the port listened:
/// - two connections active at once, or a SYN accepted while N − 1 connections were open and one refused
///   while N were: a listener with backlog N (FreeRTOS counts every live child, also those shutting down);
/// - SYNs refused while one connection was open, and none accepted then: FREERTOS_SO_REUSE_LISTEN_SOCKET
///   (the socket *is* the connection, so the port has no listener until the app listens again).
struct PortFacts {
    struct Connection {
        var index: Int
        var accepted: SimDuration
        var frame: Int
        /// The last segment either side sent that the device did not answer with RST.
        var lastActivity: SimDuration
        /// Both FINs seen, or a RST: the socket is closed on the wire.
        var finished: SimDuration?
        /// The first FIN of either side: from then on hang protection may free the socket silently.
        var closingSince: SimDuration?
    }
    struct Refusal {
        var time: SimDuration
        var frame: Int
    }

    private(set) var connections: [UInt16: [Connection]] = [:]
    private(set) var refusals: [UInt16: [Refusal]] = [:]
    let hangProtection: SimDuration?

    init(capture: Capture, conversations: Conversations, hangProtection: SimDuration?) {
        self.hangProtection = hangProtection
        let accepting = Set(conversations.listeningPorts(in: capture))
        for conversation in conversations.list where !conversation.deviceOpened && accepting.contains(conversation.device.port) {
            let segments = conversation.segments.map { capture.segments[$0] }
            guard let first = segments.first, first.packet.tcp.flags.contains(.syn) else { continue }
            let fromDevice = { (segment: CapturedSegment) in segment.packet.ip.source == conversation.device.address }
            if conversation.deviceISN == nil {
                if segments.contains(where: { fromDevice($0) && $0.packet.tcp.flags.contains(.rst) }) {
                    refusals[conversation.device.port, default: []].append(Refusal(time: first.time, frame: first.frame))
                }
                continue
            }
            var connection = Connection(index: conversation.index, accepted: first.time, frame: first.frame,
                                        lastActivity: first.time)
            var fins = (device: false, peer: false)
            // A peer segment counts as activity unless the device answered it with RST (its socket was gone).
            var unanswered: SimDuration?
            for segment in segments {
                let flags = segment.packet.tcp.flags
                if flags.contains(.rst) {
                    if fromDevice(segment) { unanswered = nil }
                    connection.finished = connection.finished ?? segment.time
                    continue
                }
                if connection.finished == nil {
                    if fromDevice(segment) {
                        connection.lastActivity = segment.time
                        unanswered = nil
                    } else {
                        unanswered = segment.time
                    }
                }
                if flags.contains(.fin) {
                    if fromDevice(segment) { fins.device = true } else { fins.peer = true }
                    connection.closingSince = connection.closingSince ?? segment.time
                    if fins.device && fins.peer { connection.finished = connection.finished ?? segment.time }
                }
            }
            if let unanswered { connection.lastActivity = max(connection.lastActivity, unanswered) }
            connections[conversation.device.port, default: []].append(connection)
        }
    }

    /// Open at `time`: accepted before, not finished on the wire, and not past hang protection once closing.
    func isOpen(_ connection: Connection, at time: SimDuration) -> Bool {
        guard connection.accepted < time else { return false }
        if let finished = connection.finished, finished < time { return false }
        if let since = connection.closingSince, let hang = hangProtection, time > max(since, connection.lastActivity) + hang {
            return false
        }
        return true
    }

    /// The backlog the capture proves for `port`, and why; nil when it proves none.
    func backlog(_ port: UInt16) -> (size: Int, why: String)? {
        let list = connections[port] ?? []
        var together: (count: Int, indexes: [Int]) = (1, [])
        var acceptedWhileOpen: (count: Int, frame: Int) = (0, 0)
        for connection in list {
            let active = list.filter { $0.index != connection.index && $0.accepted < connection.accepted && connection.accepted <= $0.lastActivity }
            if active.count + 1 > together.count { together = (active.count + 1, active.map(\.index) + [connection.index]) }
            let open = list.filter { $0.index != connection.index && isOpen($0, at: connection.accepted) }.count
            if open > acceptedWhileOpen.count { acceptedWhileOpen = (open, connection.frame) }
        }
        let refusedWhileOpen = (refusals[port] ?? []).map { refusal in
            (count: list.filter { isOpen($0, at: refusal.time) }.count, frame: refusal.frame)
        }.min { $0.count < $1.count }
        if let refused = refusedWhileOpen, acceptedWhileOpen.count >= 1, refused.count > acceptedWhileOpen.count {
            let size = max(refused.count, together.count)
            return (size, "frame \(acceptedWhileOpen.frame) was accepted while \(acceptedWhileOpen.count) connection\(acceptedWhileOpen.count == 1 ? " was" : "s were") open, frame \(refused.frame) refused with RST while \(refused.count) were")
        }
        if together.count >= 2 {
            return (together.count, "connections \(together.indexes.map { "#\($0)" }.joined(separator: ", ")) were active at once")
        }
        return nil
    }

    /// How `port` listened, and why.
    func listenMode(_ port: UInt16) -> (ListenMode, String) {
        if let (size, why) = backlog(port) { return (.backlog(size), why) }
        let list = connections[port] ?? []
        let refusedWhileOpen = (refusals[port] ?? []).filter { refusal in list.contains { isOpen($0, at: refusal.time) } }
        if !refusedWhileOpen.isEmpty {
            let frames = refusedWhileOpen.prefix(3).map { String($0.frame) }.joined(separator: ", ")
            return (.reuse, "SYNs refused with RST while a connection was open (frame\(refusedWhileOpen.count == 1 ? "" : "s") \(frames)\(refusedWhileOpen.count > 3 ? ", …" : ""))")
        }
        return (.backlog(AppInference.openBacklog), "no SYN to it was refused")
    }
}
