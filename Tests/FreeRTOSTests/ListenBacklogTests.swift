import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire
import Testing

/// the FreeRTOS+TCP model–§3.3, notes A.8/B.6/F.3: a listener without REUSE_LISTEN, its backlog
/// (`usChildCount` counts every live child until `FreeRTOS_closesocket()`), and `FreeRTOS_accept()`.
@Suite("listen and backlog (non-REUSE)")
struct ListenBacklogTests {
    @Test func aSecondClientsSynWhileTheFirstChildLivesIsAnsweredWithRstAck() {
        let bench = DeviceBench()
        let listener = bench.listener(backlog: 1)
        bench.handshake(from: 40001, seq: 1000, at: .ms(100))
        #expect(bench.device.stack.childCount(of: listener) == 1)
        // The SYN's ACK field is not zero here, to show where the RST's seq comes from.
        bench.inject(at: .ms(200), DeviceBench.segment(from: 40002, seq: 5000, ack: 0x1234, flags: .syn,
                                                       window: 64240, options: [.maximumSegmentSize(1460)]))
        bench.network.run(until: .ms(300))
        let replies = bench.sent(to: 40002)
        #expect(replies.count == 1)
        expectSegment(replies.first?.segment, [.rst, .ack], seq: 0x1234, ack: 5001, window: 64240)
        #expect(replies.first?.segment.options.isEmpty == true)
        #expect(bench.device.stack.childCount(of: listener) == 1)
    }

    @Test func aChildInCloseWaitHoldsItsBacklogSlotUntilClosesocket() throws {
        let bench = DeviceBench()
        let listener = bench.listener(backlog: 1)
        let isn = bench.handshake(from: 40001, seq: 1000, at: .ms(100))
        guard case .accepted(let child) = bench.accept(listener) else {
            Issue.record("no child to accept")
            return
        }
        // The peer closes: FIN+ACK at once, its ACK → eCLOSE_WAIT (dead, waiting for the app).
        bench.inject(at: .ms(200), DeviceBench.segment(seq: 1001, ack: isn + 1, flags: [.fin, .ack]))
        bench.inject(at: .ms(201), DeviceBench.segment(seq: 1002, ack: isn + 2, flags: .ack))
        bench.network.run(until: .ms(300))
        #expect(bench.state(child) == .closeWait)
        #expect(bench.device.stack.childCount(of: listener) == 1)
        // The dead child still counts: a new client is refused.
        bench.inject(at: .ms(400), DeviceBench.segment(from: 40002, seq: 5000, flags: .syn))
        bench.network.run(until: .ms(500))
        expectSegment(bench.sent(to: 40002).last?.segment, [.rst, .ack], seq: 0, ack: 5001, window: 64240)
        // closesocket() gives the slot back; the client's next SYN is accepted.
        #expect(bench.device.rtosCloseSocket(child) == 1)
        #expect(bench.device.stack.childCount(of: listener) == 0)
        bench.inject(at: .ms(600), DeviceBench.segment(from: 40002, seq: 6000, flags: .syn))
        bench.network.run(until: .ms(700))
        let synAck = try #require(bench.sent(to: 40002, after: .ms(600)).first)
        #expect(synAck.segment.flags == [.syn, .ack])
        #expect(synAck.segment.ackNumber.rawValue == 6001)
        #expect(bench.device.stack.childCount(of: listener) == 1)
    }

    @Test func backlogZeroRefusesEverySyn() {
        let bench = DeviceBench()
        let listener = bench.listener(backlog: 0)
        bench.inject(at: .ms(100), DeviceBench.segment(from: 40001, seq: 1000, flags: .syn))
        bench.inject(at: .ms(200), DeviceBench.segment(from: 40002, seq: 2000, flags: .syn))
        bench.network.run(until: .ms(300))
        expectSegment(bench.sent(to: 40001).first?.segment, [.rst, .ack], seq: 0, ack: 1001, window: 64240)
        expectSegment(bench.sent(to: 40002).first?.segment, [.rst, .ack], seq: 0, ack: 2001, window: 64240)
        #expect(bench.sent.count == 2)
        #expect(bench.device.stack.childCount(of: listener) == 0)
        #expect(bench.state(listener) == .listen)
    }

    @Test func closingTheListenerClosesItsUnownedChildrenButNotTheAcceptedOne() throws {
        let bench = DeviceBench()
        let listener = bench.listener(backlog: 3)
        // A: accepted. B: established, not accepted. C: half-open.
        let isnA = bench.handshake(from: 40001, seq: 1000, at: .ms(100))
        guard case .accepted(let a) = bench.accept(listener) else {
            Issue.record("A was not accepted")
            return
        }
        let isnB = bench.handshake(from: 40002, seq: 2000, at: .ms(200))
        bench.inject(at: .ms(300), DeviceBench.segment(from: 40003, seq: 3000, flags: .syn))
        bench.network.run(until: .ms(400))
        let synAckC = try #require(bench.sent(to: 40003).first?.segment)
        #expect(bench.device.stack.childCount(of: listener) == 3)
        let before = bench.sent.count
        #expect(bench.device.rtosCloseSocket(listener) == 1)
        bench.network.run(until: .ms(500))
        #expect(bench.sent.count == before, "closesocket() sends nothing")
        #expect(bench.state(a) == .established)
        #expect(bench.device.stack.exists(a))
        #expect(bench.device.stack.netstat().count == 1, "B and C are gone: \(bench.device.stack.netstat())")
        // B's data now finds no socket: RST|ACK. C's ACK finds none: a bare ACK gets no reply (§4).
        bench.inject(at: .ms(600), DeviceBench.segment(from: 40002, seq: 2001, ack: isnB + 1, flags: [.psh, .ack],
                                                       payload: Array("b\n".utf8)))
        bench.inject(at: .ms(610), DeviceBench.segment(from: 40003, seq: 3001, ack: synAckC.seq.rawValue + 1,
                                                       flags: .ack))
        // A still works.
        bench.inject(at: .ms(620), DeviceBench.segment(from: 40001, seq: 1001, ack: isnA + 1, flags: [.psh, .ack],
                                                       payload: Array("a\n".utf8)))
        bench.network.run(until: .ms(700))
        expectSegment(bench.sent(to: 40002, after: .ms(600)).first?.segment, [.rst, .ack], seq: isnB + 1,
                      ack: 2001, window: 64240)
        #expect(bench.sent(to: 40003, after: .ms(600)).isEmpty)
        expectSegment(bench.sent(to: 40001, after: .ms(620)).first?.segment, .ack, seq: isnA + 1, ack: 1003,
                      window: 2920)
        // The accepted child keeps the port bound: no new listener can bind it.
        let fresh = bench.device.rtosSocket()
        #expect(bench.device.rtosBind(fresh, port: 3301) == FreeRTOSErrno.EINVAL.returnValue)
    }

    @Test func acceptReturnsOneEstablishedChildAtATime() {
        let bench = DeviceBench()
        let listener = bench.listener(backlog: 3)
        bench.handshake(from: 40001, seq: 1000, at: .ms(100))
        bench.handshake(from: 40002, seq: 2000, at: .ms(200))
        let first = bench.accept(listener)
        let second = bench.accept(listener)
        let third = bench.accept(listener)
        guard case .accepted(let a) = first, case .accepted(let b) = second else {
            Issue.record("accept: \(String(describing: first)), \(String(describing: second))")
            return
        }
        #expect(bench.device.stack.connection(of: a)?.remote.port == 40001)
        #expect(bench.device.stack.connection(of: b)?.remote.port == 40002)
        #expect(third == .nothing, "NULL: no third child")
    }

    /// ⚠ The listener's single pending pointer takes the first half-open child; an established sibling is
    /// invisible until that one completes (notes A.8, B.6).
    @Test func anEstablishedChildWaitsBehindTheHalfOpenOneHoldingThePendingPointer() throws {
        let bench = DeviceBench()
        let listener = bench.listener(backlog: 3)
        bench.inject(at: .ms(100), DeviceBench.segment(from: 40001, seq: 1000, flags: .syn))
        bench.network.run(until: .ms(150))
        let synAckA = try #require(bench.sent(to: 40001).first?.segment)
        bench.handshake(from: 40002, seq: 2000, at: .ms(200))
        #expect(bench.accept(listener) == .nothing, "B is established but A holds the pointer")
        bench.inject(at: .ms(300), DeviceBench.segment(from: 40001, seq: 1001, ack: synAckA.seq.rawValue + 1,
                                                       flags: .ack))
        bench.network.run(until: .ms(400))
        guard case .accepted(let a) = bench.accept(listener), case .accepted(let b) = bench.accept(listener) else {
            Issue.record("A then B expected")
            return
        }
        #expect(bench.device.stack.connection(of: a)?.remote.port == 40001)
        #expect(bench.device.stack.connection(of: b)?.remote.port == 40002)
    }

    /// ⚠ If the half-open child holding the pointer dies, nothing re-scans: the established sibling stays
    /// invisible until another child connects and is accepted (notes B.6).
    @Test func anEstablishedChildStaysInvisibleWhenTheHalfOpenOneDies() throws {
        let bench = DeviceBench()
        let listener = bench.listener(backlog: 3)
        bench.inject(at: .ms(100), DeviceBench.segment(from: 40001, seq: 1000, flags: .syn))
        bench.handshake(from: 40002, seq: 2000, at: .ms(200))
        bench.inject(at: .ms(300), DeviceBench.segment(from: 40001, seq: 1001, flags: .rst))
        bench.network.run(until: .ms(400))
        #expect(bench.device.stack.childCount(of: listener) == 1, "A was freed")
        #expect(bench.accept(listener) == .nothing)
        bench.handshake(from: 40003, seq: 3000, at: .ms(500))
        guard case .accepted(let c) = bench.accept(listener), case .accepted(let b) = bench.accept(listener) else {
            Issue.record("C then B expected")
            return
        }
        #expect(bench.device.stack.connection(of: c)?.remote.port == 40003)
        #expect(bench.device.stack.connection(of: b)?.remote.port == 40002)
    }

    /// ⚠ The exact 4-tuple match wins even when that socket is dead (notes B.1 step 3): a client reconnecting
    /// from the same port while its old child waits in eCLOSE_WAIT gets RST although the listener has room.
    @Test func aDeadChildHidesTheListenerFromAReconnectFromTheSamePort() {
        let bench = DeviceBench()
        let listener = bench.listener(backlog: 2)
        let isn = bench.handshake(from: 40001, seq: 1000, at: .ms(100))
        guard case .accepted(let child) = bench.accept(listener) else {
            Issue.record("no child")
            return
        }
        bench.inject(at: .ms(200), DeviceBench.segment(seq: 1001, ack: isn + 1, flags: [.fin, .ack]))
        bench.inject(at: .ms(201), DeviceBench.segment(seq: 1002, ack: isn + 2, flags: .ack))
        bench.network.run(until: .ms(300))
        #expect(bench.state(child) == .closeWait)
        bench.inject(at: .ms(400), DeviceBench.segment(from: 40001, seq: 9000, flags: .syn, window: 64240))
        bench.network.run(until: .ms(500))
        expectSegment(bench.sent(to: 40001, after: .ms(400)).first?.segment, [.rst, .ack], seq: 0, ack: 9001,
                      window: 64240)
        #expect(bench.device.stack.childCount(of: listener) == 1)
        // Once the app closes the dead child, the same reconnect reaches the listener.
        #expect(bench.device.rtosCloseSocket(child) == 1)
        bench.inject(at: .ms(600), DeviceBench.segment(from: 40001, seq: 9500, flags: .syn))
        bench.network.run(until: .ms(700))
        #expect(bench.sent(to: 40001, after: .ms(600)).first?.segment.flags == [.syn, .ack])
    }

    @Test func bindingAPortInUseReturnsEinval() {
        let bench = DeviceBench()
        let first = bench.device.rtosSocket()
        let second = bench.device.rtosSocket()
        #expect(bench.device.rtosBind(first, port: 3301) == 0)
        #expect(bench.device.rtosBind(second, port: 3301) == FreeRTOSErrno.EINVAL.returnValue)
        #expect(bench.device.rtosBind(first, port: 3302) == FreeRTOSErrno.EINVAL.returnValue, "already bound")
        #expect(bench.device.rtosCloseSocket(first) == 1)
        #expect(bench.device.rtosBind(second, port: 3301) == 0)
    }
}
