import SimClock
import TCPWire

/// Which way a frame crosses a two-ended link.
public enum LinkDirection: String, Hashable, Sendable {
    /// From the link's first endpoint to its second.
    case forward
    /// From the second endpoint to the first.
    case backward
}

/// One IPv4 packet on its way across a link, with the time it is at the current stage.
///
/// A frame holds the packet as a value or as bytes, and encodes it only when a stage asks for `bytes` (a pcap
/// recorder, a corrupting fault): a link with no such stage never serialises, and the receiver never parses.
public struct Frame: Sendable {
    private enum Storage: Sendable {
        case packet(TCPPacket)
        case bytes([UInt8])
    }

    private var storage: Storage
    public var time: SimInstant
    public var direction: LinkDirection

    public init(bytes: [UInt8], time: SimInstant, direction: LinkDirection) {
        storage = .bytes(bytes)
        self.time = time
        self.direction = direction
    }

    public init(packet: TCPPacket, time: SimInstant, direction: LinkDirection) {
        storage = .packet(packet)
        self.time = time
        self.direction = direction
    }

    /// The IPv4 datagram on the wire; setting it (e.g. corrupting a byte) replaces the packet value.
    public var bytes: [UInt8] {
        get {
            switch storage {
            case .bytes(let bytes): bytes
            case .packet(let packet): packet.encoded()
            }
        }
        set { storage = .bytes(newValue) }
    }

    /// The packet as a value when it has not been turned into bytes (so it needs no parsing).
    public var packet: TCPPacket? {
        if case .packet(let packet) = storage { return packet }
        return nil
    }

    /// The packet, parsed from the bytes if need be (`nil` if they do not parse).
    public var parsedPacket: TCPPacket? {
        switch storage {
        case .packet(let packet): packet
        case .bytes(let bytes): try? TCPPacket(parsing: bytes[...])
        }
    }

    /// Turns a packet value into bytes once, so later stages and the receiver see the same bytes.
    public mutating func encode() {
        if case .packet(let packet) = storage { storage = .bytes(packet.encoded()) }
    }
}

/// Middleware on a link: takes a frame and emits zero or more frames (dropped, passed, delayed, duplicated).
///
/// Stages compose like smoltcp's `phy` wrappers: a link runs its stages in order, each on what the previous
/// one emitted.
public protocol LinkStage: AnyObject {
    func process(_ frame: Frame, emit: (Frame) -> Void)
}

/// A point-to-point link between two stacks in virtual time, with a one-way delay and a chain of stages.
public final class InMemoryLink {
    public let name: String
    public var delay: SimDuration
    public var stages: [LinkStage]
    /// Frames that left the last stage, per direction (for statistics).
    public private(set) var delivered: [LinkDirection: Int] = [:]

    public init(name: String, delay: SimDuration, stages: [LinkStage] = []) {
        self.name = name
        self.delay = delay
        self.stages = stages
    }

    /// Runs `frame` through the stages and hands each frame that survives to `deliver`, with its arrival time.
    public func transmit(_ frame: Frame, deliver: (Frame) -> Void) {
        run(frame, from: 0, deliver: deliver)
    }

    private func run(_ frame: Frame, from stage: Int, deliver: (Frame) -> Void) {
        guard stage < stages.count else {
            var arriving = frame
            arriving.time += delay
            delivered[frame.direction, default: 0] += 1
            deliver(arriving)
            return
        }
        stages[stage].process(frame) { run($0, from: stage + 1, deliver: deliver) }
    }
}

/// Records every frame that passes into a `PacketSink` (a pcap file), at the frame's time.
public final class PcapRecorder: LinkStage {
    public let sink: PacketSink

    public init(sink: PacketSink) { self.sink = sink }

    public func process(_ frame: Frame, emit: (Frame) -> Void) {
        var encoded = frame
        encoded.encode()
        sink.record(encoded.bytes, at: frame.time)
        emit(encoded)
    }
}

/// Calls `observe` for every frame that passes (for traces and tests).
public final class Tracer: LinkStage {
    public let observe: (Frame) -> Void

    public init(_ observe: @escaping (Frame) -> Void) { self.observe = observe }

    public func process(_ frame: Frame, emit: (Frame) -> Void) {
        observe(frame)
        emit(frame)
    }
}

/// A `PacketSink` that keeps packets in memory.
public final class PacketBuffer: PacketSink {
    public private(set) var packets: [(bytes: [UInt8], time: SimInstant)] = []
    public init() {}
    public func record(_ packet: [UInt8], at time: SimInstant) { packets.append((packet, time)) }
}
