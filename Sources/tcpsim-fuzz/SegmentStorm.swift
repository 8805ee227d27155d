import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire

/// The "segment storm": the input is a sequence of segments (and pauses) from a peer to a FreeRTOS device with a
/// REUSE listener on port 3301 and a plain listener (backlog 2) on port 80, whose app accepts, reads, echoes and
/// closes. After the storm the run goes on for 200 s of virtual time so every timer fires. Invariants: each
/// state change starts where the previous one of its socket ended and changes the state; FreeRTOS+TCP never
/// enters FIN_WAIT_2, CLOSING or TIME_WAIT; buffers stay within their sizes; the run ends.
enum SegmentStorm {
    /// Nine bytes a segment: flags, port choice and pause, then seq and ack offsets and window/length.
    static func run(_ bytes: [UInt8]) {
        let network = Network(seed: 1)
        let device = network.addHost("device", address: IPv4Address(192, 0, 2, 2), parameters: .freeRTOS())
        let peer = network.addHost("peer", address: IPv4Address(192, 0, 2, 1))
        peer.isScripted = true
        network.connect(peer, device, delay: .microseconds(100))
        network.livelockCallLimit = 10_000
        startApp(on: device, port: 3301, reuse: true)
        startApp(on: device, port: 80, reuse: false)

        var time = SimInstant.zero + .milliseconds(1)
        var index = 0
        while index + 9 <= bytes.count, index < 9 * 400 {
            let chunk = bytes[index..<(index + 9)]
            index += 9
            let first = chunk[chunk.startIndex], second = chunk[chunk.startIndex + 1]
            let flags = TCPFlags(rawValue: first & 0x1F)
            let port: UInt16 = second & 1 == 0 ? 3301 : 80
            let source: UInt16 = 40000 + UInt16(second >> 1 & 3)
            time += .microseconds(Int(second >> 3) * 250)
            func word(_ at: Int) -> UInt32 {
                chunk[chunk.startIndex + at..<chunk.startIndex + at + 2].reduce(0) { $0 << 8 | UInt32($1) }
            }
            // Sequence numbers near the device's expectations: small offsets from the peer's ISN (1000) and from
            // the device's ISN as the last segment it sent showed it.
            let deviceAck = peer.received.last.map { $0.packet.tcp.seq.rawValue &+ UInt32($0.packet.tcp.payload.count) } ?? 0
            let seq = SeqNumber(1000 &+ word(2) &- 0x100)
            let ack = SeqNumber(deviceAck &+ (word(4) & 0x3FF) &- 0x200)
            let length = Int(chunk[chunk.startIndex + 6] & 0x7F) * (chunk[chunk.startIndex + 6] & 0x80 == 0 ? 1 : 23)
            let window = UInt16(chunk[chunk.startIndex + 7]) << 8 | UInt16(chunk[chunk.startIndex + 8])
            let segment = TCPSegment(sourcePort: source, destinationPort: port, seq: seq, ackNumber: ack, flags: flags,
                                     window: window, options: flags.contains(.syn) ? [.maximumSegmentSize(536)] : [],
                                     payload: [UInt8](repeating: 0x61, count: length)[...])
            network.at(time) { peer.inject(segment, to: IPv4Address(192, 0, 2, 2)) }
        }
        network.run(until: time + .seconds(200))
        check(network, device)
    }

    /// An app per listener: accept, read, echo, close on end of stream or error.
    static func startApp(on device: Host, port: UInt16, reuse: Bool) {
        device.spawn("app:\(port)") {
            var listener = device.rtosSocket()
            device.rtosSetTimeouts(listener, receive: .after(.seconds(5)), send: .after(.seconds(1)))
            if reuse { device.rtosSetOption(listener, .reuseListenSocket(true)) }
            device.rtosBind(listener, port: port)
            device.rtosListen(listener, backlog: reuse ? 1 : 2)
            while true {
                guard case .accepted(let client) = await device.rtosAccept(listener) else {
                    await device.sleep(for: .milliseconds(10))
                    continue
                }
                while true {
                    let (result, bytes) = await device.rtosRecv(client, upTo: 512)
                    if result < 0 { break }
                    if result > 0 { _ = await device.rtosSend(client, bytes) }
                }
                device.rtosCloseSocket(client)
                if client == listener {
                    listener = device.rtosSocket()
                    device.rtosSetTimeouts(listener, receive: .after(.seconds(5)), send: .after(.seconds(1)))
                    device.rtosSetOption(listener, .reuseListenSocket(true))
                    device.rtosBind(listener, port: port)
                    device.rtosListen(listener, backlog: 1)
                }
            }
        }
    }

    static func check(_ network: Network, _ device: Host) {
        var states: [ConnectionID: TCPState] = [:]
        for case .transition(_, "device", let transition) in network.trace {
            // invariant: a state change changes the state, from where the socket was
            precondition(transition.from != transition.to, "transition to the same state: \(transition)")
            if let previous = states[transition.connection] {
                precondition(previous == transition.from, "transition from \(transition.from) after \(previous): \(transition)")
            }
            // invariant: FreeRTOS+TCP tracks closing with flags; these states are never entered
            precondition(![.finWait2, .closing, .timeWait].contains(transition.to), "entered \(transition.to): \(transition)")
            states[transition.connection] = transition.to
        }
        for info in device.stack.netstat() {
            guard let connection = device.stack.connection(of: info.id) else { continue }
            // invariant: buffers stay within their sizes
            precondition(connection.readableCount <= connection.parameters.receiveBufferSize, "receive buffer overflow")
            precondition(connection.sendBuffer.count <= connection.parameters.sendBufferSize, "send buffer overflow")
        }
    }
}
