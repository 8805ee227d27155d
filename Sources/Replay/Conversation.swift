import SimClock
import TCPWire

/// Which endpoint of a capture is the device: an address, and optionally one port.
public struct DeviceSelector: Sendable, Hashable, CustomStringConvertible {
    public var address: IPv4Address
    public var port: UInt16?

    public init(address: IPv4Address, port: UInt16? = nil) {
        self.address = address
        self.port = port
    }

    /// `192.0.2.2` or `192.0.2.2:3301`; nil if it is neither.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPv4Address(String(parts[0])) else { return nil }
        if parts.count == 2 {
            guard let port = UInt16(parts[1]), port > 0 else { return nil }
            self.port = port
        }
        self.address = address
    }

    func matches(_ endpoint: Endpoint) -> Bool {
        endpoint.address == address && (port == nil || port == endpoint.port)
    }

    public var description: String { port.map { "\(address):\($0)" } ?? "\(address)" }
}

/// One TCP connection of a capture (by 4-tuple), seen from the device.
public struct Conversation: Sendable {
    public var index: Int
    public var device: Endpoint
    public var peer: Endpoint
    /// Indexes into the capture's segments, in capture order.
    public var segments: [Int]
    /// The device's ISN (from its SYN or SYN+ACK), when the capture has it.
    public var deviceISN: SeqNumber?
    /// The peer's ISN (from its SYN or SYN+ACK), when the capture has it.
    public var peerISN: SeqNumber?
    /// Who opened: the peer's SYN answered by the device (passive open on the device), or the device's SYN.
    public var deviceOpened = false
    public var firstTime: SimDuration
    public var lastTime: SimDuration
}

/// A capture split into connections, with the device found.
public struct Conversations: Sendable {
    public var device: DeviceSelector
    public var list: [Conversation]
    /// Why the device is the device ("given with --device", "it answered SYNs with SYN+ACK").
    public var deviceReason: String

    /// Splits `capture`; the device is `selector`, or the address that answered SYNs with SYN+ACK (failing
    /// that, the one that sent RSTs to SYNs).
    public init(_ capture: Capture, device selector: DeviceSelector? = nil) throws(ReplayError) {
        let segments = capture.segments
        if let selector {
            device = selector
            deviceReason = "given with --device"
        } else if let answer = segments.first(where: { $0.packet.tcp.flags.isSuperset(of: [.syn, .ack]) }) {
            device = DeviceSelector(address: answer.packet.ip.source)
            deviceReason = "it answered SYNs with SYN+ACK (frame \(answer.frame))"
        } else if let reset = segments.first(where: { $0.packet.tcp.flags.contains(.rst) }) {
            device = DeviceSelector(address: reset.packet.ip.source)
            deviceReason = "no SYN+ACK in the capture; it sent RSTs (frame \(reset.frame))"
        } else {
            throw ReplayError("\(capture.path): cannot tell which side is the device: no SYN+ACK and no RST; give it with --device IP[:PORT]")
        }
        var byKey: [ConnectionKey: Int] = [:]
        var list: [Conversation] = []
        for (position, segment) in segments.enumerated() {
            let packet = segment.packet
            let source = Endpoint(packet.ip.source, packet.tcp.sourcePort)
            let destination = Endpoint(packet.ip.destination, packet.tcp.destinationPort)
            let deviceEnd: Endpoint
            let peerEnd: Endpoint
            if device.matches(source) {
                (deviceEnd, peerEnd) = (source, destination)
            } else if device.matches(destination) {
                (deviceEnd, peerEnd) = (destination, source)
            } else {
                continue  // neither end is the device
            }
            let key = ConnectionKey(device: deviceEnd, peer: peerEnd)
            let fromDevice = deviceEnd == source
            let flags = packet.tcp.flags
            // A new SYN from the peer on a 4-tuple whose connection is over starts a new conversation.
            if let existing = byKey[key], flags.contains(.syn), !flags.contains(.ack), !fromDevice,
                let isn = list[existing].peerISN, isn != packet.tcp.seq
            {
                byKey[key] = nil
            }
            let index: Int
            if let existing = byKey[key] {
                index = existing
            } else {
                index = list.count
                byKey[key] = index
                list.append(Conversation(index: index + 1, device: deviceEnd, peer: peerEnd, segments: [],
                                         firstTime: segment.time, lastTime: segment.time))
            }
            list[index].segments.append(position)
            list[index].lastTime = segment.time
            if flags.contains(.syn) {
                if fromDevice {
                    list[index].deviceISN = packet.tcp.seq
                    if !flags.contains(.ack) { list[index].deviceOpened = true }
                } else {
                    list[index].peerISN = packet.tcp.seq
                }
            }
        }
        guard !list.isEmpty else {
            throw ReplayError("\(capture.path): no TCP segment to or from the device \(device)")
        }
        self.list = list
    }

    private struct ConnectionKey: Hashable {
        var device: Endpoint
        var peer: Endpoint
    }

    /// Device ports that accepted connections (answered a SYN with SYN+ACK).
    public func listeningPorts(in capture: Capture) -> [UInt16] {
        var ports: [UInt16] = []
        for conversation in list where !conversation.deviceOpened && conversation.deviceISN != nil {
            if !ports.contains(conversation.device.port) { ports.append(conversation.device.port) }
        }
        return ports
    }

    /// `tcpsim replay --list`: one line per connection.
    public func listing(_ capture: Capture) -> [String] {
        var lines = ["device \(device) (\(deviceReason)); \(capture.summary)"]
        for conversation in list {
            let packets = conversation.segments.map { capture.segments[$0].packet.tcp }
            let fromDevice = conversation.segments.filter { capture.segments[$0].packet.ip.source == conversation.device.address }.count
            let opening = conversation.deviceOpened ? "device connects" : conversation.deviceISN != nil ? "device accepts" : packets.contains { $0.flags.contains(.rst) } ? "refused with RST" : "mid-stream"
            let end = packets.last.map { "\($0.flags)" } ?? ""
            lines.append(String(
                "#\(conversation.index)  \(conversation.peer) > \(conversation.device)  \(packets.count) segments (\(fromDevice) from the device)  \(conversation.firstTime.secondsText)–\(conversation.lastTime.secondsText) s  \(opening), last \(end)"))
        }
        return lines
    }
}


/// A problem with a capture, an option or an actions file, as one line.
public struct ReplayError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
