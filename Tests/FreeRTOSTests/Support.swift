import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire
import Testing

/// A FreeRTOS+TCP device and a scripted peer (packetdrill-style: the test writes the peer's segments).
struct DeviceBench {
    static let device = IPv4Address(192, 0, 2, 2)
    static let peer = IPv4Address(192, 0, 2, 1)

    let network: Network
    let device: Simulation.Host
    let peer: Simulation.Host
    let log = Log()

    init(rules: FreeRTOSRules = .defaults, seed: UInt64 = 1, delay: SimDuration = .microseconds(100)) {
        network = Network(seed: seed)
        device = network.addHost("device", address: Self.device, parameters: .freeRTOS(rules))
        peer = network.addHost("peer", address: Self.peer)
        peer.isScripted = true
        network.connect(peer, device, delay: delay)
    }

    /// Sends a segment from the scripted peer at virtual time `time`.
    func inject(at time: SimInstant, _ segment: TCPSegment) {
        network.at(time) { [peer] in peer.inject(segment, to: Self.device) }
    }

    /// A segment from the peer's `port` to the device's `devicePort`.
    static func segment(from port: UInt16 = 40001, to devicePort: UInt16 = 3301, seq: UInt32, ack: UInt32 = 0,
                        flags: TCPFlags, payload: [UInt8] = [], window: UInt16 = 64240,
                        options: [TCPOption] = []) -> TCPSegment {
        TCPSegment(sourcePort: port, destinationPort: devicePort, seq: SeqNumber(seq), ackNumber: SeqNumber(ack),
                   flags: flags, window: window, options: options, payload: payload[...])
    }

    /// What the device sent to the peer, with times.
    var sent: [(time: SimInstant, segment: TCPSegment)] { peer.received.map { ($0.time, $0.packet.tcp) } }

    /// Device transitions of one socket.
    func transitions(of socket: SocketID) -> [StateTransition] {
        network.trace.compactMap {
            if case .transition(_, "device", let transition) = $0, transition.connection.rawValue == socket.rawValue {
                return transition
            }
            return nil
        }
    }
}

/// Lines written by app tasks (all on the simulation's thread).
final class Log: @unchecked Sendable {
    private(set) var entries: [(time: SimInstant, text: String)] = []
    func add(_ time: SimInstant, _ text: String) { entries.append((time, text)) }
    func first(_ prefix: String) -> (time: SimInstant, text: String)? { entries.first { $0.text.hasPrefix(prefix) } }
    func all(_ prefix: String) -> [(time: SimInstant, text: String)] { entries.filter { $0.text.hasPrefix(prefix) } }
}

extension SimInstant {
    static func ms(_ milliseconds: Int) -> SimInstant { .zero + .milliseconds(milliseconds) }
}
