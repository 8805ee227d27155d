/// A TCP segment as the state machine speaks it (the "Repr" level): header fields, options and payload.
///
/// Addresses live one level up, in `TCPPacket`. The acknowledgment field is stored as it is on the wire even
/// when the ACK bit is clear (stateless RSTs copy whatever arrived); `ack` reads it only when the bit is set.
public struct TCPSegment: Hashable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var seq: SeqNumber
    public var ackNumber: SeqNumber
    public var flags: TCPFlags
    public var window: UInt16
    public var urgentPointer: UInt16
    public var options: [TCPOption]
    public var payload: ArraySlice<UInt8>

    public init(
        sourcePort: UInt16, destinationPort: UInt16, seq: SeqNumber, ackNumber: SeqNumber = SeqNumber(0),
        flags: TCPFlags, window: UInt16 = 0, urgentPointer: UInt16 = 0, options: [TCPOption] = [],
        payload: ArraySlice<UInt8> = []
    ) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.seq = seq
        self.ackNumber = ackNumber
        self.flags = flags
        self.window = window
        self.urgentPointer = urgentPointer
        self.options = options
        self.payload = payload
    }

    /// The acknowledgment number when the ACK bit is set, otherwise `nil`.
    @inlinable public var ack: SeqNumber? { flags.contains(.ack) ? ackNumber : nil }

    /// SEG.LEN: payload octets plus one for SYN and one for FIN (RFC 9293 §3.4).
    @inlinable public var sequenceLength: Int {
        payload.count + (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0)
    }

    /// Returns a copy changed by `change`; handy for segment templates in tests and scripts.
    public func with(_ change: (inout TCPSegment) -> Void) -> TCPSegment {
        var copy = self
        change(&copy)
        return copy
    }

    /// tcpdump-style summary without addresses: `S. seq 1000:1000(0) ack 1 win 2920 <mss 1460,nop,wscale 0>`.
    public var summary: String {
        var text = "\(flags) seq \(seq):\(seq + payload.count)(\(payload.count))"
        if flags.contains(.ack) { text += " ack \(ackNumber)" }
        text += " win \(window)"
        if !options.isEmpty { text += " <" + options.map(\.description).joined(separator: ",") + ">" }
        return text
    }
}

/// A TCP segment together with the IPv4 header that carried it.
public struct TCPPacket: Hashable, Sendable {
    public var ip: IPv4Header
    public var tcp: TCPSegment

    public init(ip: IPv4Header, tcp: TCPSegment) {
        self.ip = ip
        self.tcp = tcp
    }

    public var source: Endpoint { Endpoint(ip.source, tcp.sourcePort) }
    public var destination: Endpoint { Endpoint(ip.destination, tcp.destinationPort) }

    /// tcpdump's line: `192.0.2.1.40000 > 192.0.2.2.80: S. seq … ack … win … <…>, length 0`.
    public var summary: String {
        "\(source) > \(destination): \(tcp.summary), length \(tcp.payload.count)"
    }
}
