import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire
import Testing

@Suite("out-of-order data and signals")
struct SackAndSignalTests {
    static let peer: UInt32 = 9000

    @Test func outOfOrderDataIsAcknowledgedAtOnceWithOneSackBlock() {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        let isn = bench.handshake(seq: Self.peer, at: .ms(10))
        _ = bench.accept(socket)
        // The second 100-byte segment arrives first.
        bench.inject(at: .ms(100), DeviceBench.segment(seq: Self.peer + 101, ack: isn + 1, flags: [.psh, .ack],
                                                       payload: Array(repeating: 0x62, count: 100)))
        bench.network.run(until: .ms(101))
        let sack = bench.sent(to: 40001, after: .ms(100)).first?.segment
        #expect(sack?.flags == .ack)
        #expect(sack?.ackNumber.rawValue == Self.peer + 1)
        #expect(sack?.options == [.noOperation, .noOperation,
                                  .sack([SACKBlock(left: SeqNumber(Self.peer + 101), right: SeqNumber(Self.peer + 201))])])
        // The gap is filled: everything is acknowledged, without a SACK.
        bench.inject(at: .ms(110), DeviceBench.segment(seq: Self.peer + 1, ack: isn + 1, flags: [.psh, .ack],
                                                       payload: Array(repeating: 0x61, count: 100)))
        bench.network.run(until: .ms(111))
        let ack = bench.sent(to: 40001, after: .ms(110)).last?.segment
        #expect(ack?.ackNumber.rawValue == Self.peer + 201)
        #expect(ack?.options == [])
        #expect(bench.recv(socket, upTo: 1000) == 200)
    }

    @Test func signallingASocketEndsABlockedRecvWithEINTR() {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        bench.handshake(seq: Self.peer, at: .ms(10))
        _ = bench.accept(socket)
        bench.device.rtosSetTimeouts(socket, receive: .forever)
        bench.start("recv") { [device = bench.device] in
            let (result, _) = await device.rtosRecv(socket)
            return FreeRTOSErrno.name(of: result)
        }
        bench.network.run(until: .ms(500))
        #expect(bench.log.first("recv") == nil)  // still blocked
        bench.network.at(.ms(600)) { _ = bench.device.FreeRTOS_SignalSocket(socket) }
        bench.network.run(until: .ms(700))
        let ended = bench.log.first("recv")
        #expect(ended?.text == "recv -pdFREERTOS_ERRNO_EINTR")
        #expect(ended?.time == .ms(600))
    }

    @Test func signallingASocketInASetMakesSelectReturnIntr() {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        let set = bench.device.rtosCreateSocketSet()
        bench.device.rtosFDSet(socket, set, [.read])
        bench.start("select") { [device = bench.device] in
            "\(await device.rtosSelect(set, timeout: .forever))"
        }
        bench.network.at(.ms(300)) { _ = bench.device.FreeRTOS_SignalSocket(socket) }
        bench.network.run(until: .ms(400))
        #expect(bench.log.first("select")?.text == "select INTR")
        #expect(bench.log.first("select")?.time == .ms(300))
    }
}

@Suite("refused FIN")
struct RefusedFinTests {
    /// ⚠ FreeRTOS: prvHandleEstablished(): a FIN that arrives while our data is unacknowledged is refused,
    /// but RCV.NXT moves past it, so later segments acknowledge it and the socket stays eESTABLISHED.
    @Test func aFinArrivingWhileDataIsUnacknowledgedIsRefusedButAcknowledged() {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        let peer: UInt32 = 7000
        let isn = bench.handshake(seq: peer, at: .ms(10))
        _ = bench.accept(socket)
        #expect(bench.send(socket, "data") == 4)
        bench.network.run(until: .ms(50))
        #expect(bench.sent(to: 40001, after: .ms(12)).first?.segment.payload.count == 4)
        // The peer's FIN does not acknowledge the data.
        bench.inject(at: .ms(60), DeviceBench.segment(seq: peer + 1, ack: isn + 1, flags: [.fin, .ack]))
        bench.network.run(until: .ms(70))
        #expect(bench.state(socket) == .established)
        #expect(bench.sent(to: 40001, after: .ms(60)).isEmpty)
        // The retransmission of the data (2 × SRTT later) carries ack = FIN + 1; still eESTABLISHED.
        bench.network.run(until: .ms(2000))
        let retransmission = bench.sent(to: 40001, after: .ms(70)).first?.segment
        #expect(retransmission?.payload.count == 4)
        #expect(retransmission?.ackNumber.rawValue == peer + 2)
        #expect(bench.state(socket) == .established)
    }
}
