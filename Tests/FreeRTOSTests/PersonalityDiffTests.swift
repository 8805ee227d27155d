import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire
import Testing

/// The same server app and the same scripted client under both personalities; the transition lists differ
/// exactly where FreeRTOS+TCP departs from RFC 9293.
@Suite("FreeRTOS+TCP against RFC 9293")
struct PersonalityDiffTests {
    enum Personality: String, CustomStringConvertible {
        case freeRTOS, rfc
        var description: String { rawValue }
        var parameters: TCPParameters { self == .freeRTOS ? .freeRTOS() : .rfc9293 }
    }

    enum Closer {
        /// The client closes first; the app reads to the end (FreeRTOS: recv() < 0; RFC: EOF), waits 1 s and
        /// closes.
        case peer
        /// The app shuts down after the client's line; the client ACKs the FIN and closes 200 ms later.
        case device
    }

    /// One run: a device (server on 3301, backlog 1) and a scripted client (port 40001, ISN 1000).
    final class Run: @unchecked Sendable {
        let personality: Personality
        let network = Network(seed: 1)
        let device: Simulation.Host
        let peer: Simulation.Host
        let log = Log()
        var child: SocketID?
        var isn: UInt32 = 0

        init(_ personality: Personality) {
            self.personality = personality
            device = network.addHost("device", address: DeviceBench.device, parameters: personality.parameters)
            peer = network.addHost("peer", address: DeviceBench.peer)
            peer.isScripted = true
            network.connect(peer, device, delay: .microseconds(100))
        }

        var sent: [(time: SimInstant, segment: TCPSegment)] { peer.received.map { ($0.time, $0.packet.tcp) } }

        func inject(at time: SimInstant, _ segment: TCPSegment) {
            network.at(time) { [peer] in peer.inject(segment, to: DeviceBench.device) }
        }

        /// The connection socket's transitions as "from → to" (FreeRTOS names), and with their causes and times.
        var transitions: [StateTransition] {
            network.trace.compactMap {
                if case .transition(_, "device", let transition) = $0, transition.connection.rawValue == child?.rawValue {
                    return transition
                }
                return nil
            }
        }
        var path: [String] { transitions.map { "\($0.from.freeRTOSName) → \($0.to.freeRTOSName)" } }

        func startServer(_ closer: Closer) {
            let device = device, log = log
            switch personality {
            case .freeRTOS:
                device.spawn("server") { [self] in
                    let listener = device.rtosSocket()
                    device.rtosBind(listener, port: 3301)
                    device.rtosListen(listener, backlog: 1)
                    guard case .accepted(let child) = await device.rtosAccept(listener) else { return }
                    self.child = child
                    if closer == .device {
                        log.add(device.now, "recv \(await device.rtosRecv(child, upTo: 100).result)")
                        log.add(device.now, "shutdown \(device.rtosShutdown(child))")
                    }
                    while true {
                        let (result, _) = await device.rtosRecv(child, upTo: 100)
                        log.add(device.now, "recv \(FreeRTOSErrno.name(of: result))")
                        if result < 0 { break }
                    }
                    await device.sleep(for: .seconds(1))
                    log.add(device.now, "close \(device.rtosCloseSocket(child))")
                }
            case .rfc:
                device.spawn("server") { [self] in
                    let listener = device.socket()
                    try device.bind(listener, port: 3301)
                    try device.listen(listener, backlog: 1)
                    let child = try await device.accept(listener)
                    self.child = child
                    if closer == .device {
                        log.add(device.now, "recv \(try await device.recv(child).count)")
                        try device.shutdown(child)
                        log.add(device.now, "shutdown 0")
                    }
                    while true {
                        let bytes = try await device.recv(child)
                        log.add(device.now, "recv \(bytes.count)")
                        if bytes.isEmpty { break }
                    }
                    await device.sleep(for: .seconds(1))
                    try device.close(child)
                    log.add(device.now, "close 0")
                }
            }
        }

        /// The client: handshake at 100 ms, "hello\n" at 200 ms; then FIN at 300 ms (peer closes), or, when the
        /// device closes, an ACK of its FIN on arrival and the client's own FIN 200 ms later. Any FIN from the
        /// device is ACKed on arrival.
        func runClient(_ closer: Closer, until end: SimInstant) {
            inject(at: .ms(100), DeviceBench.segment(seq: 1000, flags: .syn, options: [.maximumSegmentSize(1460)]))
            network.run(until: .ms(101))
            isn = sent.first { $0.segment.flags == [.syn, .ack] }?.segment.seq.rawValue ?? 0
            inject(at: .ms(102), DeviceBench.segment(seq: 1001, ack: isn + 1, flags: .ack))
            inject(at: .ms(200), DeviceBench.segment(seq: 1001, ack: isn + 1, flags: [.psh, .ack],
                                                     payload: Array("hello\n".utf8)))
            if closer == .peer {
                inject(at: .ms(300), DeviceBench.segment(seq: 1007, ack: isn + 1, flags: [.fin, .ack]))
            }
            let hasFin = { [self] in sent.contains { $0.segment.flags.contains(.fin) } }
            if network.run(until: hasFin, limit: end), let fin = sent.first(where: { $0.segment.flags.contains(.fin) }) {
                let peerSeq: UInt32 = closer == .peer ? 1008 : 1007
                let finEnd = fin.segment.seq.rawValue + UInt32(fin.segment.payload.count) + 1
                inject(at: fin.time, DeviceBench.segment(seq: peerSeq, ack: finEnd, flags: .ack))
                if closer == .device {
                    inject(at: fin.time + .milliseconds(200), DeviceBench.segment(seq: 1007, ack: finEnd,
                                                                                  flags: [.fin, .ack]))
                }
            }
            network.run(until: end)
        }
    }

    /// A line diff (longest common subsequence): "  same", "- only in a", "+ only in b".
    static func diff(_ a: [String], _ b: [String]) -> [String] {
        var common = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in a.indices.reversed() {
            for j in b.indices.reversed() {
                common[i][j] = a[i] == b[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
            }
        }
        var lines: [String] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                lines.append("  " + a[i]); i += 1; j += 1
            } else if i < a.count, j == b.count || common[i + 1][j] >= common[i][j + 1] {
                lines.append("- " + a[i]); i += 1
            } else {
                lines.append("+ " + b[j]); j += 1
            }
        }
        return lines
    }

    @Test func whenThePeerClosesFirstFreeRTOSAnswersAtOnceAndTheRFCMachineWaitsForTheApp() throws {
        let freeRTOS = Run(.freeRTOS), rfc = Run(.rfc)
        for run in [freeRTOS, rfc] {
            run.startServer(.peer)
            run.runClient(.peer, until: .s(10))
        }
        #expect(Self.diff(freeRTOS.path, rfc.path) == [
            "- eCLOSED → eSYN_FIRST",
            "- eSYN_FIRST → eSYN_RECEIVED",
            "+ eTCP_LISTEN → eSYN_RECEIVED",
            "  eSYN_RECEIVED → eESTABLISHED",
            "- eESTABLISHED → eLAST_ACK",
            "- eLAST_ACK → eCLOSE_WAIT",
            "+ eESTABLISHED → eCLOSE_WAIT",
            "+ eCLOSE_WAIT → eLAST_ACK",
            "+ eLAST_ACK → eCLOSED",
        ], "\(freeRTOS.path)\n\(rfc.path)")
        let finArrival = SimInstant.ms(300) + .microseconds(100)
        // FreeRTOS: the stack answers the FIN with FIN+ACK while processing it; the app is not asked.
        let lastAck = try #require(freeRTOS.transitions.first { $0.to == .lastAck })
        #expect(lastAck.time == finArrival)
        #expect("\(lastAck.cause)" == "received FIN (FIN+ACK sent at once)")
        let rtosReply = try #require(freeRTOS.sent.first { $0.time > .ms(300) })
        expectSegment(rtosReply.segment, [.fin, .ack], seq: freeRTOS.isn + 1, ack: 1008)
        #expect(rtosReply.time == finArrival + .microseconds(100))
        #expect(freeRTOS.log.all("recv ").map(\.text) == ["recv 6", "recv -pdFREERTOS_ERRNO_ENOTCONN"])
        // RFC 9293: CLOSE-WAIT on the FIN; the FIN leaves only when the app closes, 1 s after its EOF.
        let closeWait = try #require(rfc.transitions.first { $0.to == .closeWait })
        #expect(closeWait.time == finArrival)
        let rfcFin = try #require(rfc.sent.first { $0.segment.flags.contains(.fin) })
        let eof = try #require(rfc.log.first("recv 0"))
        #expect(rfcFin.time == eof.time + .seconds(1) + .microseconds(100))
        let rfcLastAck = try #require(rfc.transitions.first { $0.to == .lastAck })
        #expect(rfcLastAck.time == eof.time + .seconds(1))
    }

    @Test func afterShutdownFreeRTOSStaysInFinWait1AndTheRFCMachineMovesToFinWait2AndTimeWait() throws {
        let freeRTOS = Run(.freeRTOS), rfc = Run(.rfc)
        for run in [freeRTOS, rfc] {
            run.startServer(.device)
            run.runClient(.device, until: .s(300))
        }
        #expect(Self.diff(freeRTOS.path, rfc.path) == [
            "- eCLOSED → eSYN_FIRST",
            "- eSYN_FIRST → eSYN_RECEIVED",
            "+ eTCP_LISTEN → eSYN_RECEIVED",
            "  eSYN_RECEIVED → eESTABLISHED",
            "  eESTABLISHED → eFIN_WAIT_1",
            "- eFIN_WAIT_1 → eCLOSE_WAIT",
            "+ eFIN_WAIT_1 → eFIN_WAIT_2",
            "+ eFIN_WAIT_2 → eTIME_WAIT",
            "+ eTIME_WAIT → eCLOSED",
        ], "\(freeRTOS.path)\n\(rfc.path)")
        // The ACK of the FIN: a state change under RFC 9293 only.
        let rtosFin = try #require(freeRTOS.sent.first { $0.segment.flags.contains(.fin) })
        let rfcFin = try #require(rfc.sent.first { $0.segment.flags.contains(.fin) })
        #expect(freeRTOS.transitions.contains { $0.time == rtosFin.time + .microseconds(100) } == false)
        let finWait2 = try #require(rfc.transitions.first { $0.to == .finWait2 })
        #expect(finWait2.time == rfcFin.time + .microseconds(100))
        // The client's FIN: FreeRTOS ends in eCLOSE_WAIT (dead, no TIME-WAIT); RFC 9293 lingers in TIME-WAIT.
        let clientFin = rtosFin.time + .milliseconds(200) + .microseconds(100)
        let closeWait = try #require(freeRTOS.transitions.last)
        #expect(closeWait.to == .closeWait)
        #expect(closeWait.time == clientFin)
        #expect("\(closeWait.cause)" == "received FIN+ACK of our FIN")
        let timeWait = try #require(rfc.transitions.first { $0.to == .timeWait })
        #expect(timeWait.time == rfcFin.time + .milliseconds(200) + .microseconds(100))
        #expect(freeRTOS.log.all("recv ").map(\.text) == ["recv 6", "recv -pdFREERTOS_ERRNO_ENOTCONN"])
    }
}
