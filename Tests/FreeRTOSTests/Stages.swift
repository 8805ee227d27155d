import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire
import Testing

/// Connection states reached by driving real segments against a REUSE socket on 3301 (peer 40001, peer ISN
/// 1000). Named after the state the device socket ends in.
enum Stage: String, CaseIterable, CustomStringConvertible, Sendable {
    /// SYN received, SYN+ACK sent, no ACK yet.
    case synReceived
    /// Handshake done and accepted.
    case established
    /// `FreeRTOS_shutdown()`: FIN sent at 200 ms, ACKed by the peer at 201 ms.
    case finWait1
    /// The peer's FIN at 200 ms, answered at once with FIN+ACK; not ACKed yet.
    case lastAck

    var description: String { rawValue }

    var state: TCPState {
        switch self {
        case .synReceived: .synReceived
        case .established: .established
        case .finWait1: .finWait1
        case .lastAck: .lastAck
        }
    }

    /// What a stage left behind: the socket, the device's ISN, RCV.NXT, the seq the device writes into the
    /// next socket-built segment (FreeRTOS `ulOurSequenceNumber`), and when the device last accepted a segment.
    struct Reached {
        var socket: SocketID
        var isn: UInt32
        var receiveNext: UInt32
        var ourSeq: UInt32
        var lastTouch: SimInstant
    }

    /// Drives a fresh REUSE socket to this stage; the clock stands at 300 ms afterwards.
    func drive(_ bench: DeviceBench) -> Reached {
        let socket = bench.reuseListener()
        let arrival = SimDuration.microseconds(100)
        switch self {
        case .synReceived:
            bench.inject(at: .ms(100), DeviceBench.segment(seq: 1000, flags: .syn))
            bench.network.run(until: .ms(300))
            let isn = bench.sent(to: 40001).first?.segment.seq.rawValue ?? 0
            // ⚠ The SYN+ACK leaves with ulOurSequenceNumber = ISN, and it stays there until the ACK.
            return Reached(socket: socket, isn: isn, receiveNext: 1001, ourSeq: isn, lastTouch: .ms(100) + arrival)
        case .established:
            let isn = bench.handshake(seq: 1000, at: .ms(100))
            _ = bench.accept(socket)
            bench.network.run(until: .ms(300))
            return Reached(socket: socket, isn: isn, receiveNext: 1001, ourSeq: isn + 1,
                           lastTouch: .ms(102) + arrival)
        case .finWait1:
            let isn = bench.handshake(seq: 1000, at: .ms(100))
            _ = bench.accept(socket)
            bench.network.run(until: .ms(200))
            _ = bench.device.rtosShutdown(socket)
            bench.inject(at: .ms(201), DeviceBench.segment(seq: 1001, ack: isn + 2, flags: .ack))
            bench.network.run(until: .ms(300))
            // The ACK of our FIN moves ulOurSequenceNumber past it (prvTCPHandleFin()).
            return Reached(socket: socket, isn: isn, receiveNext: 1001, ourSeq: isn + 2,
                           lastTouch: .ms(201) + arrival)
        case .lastAck:
            let isn = bench.handshake(seq: 1000, at: .ms(100))
            _ = bench.accept(socket)
            bench.inject(at: .ms(200), DeviceBench.segment(seq: 1001, ack: isn + 1, flags: [.fin, .ack]))
            bench.network.run(until: .ms(300))
            // Our FIN is not acknowledged yet: ulOurSequenceNumber = FINseq (prvTCPHandleFin()).
            return Reached(socket: socket, isn: isn, receiveNext: 1002, ourSeq: isn + 1,
                           lastTouch: .ms(200) + arrival)
        }
    }
}
