import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire
import Testing

/// the FreeRTOS+TCP model and notes F.10: `FreeRTOS_select()` is level-triggered (`vSocketSelectTCP()`),
/// woken early only by events, and evaluates once more when its time is up.
@Suite("select")
struct SelectTests {
    /// Starts `FreeRTOS_select(set, timeout)` now; its result is logged as "select BITS".
    static func select(_ bench: DeviceBench, _ set: FreeRTOSSocketSet, timeout: BlockTime) {
        bench.start("select") { [device = bench.device] in "\(await device.rtosSelect(set, timeout: timeout))" }
    }

    @Test func aListenerIsReadableWhenAChildIsReadyToAccept() throws {
        let bench = DeviceBench()
        let listener = bench.listener(backlog: 2)
        let set = bench.device.rtosCreateSocketSet()
        bench.device.rtosFDSet(listener, set, [.read, .except])
        Self.select(bench, set, timeout: .forever)
        bench.inject(at: .ms(100), DeviceBench.segment(seq: 1000, flags: .syn))
        bench.network.run(until: .ms(150))
        #expect(bench.log.first("select") == nil, "a half-open child is not ready")
        bench.handshake(seq: 1000, at: .ms(200))
        let select = try #require(bench.log.first("select"))
        #expect(select.text == "select READ")
        #expect(select.time == .ms(202) + .microseconds(100), "at the handshake's ACK")
        #expect(bench.device.rtosFDIsSet(listener, set) == .read)
        guard case .accepted = bench.accept(listener) else {
            Issue.record("no child")
            return
        }
        #expect(bench.device.rtosFDIsSet(listener, set) == [], "accepted: no longer readable")
    }

    @Test func aReuseSocketIsReadableWhenConnectedUntilAccepted() throws {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        let set = bench.device.rtosCreateSocketSet()
        bench.device.rtosFDSet(socket, set, [.read, .except])
        Self.select(bench, set, timeout: .forever)
        let isn = bench.handshake(seq: 1000, at: .ms(100))
        let select = try #require(bench.log.first("select"))
        #expect(select.text == "select READ")
        #expect(select.time == .ms(102) + .microseconds(100))
        #expect(bench.accept(socket) == .accepted(socket))
        // Accepted, nothing buffered: no READ until data arrives.
        Self.select(bench, set, timeout: .forever)
        bench.inject(at: .ms(500), DeviceBench.segment(seq: 1001, ack: isn + 1, flags: [.psh, .ack],
                                                       payload: Array("hi\n".utf8)))
        bench.network.run(until: .s(1))
        let data = try #require(bench.log.all("select").dropFirst().first)
        #expect(data.text == "select READ")
        #expect(data.time == .ms(500) + .microseconds(100))
    }

    @Test func anAcceptedChildInheritsTheListenersSetAndReportsData() throws {
        let bench = DeviceBench()
        let listener = bench.listener(backlog: 1)
        let set = bench.device.rtosCreateSocketSet()
        bench.device.rtosFDSet(listener, set, .read)
        let isn = bench.handshake(seq: 1000, at: .ms(100))
        guard case .accepted(let child) = bench.accept(listener) else {
            Issue.record("no child")
            return
        }
        // prvTCPSocketCopy(): the child joins the set with the listener's mask | READ | EXCEPT.
        Self.select(bench, set, timeout: .forever)
        bench.inject(at: .ms(300), DeviceBench.segment(seq: 1001, ack: isn + 1, flags: [.psh, .ack],
                                                       payload: Array("hi\n".utf8)))
        bench.network.run(until: .s(1))
        let select = try #require(bench.log.first("select"))
        #expect(select.text == "select READ")
        #expect(select.time == .ms(300) + .microseconds(100))
        #expect(bench.device.rtosFDIsSet(child, set) == .read)
        #expect(bench.device.rtosFDIsSet(listener, set) == [])
    }

    /// A FIN raises nothing by itself: neither while the socket goes eFIN_WAIT_1 → eLAST_ACK (a FIN that
    /// does not ACK ours) nor until the close completes; then EXCEPT alone, no READ.
    @Test func aFinAloneRaisesNothingUntilCloseWaitAndThenOnlyExcept() throws {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        let isn = bench.handshake(seq: 1000, at: .ms(100))
        #expect(bench.accept(socket) == .accepted(socket))
        let set = bench.device.rtosCreateSocketSet()
        bench.device.rtosFDSet(socket, set, [.read, .except])
        bench.network.run(until: .ms(200))
        #expect(bench.device.rtosShutdown(socket) == 0)
        Self.select(bench, set, timeout: .after(.seconds(2)))
        // The peer's FIN crosses ours: it does not ACK our FIN.
        bench.inject(at: .ms(300), DeviceBench.segment(seq: 1001, ack: isn + 1, flags: [.fin, .ack]))
        bench.network.run(until: .ms(400))
        #expect(bench.state(socket) == .lastAck)
        bench.network.run(until: .s(3))
        let quiet = try #require(bench.log.first("select"))
        #expect(quiet.text == "select 0")
        #expect(quiet.time == .ms(2200))
        Self.select(bench, set, timeout: .forever)
        bench.inject(at: .s(4), DeviceBench.segment(seq: 1002, ack: isn + 2, flags: .ack))
        bench.network.run(until: .s(5))
        #expect(bench.state(socket) == .closeWait)
        let except = try #require(bench.log.all("select").dropFirst().first)
        #expect(except.text == "select EXCEPT")
        #expect(except.time == .s(4) + .microseconds(100))
    }

    @Test func aFinThatAcksOursEndsFinWait1WithExceptAndNoRead() throws {
        let bench = DeviceBench()
        let reached = Stage.finWait1.drive(bench)
        let set = bench.device.rtosCreateSocketSet()
        bench.device.rtosFDSet(reached.socket, set, [.read, .except])
        Self.select(bench, set, timeout: .forever)
        bench.network.run(until: .s(5))
        #expect(bench.log.first("select") == nil, "eFIN_WAIT_1 with our FIN ACKed: nothing to report")
        bench.inject(at: .s(5), DeviceBench.segment(seq: 1001, ack: reached.isn + 2, flags: [.fin, .ack]))
        bench.network.run(until: .s(6))
        expectSegment(bench.sent(to: 40001, after: .s(5)).first?.segment, .ack, seq: reached.isn + 2, ack: 1002)
        let select = try #require(bench.log.first("select"))
        #expect(select.text == "select EXCEPT")
        #expect(select.time == .s(5) + .microseconds(100))
        #expect(bench.path(of: reached.socket).last == "eFIN_WAIT_1 → eCLOSE_WAIT (received FIN+ACK of our FIN)")
    }

    @Test func aResetRaisesExceptAtOnce() throws {
        let bench = DeviceBench()
        let reached = Stage.established.drive(bench)
        let set = bench.device.rtosCreateSocketSet()
        bench.device.rtosFDSet(reached.socket, set, [.read, .except])
        Self.select(bench, set, timeout: .forever)
        bench.inject(at: .ms(500), DeviceBench.segment(seq: reached.receiveNext, ack: reached.ourSeq, flags: [.rst, .ack]))
        bench.network.run(until: .s(1))
        let select = try #require(bench.log.first("select"))
        #expect(select.text == "select EXCEPT")
        #expect(select.time == .ms(500) + .microseconds(100))
        #expect(bench.recv(reached.socket) == FreeRTOSErrno.ENOTCONN.returnValue)
        #expect(bench.send(reached.socket, "x") == FreeRTOSErrno.ENOTCONN.returnValue)
    }

    @Test func hangProtectionRaisesExcept() throws {
        let bench = DeviceBench()
        let reached = Stage.lastAck.drive(bench)
        let set = bench.device.rtosCreateSocketSet()
        bench.device.rtosFDSet(reached.socket, set, [.read, .except])
        Self.select(bench, set, timeout: .forever)
        bench.network.run(until: .s(60))
        let hang = try #require(bench.transitions(of: reached.socket).first { $0.to == .closeWait })
        let select = try #require(bench.log.first("select"))
        #expect(select.text == "select EXCEPT")
        #expect(select.time == hang.time)
    }

    @Test func aFreshSocketReportsExceptAtOnceAndAListenerDoesNot() throws {
        let bench = DeviceBench()
        let listener = bench.listener(backlog: 1)
        let set = bench.device.rtosCreateSocketSet()
        bench.device.rtosFDSet(listener, set, [.read, .except])
        bench.network.run(until: .ms(100))
        Self.select(bench, set, timeout: .after(.milliseconds(500)))
        bench.network.run(until: .s(1))
        #expect(bench.log.first("select")?.text == "select 0", "eTCP_LISTEN has no EXCEPT")
        let fresh = bench.device.rtosSocket()
        bench.device.rtosFDSet(fresh, set, .except)
        Self.select(bench, set, timeout: .forever)
        let select = try #require(bench.log.all("select").dropFirst().first)
        #expect(select.text == "select EXCEPT", "eCLOSED")
        #expect(select.time == .s(1))
        #expect(bench.device.rtosFDIsSet(fresh, set) == .except)
    }

    @Test func writeIsReportedWheneverThereIsTxSpace() throws {
        let bench = DeviceBench()
        let listener = bench.listener(backlog: 1)
        let set = bench.device.rtosCreateSocketSet()
        bench.device.rtosFDSet(listener, set, .write)
        Self.select(bench, set, timeout: .forever)
        // ⚠ A listening socket has no TX stream: its full buffer size counts as space.
        #expect(bench.log.first("select")?.text == "select WRITE")
        #expect(bench.device.rtosFDIsSet(listener, set) == .write)
    }

    @Test func writeWaitsForAnAckThatFreesTxSpace() throws {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        bench.inject(at: .ms(100), DeviceBench.segment(seq: 1000, flags: .syn))
        bench.network.run(until: .ms(101))
        let isn = try #require(bench.sent(to: 40001).first?.segment.seq.rawValue)
        // The peer's window is 0: nothing can leave, and 5840 bytes fill the TX stream.
        bench.inject(at: .ms(102), DeviceBench.segment(seq: 1001, ack: isn + 1, flags: .ack, window: 0))
        bench.network.run(until: .ms(200))
        #expect(bench.accept(socket) == .accepted(socket))
        let set = bench.device.rtosCreateSocketSet()
        bench.device.rtosFDSet(socket, set, .write)
        Self.select(bench, set, timeout: .forever)
        #expect(bench.log.first("select")?.text == "select WRITE", "the TX stream is empty")
        #expect(bench.send(socket, String(repeating: "x", count: 5840)) == 5840)
        #expect(bench.send(socket, "y") == FreeRTOSErrno.ENOSPC.returnValue, "⚠ a full stream: -ENOSPC")
        Self.select(bench, set, timeout: .after(.seconds(1)))
        bench.network.run(until: .ms(1300))
        #expect(bench.log.all("select").dropFirst().first?.text == "select 0")
        // A window update lets two segments go; their ACK frees space: WRITE at that moment.
        Self.select(bench, set, timeout: .forever)
        bench.inject(at: .ms(1400), DeviceBench.segment(seq: 1001, ack: isn + 1, flags: .ack, window: 64240))
        bench.network.run(until: .ms(1401))
        let burst = bench.sent(to: 40001, after: .ms(1400))
        #expect(burst.map(\.segment.payload.count) == [1460, 1460])
        bench.inject(at: .ms(1500), DeviceBench.segment(seq: 1001, ack: isn + 1 + 2920, flags: .ack, window: 64240))
        bench.network.run(until: .ms(1501))
        let write = try #require(bench.log.all("select").dropFirst(2).first)
        #expect(write.text == "select WRITE")
        #expect(write.time == .ms(1500) + .microseconds(100))
    }

    @Test func aTimeoutReturnsZeroAtExactlyTheTimeout() throws {
        let bench = DeviceBench()
        let listener = bench.listener(backlog: 1)
        let set = bench.device.rtosCreateSocketSet()
        bench.device.rtosFDSet(listener, set, [.read, .except])
        bench.network.run(until: .ms(250))
        Self.select(bench, set, timeout: .after(.milliseconds(1500)))
        bench.network.run(until: .s(5))
        let select = try #require(bench.log.first("select"))
        #expect(select.text == "select 0")
        #expect(select.time == .ms(1750))
    }
}
