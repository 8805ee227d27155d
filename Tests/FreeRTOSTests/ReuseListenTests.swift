import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire
import Testing

/// the FreeRTOS+TCP model, §2.5, notes B.2 step 5, F.4: FREERTOS_SO_REUSE_LISTEN_SOCKET — the listening
/// socket becomes the connection.
@Suite("REUSE_LISTEN sockets")
struct ReuseListenTests {
    @Test func acceptReturnsTheListeningSocketItselfOnce() {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        bench.handshake(seq: 1000, at: .ms(100))
        #expect(bench.accept(socket) == .accepted(socket))
        #expect(bench.accept(socket) == .nothing, "bPassAccept was cleared by the first accept")
        #expect(bench.state(socket) == .established)
        #expect(bench.path(of: socket) == [
            "eCLOSED → eTCP_LISTEN (FreeRTOS_listen())",
            "eTCP_LISTEN → eSYN_FIRST (received SYN)",
            "eSYN_FIRST → eSYN_RECEIVED (received SYN (SYN+ACK sent))",
            "eSYN_RECEIVED → eESTABLISHED (received ACK of SYN+ACK)",
        ])
    }

    @Test func otherClientsSynsAreResetWhileTheSocketIsInTheHandshakeOrConnected() {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        bench.inject(at: .ms(100), DeviceBench.segment(from: 40001, seq: 1000, flags: .syn))
        bench.inject(at: .ms(150), DeviceBench.segment(from: 40002, seq: 2000, flags: .syn, window: 64240))
        bench.network.run(until: .ms(200))
        #expect(bench.state(socket) == .synReceived)
        expectSegment(bench.sent(to: 40002).first?.segment, [.rst, .ack], seq: 0, ack: 2001, window: 64240)
        bench.handshake(from: 40001, seq: 1000, at: .ms(300))
        #expect(bench.accept(socket) == .accepted(socket))
        bench.inject(at: .ms(400), DeviceBench.segment(from: 40003, seq: 3000, flags: .syn, window: 64240))
        bench.network.run(until: .ms(500))
        expectSegment(bench.sent(to: 40003).first?.segment, [.rst, .ack], seq: 0, ack: 3001, window: 64240)
        #expect(bench.state(socket) == .established)
    }

    @Test func aFailedHandshakeListensAgainAtTheNextCycleAfterHangProtection() throws {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        bench.inject(at: .ms(100), DeviceBench.segment(from: 40001, seq: 1000, flags: .syn))
        bench.network.run(until: .s(60))
        // Nothing but the SYN+ACK: no SYN+ACK retransmission, no RST when it gives up.
        #expect(bench.sent.map(\.segment.flags) == [[.syn, .ack]])
        let transitions = bench.transitions(of: socket)
        let hang = try #require(transitions.first { $0.to == .closeWait })
        #expect(hang.from == .synReceived)
        #expect("\(hang.cause)".hasPrefix("hang protection"))
        // Armed by the RX path at the SYN: wake-ups 20 s and 40 s later (less up to one timer period, since
        // the first countdown also counts the ticks before it was armed), so after 30 s and at most 40 s.
        let age = hang.time - .ms(100)
        #expect(age > .seconds(39) && age <= .seconds(40), "hang protection after \(age)")
        #expect(bench.path(of: socket).suffix(3) == [
            "eSYN_RECEIVED → eCLOSE_WAIT (hang protection, ipconfigTCP_HANG_PROTECTION_TIME=30 s on the 20 s wake-up grid)",
            "eCLOSE_WAIT → eCLOSED (failed handshake of a REUSE socket)",
            "eCLOSED → eTCP_LISTEN (FreeRTOS_listen())",
        ])
        let relisten = try #require(transitions.last)
        #expect(relisten.to == .listen)
        #expect(relisten.time - hang.time <= .milliseconds(1), "at the next IP-task cycle")
        // The next client is accepted.
        bench.handshake(from: 40002, seq: 2000, at: .s(61))
        #expect(bench.accept(socket) == .accepted(socket))
        #expect(bench.device.stack.connection(of: socket)?.remote.port == 40002)
    }

    @Test func aResetInTheHandshakeLeavesItClosedWithoutListeningAgain() throws {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        bench.inject(at: .ms(100), DeviceBench.segment(from: 40001, seq: 1000, flags: .syn))
        bench.inject(at: .ms(200), DeviceBench.segment(from: 40001, seq: 1001, flags: .rst))
        bench.network.run(until: .s(60))
        #expect(bench.state(socket) == .closed)
        #expect(bench.path(of: socket).last == "eSYN_RECEIVED → eCLOSED (received RST)")
        // Nobody listens: a new client gets RST|ACK.
        bench.inject(at: .s(61), DeviceBench.segment(from: 40002, seq: 2000, flags: .syn, window: 64240))
        bench.network.run(until: .s(62))
        expectSegment(bench.sent(to: 40002).first?.segment, [.rst, .ack], seq: 0, ack: 2001, window: 64240)
        // The app may listen again from eCLOSED.
        #expect(bench.device.rtosListen(socket, backlog: 1) == 0)
        bench.handshake(from: 40002, seq: 3000, at: .s(63))
        #expect(bench.accept(socket) == .accepted(socket))
    }

    @Test func listenIsAllowedAgainFromCloseWait() throws {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        let isn = bench.handshake(seq: 1000, at: .ms(100))
        #expect(bench.accept(socket) == .accepted(socket))
        bench.inject(at: .ms(200), DeviceBench.segment(seq: 1001, ack: isn + 1, flags: [.fin, .ack]))
        bench.inject(at: .ms(201), DeviceBench.segment(seq: 1002, ack: isn + 2, flags: .ack))
        bench.network.run(until: .ms(300))
        #expect(bench.state(socket) == .closeWait)
        #expect(bench.device.rtosListen(socket, backlog: 1) == 0)
        #expect(bench.state(socket) == .listen)
        // A fresh connection on the same socket: streams and flags start afresh (the peer's FIN is answered
        // with FIN+ACK again, not taken for the old one).
        let isn2 = bench.handshake(from: 40002, seq: 5000, at: .ms(400))
        #expect(bench.accept(socket) == .accepted(socket))
        bench.inject(at: .ms(500), DeviceBench.segment(from: 40002, seq: 5001, ack: isn2 + 1, flags: [.fin, .ack]))
        bench.network.run(until: .ms(600))
        expectSegment(bench.sent(to: 40002, after: .ms(500)).first?.segment, [.fin, .ack], seq: isn2 + 1, ack: 5002)
        #expect(bench.state(socket) == .lastAck)
    }

    @Test func listenIsRefusedInFinWait1() {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        let isn = bench.handshake(seq: 1000, at: .ms(100))
        #expect(bench.accept(socket) == .accepted(socket))
        #expect(bench.device.rtosShutdown(socket) == 0)
        bench.inject(at: .ms(200), DeviceBench.segment(seq: 1001, ack: isn + 2, flags: .ack))
        bench.network.run(until: .ms(300))
        #expect(bench.state(socket) == .finWait1)
        #expect(bench.device.rtosListen(socket, backlog: 1) == FreeRTOSErrno.EOPNOTSUPP.returnValue)
        #expect(bench.state(socket) == .finWait1)
    }

    @Test func aFreshSocketCannotBindThePortWhileTheOldOneExists() {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        let isn = bench.handshake(seq: 1000, at: .ms(100))
        #expect(bench.accept(socket) == .accepted(socket))
        let fresh = bench.device.rtosSocket()
        #expect(bench.device.rtosBind(fresh, port: 3301) == FreeRTOSErrno.EINVAL.returnValue, "connected")
        bench.inject(at: .ms(200), DeviceBench.segment(seq: 1001, ack: isn + 1, flags: [.fin, .ack]))
        bench.inject(at: .ms(201), DeviceBench.segment(seq: 1002, ack: isn + 2, flags: .ack))
        bench.network.run(until: .ms(300))
        #expect(bench.state(socket) == .closeWait)
        #expect(bench.device.rtosBind(fresh, port: 3301) == FreeRTOSErrno.EINVAL.returnValue, "dead, not closed")
        #expect(bench.device.rtosCloseSocket(socket) == 1)
        #expect(bench.device.rtosBind(fresh, port: 3301) == 0)
        #expect(bench.device.rtosListen(fresh, backlog: 1) == 0)
    }
}
