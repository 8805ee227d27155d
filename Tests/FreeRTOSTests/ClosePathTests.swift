import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire
import Testing

/// the FreeRTOS+TCP model, §2.3, §4, §5, §8.3, §8.5 and notes A.4/B.1/C.6/F.1/F.2: how connections end.
@Suite("close paths")
struct ClosePathTests {
    // MARK: - Passive close

    @Test func aPeerFinIsAnsweredAtOnceWithFinAckAndTheSocketEndsInCloseWait() throws {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        let isn = bench.handshake(seq: 1000, at: .ms(100))
        #expect(bench.accept(socket) == .accepted(socket))
        bench.inject(at: .ms(200), DeviceBench.segment(seq: 1001, ack: isn + 1, flags: [.psh, .ack],
                                                       payload: Array("hello\n".utf8)))
        bench.inject(at: .ms(300), DeviceBench.segment(seq: 1007, ack: isn + 1, flags: [.fin, .ack]))
        bench.network.run(until: .ms(350))
        expectSegment(bench.sent(to: 40001, after: .ms(200)).first?.segment, .ack, seq: isn + 1, ack: 1007,
                      window: 2920)
        // FIN+ACK in one segment, sent by the stack while processing the FIN (one link delay each way).
        let finAck = try #require(bench.sent(to: 40001, after: .ms(300)).first)
        expectSegment(finAck.segment, [.fin, .ack], seq: isn + 1, ack: 1008, window: 2920)
        #expect(finAck.time == .ms(300) + .microseconds(200))
        #expect(bench.state(socket) == .lastAck)
        #expect(bench.device.rtosIsConnected(socket) == false, "⚠ FreeRTOS_issocketconnected() is false in eLAST_ACK")
        #expect(bench.send(socket, "late") == 0, "our FIN is out: send() returns 0")
        #expect(bench.recv(socket) == 6, "the data before the FIN is still readable")
        #expect(bench.recv(socket) == 0, "empty in eLAST_ACK: 0, not EOF")
        bench.inject(at: .ms(400), DeviceBench.segment(seq: 1008, ack: isn + 2, flags: .ack))
        bench.network.run(until: .ms(500))
        #expect(bench.sent(to: 40001, after: .ms(400)).isEmpty, "the last ACK is not answered")
        #expect(bench.state(socket) == .closeWait)
        #expect(bench.recv(socket) == FreeRTOSErrno.ENOTCONN.returnValue)
        #expect(bench.send(socket, "late") == FreeRTOSErrno.ENOTCONN.returnValue)
        #expect(bench.path(of: socket).suffix(2) == [
            "eESTABLISHED → eLAST_ACK (received FIN (FIN+ACK sent at once))",
            "eLAST_ACK → eCLOSE_WAIT (received ACK of our FIN)",
        ])
    }

    // MARK: - shutdown()

    @Test(arguments: Stage.allCases)
    func shutdownReturnsZeroOnlyInEstablished(stage: Stage) {
        let bench = DeviceBench()
        let reached = stage.drive(bench)
        let before = bench.sent.count
        let expected = stage == .established ? 0 : FreeRTOSErrno.ENOTCONN.returnValue
        #expect(bench.device.rtosShutdown(reached.socket) == expected)
        if stage == .established {
            #expect(bench.device.rtosShutdown(reached.socket) == FreeRTOSErrno.ENOTCONN.returnValue,
                    "the second call finds eFIN_WAIT_1")
        } else {
            bench.network.run(until: .s(1))
            #expect(bench.sent.count == before, "a refused shutdown sends nothing")
        }
    }

    /// The shutdown FIN waits until all queued data is acknowledged, then leaves on the receive path of
    /// that ACK (prvHandleEstablished() → prvTCPPrepareSend()).
    @Test func theShutdownFinFollowsTheAckOfTheLastData() throws {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        let isn = bench.handshake(seq: 1000, at: .ms(100))
        #expect(bench.accept(socket) == .accepted(socket))
        bench.network.run(until: .ms(200))
        #expect(bench.send(socket, "abc") == 3)
        #expect(bench.device.rtosShutdown(socket) == 0)
        bench.network.run(until: .ms(300))
        let data = bench.sent(to: 40001, after: .ms(103))
        #expect(data.map(\.segment.flags) == [[.psh, .ack]], "no FIN while data is unacknowledged")
        #expect(bench.state(socket) == .established)
        #expect(bench.send(socket, "d") == 1, "before the FIN, send() still queues")
        bench.network.run(until: .ms(400))
        bench.inject(at: .ms(400), DeviceBench.segment(seq: 1001, ack: isn + 5, flags: .ack))
        bench.network.run(until: .ms(500))
        let fin = try #require(bench.sent(to: 40001, after: .ms(400)).first)
        expectSegment(fin.segment, [.fin, .ack], seq: isn + 5, ack: 1001)
        #expect(fin.time == .ms(400) + .microseconds(200), "at once, on the ACK's receive path")
        #expect(bench.state(socket) == .finWait1)
        #expect(bench.send(socket, "e") == 0, "our FIN is out")
    }

    @Test func shutdownOfSocketsWithoutAConnection() {
        let bench = DeviceBench()
        let unbound = bench.device.rtosSocket()
        #expect(bench.device.rtosShutdown(unbound) == FreeRTOSErrno.EOPNOTSUPP.returnValue)
        let bound = bench.device.rtosSocket()
        bench.device.rtosBind(bound, port: 5000)
        #expect(bench.device.rtosShutdown(bound) == FreeRTOSErrno.ENOTCONN.returnValue, "eCLOSED")
        let listener = bench.listener(port: 3301, backlog: 1)
        #expect(bench.device.rtosShutdown(listener) == FreeRTOSErrno.ENOTCONN.returnValue, "eTCP_LISTEN")
        let client = bench.device.rtosSocket()
        bench.device.rtosBind(client, port: 5001)
        bench.start("connect") { [device = bench.device] in
            "\(await device.rtosConnect(client, to: Endpoint(DeviceBench.peer, 40001)))"
        }
        #expect(bench.state(client) == .connectSyn)
        #expect(bench.device.rtosShutdown(client) == FreeRTOSErrno.ENOTCONN.returnValue, "eCONNECT_SYN")
        // A dead connection: eCLOSE_WAIT after the peer's close.
        let reuse = bench.reuseListener(port: 3302)
        let isn = bench.handshake(from: 40002, to: 3302, seq: 1000, at: .ms(100))
        bench.inject(at: .ms(200), DeviceBench.segment(from: 40002, to: 3302, seq: 1001, ack: isn + 1,
                                                       flags: [.fin, .ack]))
        bench.inject(at: .ms(201), DeviceBench.segment(from: 40002, to: 3302, seq: 1002, ack: isn + 2, flags: .ack))
        bench.network.run(until: .ms(300))
        #expect(bench.state(reuse) == .closeWait)
        #expect(bench.device.rtosShutdown(reuse) == FreeRTOSErrno.ENOTCONN.returnValue, "eCLOSE_WAIT")
    }

    // MARK: - closesocket()

    @Test(arguments: Stage.allCases)
    func closesocketSendsNothing(stage: Stage) {
        let bench = DeviceBench()
        let reached = stage.drive(bench)
        let before = bench.sent.count
        #expect(bench.device.rtosCloseSocket(reached.socket) == 1)
        #expect(!bench.device.stack.exists(reached.socket))
        bench.network.run(until: .s(120))
        #expect(bench.sent.count == before, "\(bench.sent.dropFirst(before).map(\.segment.summary))")
    }

    @Test func closesocketWithUnsentDataSendsNothing() {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        bench.inject(at: .ms(100), DeviceBench.segment(seq: 1000, flags: .syn))
        bench.network.run(until: .ms(101))
        let isn = bench.sent(to: 40001).first?.segment.seq.rawValue ?? 0
        // The peer's window is 0: the data stays queued.
        bench.inject(at: .ms(102), DeviceBench.segment(seq: 1001, ack: isn + 1, flags: .ack, window: 0))
        bench.network.run(until: .ms(200))
        #expect(bench.accept(socket) == .accepted(socket))
        #expect(bench.send(socket, "queued") == 6)
        bench.network.run(until: .ms(300))
        let before = bench.sent.count
        #expect(bench.device.rtosCloseSocket(socket) == 1)
        bench.network.run(until: .s(60))
        #expect(bench.sent.count == before)
    }

    @Test func closesocketOfAListenerOrAConnectingSocketSendsNothing() {
        let bench = DeviceBench()
        let listener = bench.listener(backlog: 1)
        let client = bench.device.rtosSocket()
        bench.device.rtosBind(client, port: 5000)
        bench.start("connect") { [device = bench.device] in
            "\(await device.rtosConnect(client, to: Endpoint(DeviceBench.peer, 40001)))"
        }
        bench.network.run(until: .ms(100))
        #expect(bench.sent.map(\.segment.flags) == [.syn])
        #expect(bench.device.rtosCloseSocket(listener) == 1)
        #expect(bench.device.rtosCloseSocket(client) == 1)
        bench.network.run(until: .s(60))
        #expect(bench.sent.map(\.segment.flags) == [.syn], "no SYN retransmission, no RST")
    }

    @Test func closesocketOfADeadSocketSendsNothing() {
        let bench = DeviceBench()
        // eCLOSE_WAIT after the peer's close, and eCLOSED after a RST.
        let closeWait = bench.reuseListener(port: 3301)
        let reset = bench.reuseListener(port: 3302)
        let isn = bench.handshake(from: 40001, to: 3301, seq: 1000, at: .ms(100))
        bench.handshake(from: 40002, to: 3302, seq: 2000, at: .ms(110))
        bench.inject(at: .ms(200), DeviceBench.segment(from: 40001, to: 3301, seq: 1001, ack: isn + 1,
                                                       flags: [.fin, .ack]))
        bench.inject(at: .ms(201), DeviceBench.segment(from: 40001, to: 3301, seq: 1002, ack: isn + 2, flags: .ack))
        bench.inject(at: .ms(202), DeviceBench.segment(from: 40002, to: 3302, seq: 2001, flags: .rst))
        bench.network.run(until: .ms(300))
        #expect(bench.state(closeWait) == .closeWait)
        #expect(bench.state(reset) == .closed)
        let before = bench.sent.count
        #expect(bench.device.rtosCloseSocket(closeWait) == 1)
        #expect(bench.device.rtosCloseSocket(reset) == 1)
        bench.network.run(until: .s(60))
        #expect(bench.sent.count == before)
        #expect(bench.device.rtosCloseSocket(reset) == 0, "an invalid handle")
    }

    // MARK: - FREERTOS_SO_CLOSE_AFTER_SEND

    @Test func closeAfterSendPutsTheFinOnTheLastDataAndStaysEstablishedUntilThePeersFin() throws {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        let isn = bench.handshake(seq: 1000, at: .ms(100))
        #expect(bench.accept(socket) == .accepted(socket))
        #expect(bench.device.rtosSetOption(socket, .closeAfterSend(true)) == 0)
        #expect(bench.send(socket, "bye\n") == 4)
        bench.network.run(until: .ms(200))
        let last = try #require(bench.sent(to: 40001, after: .ms(103)).first)
        expectSegment(last.segment, [.fin, .psh, .ack], seq: isn + 1, ack: 1001, window: 2920, length: 4)
        #expect(bench.state(socket) == .established)
        #expect(bench.send(socket, "more") == 0, "bFinSent: send() returns 0")
        // The peer ACKs data and FIN; its app is slow to close. Not hang-protected: still there a minute later.
        bench.inject(at: .ms(300), DeviceBench.segment(seq: 1001, ack: isn + 6, flags: .ack))
        bench.network.run(until: .s(70))
        #expect(bench.state(socket) == .established)
        #expect(bench.sent(to: 40001, after: .ms(200)).isEmpty)
        bench.inject(at: .s(71), DeviceBench.segment(seq: 1001, ack: isn + 6, flags: [.fin, .ack]))
        bench.network.run(until: .s(72))
        expectSegment(bench.sent(to: 40001, after: .s(71)).first?.segment, .ack, seq: isn + 6, ack: 1002,
                      window: 2920)
        #expect(bench.state(socket) == .closeWait)
        #expect(bench.path(of: socket).last == "eESTABLISHED → eCLOSE_WAIT (received FIN)")
    }

    @Test func theFinRidingOnDataIsRetransmittedWithIt() throws {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        let isn = bench.handshake(seq: 1000, at: .ms(100))
        #expect(bench.accept(socket) == .accepted(socket))
        bench.device.rtosSetOption(socket, .closeAfterSend(true))
        bench.network.run(until: .ms(200))
        #expect(bench.send(socket, "bye\n") == 4)
        bench.network.run(until: .ms(3300))
        let segments = bench.sent(to: 40001, after: .ms(200))
        #expect(segments.count == 3)
        for segment in segments.map(\.segment) {
            expectSegment(segment, [.fin, .psh, .ack], seq: isn + 1, ack: 1001, length: 4)
        }
        // Retransmitted when its age exceeds 2^k × SRTT (strictly: 1000 ms + 1 tick, then 2000 ms + 1 tick).
        let first = try #require(segments.first).time
        #expect(segments.map { $0.time - first } == [.zero, .milliseconds(1001), .milliseconds(3002)])
    }

    // MARK: - Lost FIN

    @Test func aLostFinIsResentOnlyInReplyToAPeerSegment() throws {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        let isn = bench.handshake(seq: 1000, at: .ms(100))
        #expect(bench.accept(socket) == .accepted(socket))
        bench.network.run(until: .ms(200))
        #expect(bench.device.rtosShutdown(socket) == 0)
        bench.network.run(until: .s(25))
        let fins = bench.sent(to: 40001, after: .ms(103))
        #expect(fins.count == 1, "no timer retransmission: \(fins.map(\.segment.summary))")
        expectSegment(fins.first?.segment, [.fin, .ack], seq: isn + 1, ack: 1001)
        // A window update that does not ACK the FIN: FIN+ACK again, and eLAST_ACK.
        bench.inject(at: .s(25), DeviceBench.segment(seq: 1001, ack: isn + 1, flags: .ack, window: 65000))
        bench.network.run(until: .s(26))
        expectSegment(bench.sent(to: 40001, after: .s(25)).first?.segment, [.fin, .ack], seq: isn + 1, ack: 1001)
        #expect(bench.state(socket) == .lastAck)
        #expect(bench.path(of: socket).last == "eFIN_WAIT_1 → eLAST_ACK (received segment not acknowledging our FIN)")
        // Its ACK: no peer FIN yet, so the socket stays and sends nothing; the peer's FIN then ends it with an ACK.
        bench.inject(at: .s(26), DeviceBench.segment(seq: 1001, ack: isn + 2, flags: .ack))
        bench.network.run(until: .s(27))
        #expect(bench.sent(to: 40001, after: .s(26)).isEmpty)
        #expect(bench.state(socket) == .lastAck)
        bench.inject(at: .s(27), DeviceBench.segment(seq: 1001, ack: isn + 2, flags: [.fin, .ack]))
        bench.network.run(until: .s(28))
        expectSegment(bench.sent(to: 40001, after: .s(27)).first?.segment, .ack, seq: isn + 2, ack: 1002)
        #expect(bench.state(socket) == .closeWait)
    }

    // MARK: - Hang protection

    @Test(arguments: [Stage.finWait1, .lastAck])
    func hangProtectionEndsAnIdleClosingSocketSilently(stage: Stage) throws {
        let bench = DeviceBench()
        let reached = stage.drive(bench)
        bench.network.run(until: reached.lastTouch + .seconds(60))
        // The stage ends at 300 ms (after the FIN+ACK of eLAST_ACK); from then on the device is silent.
        #expect(bench.sent(to: 40001, after: .ms(300)).isEmpty,
                "\(bench.sent(to: 40001, after: .ms(300)).map(\.segment.summary))")
        let hang = try #require(bench.transitions(of: reached.socket).first { $0.to == .closeWait })
        #expect(hang.from == stage.state)
        #expect("\(hang.cause)" == "hang protection, ipconfigTCP_HANG_PROTECTION_TIME=30 s on the 20 s wake-up grid")
        let age = hang.time - reached.lastTouch
        #expect(age > .seconds(30) && age <= .seconds(50), "after \(age)")
        #expect(bench.state(reached.socket) == .closeWait)
    }

    @Test func hangProtectionEndsAHalfOpenChildSilentlyAndFreesItsSlot() throws {
        let bench = DeviceBench()
        let listener = bench.listener(backlog: 1)
        bench.inject(at: .ms(100), DeviceBench.segment(seq: 1000, flags: .syn))
        bench.network.run(until: .ms(200))
        #expect(bench.device.stack.childCount(of: listener) == 1)
        let child = try #require(bench.device.stack.netstat().map(\.id).first { $0 != listener })
        bench.network.run(until: .s(60))
        #expect(bench.sent.map(\.segment.flags) == [[.syn, .ack]])
        let hang = try #require(bench.transitions(of: child).first { $0.to == .closeWait })
        #expect(hang.from == .synReceived)
        #expect("\(hang.cause)".hasPrefix("hang protection"))
        let age = hang.time - (.ms(100) + .microseconds(100))
        #expect(age > .seconds(30) && age <= .seconds(50), "after \(age)")
        #expect(!bench.device.stack.exists(child))
        #expect(bench.device.stack.childCount(of: listener) == 0)
        #expect(bench.path(of: child).first == "eCLOSED → eSYN_FIRST (received SYN)", "a child is a new socket")
    }

    /// ⚠ Every segment reaching an active socket, a RST with the wrong ACK included, sets `ucRepCount = 0`
    /// (notes B.1 step 4): two stray RSTs keep a connect going past 30 s, and hang protection ends it.
    @Test func hangProtectionEndsAConnectThatStrayResetsKeptGoing() throws {
        let bench = DeviceBench()
        let client = bench.device.rtosSocket()
        bench.device.rtosBind(client, port: 5000)
        bench.network.run(until: .s(1))
        bench.start("connect") { [device = bench.device] in
            FreeRTOSErrno.name(of: await device.rtosConnect(client, to: Endpoint(DeviceBench.peer, 40001)))
        }
        bench.network.run(until: .s(2))
        let isn = try #require(bench.sent.first?.segment.seq.rawValue)
        for time in [SimInstant.s(16), .s(36)] {
            bench.inject(at: time, DeviceBench.segment(from: 40001, to: 5000, seq: 0, ack: isn + 7, flags: [.rst, .ack]))
        }
        bench.network.run(until: .s(100))
        let syns = bench.sent.filter { $0.segment.flags == .syn }
        let expected = [1, 4, 10, 21, 24, 30, 41].map { SimInstant.s($0) + .microseconds(100) }
        #expect(syns.count == expected.count, "\(syns.map(\.time))")
        for (syn, time) in zip(syns, expected) {
            #expect(syn.time <= time && syn.time >= time - .milliseconds(5), "SYN at \(syn.time), expected \(time)")
        }
        #expect(bench.sent.count == syns.count, "nothing but SYNs")
        let hang = try #require(bench.transitions(of: client).first { $0.to == .closeWait })
        #expect(hang.from == .connectSyn)
        #expect("\(hang.cause)".hasPrefix("hang protection"))
        let connect = try #require(bench.log.first("connect "))
        #expect(connect.text == "connect -pdFREERTOS_ERRNO_ENOTCONN")
        #expect(connect.time == hang.time)
    }

    // MARK: - RST

    @Test(arguments: Stage.allCases)
    func aResetAtRcvNxtClosesTheSocketAndRaisesExcept(stage: Stage) throws {
        let bench = DeviceBench()
        let reached = stage.drive(bench)
        let set = bench.device.rtosCreateSocketSet()
        bench.device.rtosFDSet(reached.socket, set, .except)
        bench.start("select") { [device = bench.device] in "\(await device.rtosSelect(set, timeout: .after(.seconds(5))))" }
        bench.inject(at: .ms(400), DeviceBench.segment(seq: reached.receiveNext, flags: .rst))
        bench.network.run(until: .s(10))
        #expect(bench.state(reached.socket) == .closed)
        #expect(bench.path(of: reached.socket).last == "\(stage.state.freeRTOSName) → eCLOSED (received RST)")
        #expect(bench.sent(to: 40001, after: .ms(300)).isEmpty)
        let select = try #require(bench.log.first("select "))
        #expect(select.text == "select EXCEPT")
        if stage == .synReceived {
            // ⚠ eSYN_RECEIVED → eCLOSED does not change "connected": no event, so select() sees the
            // level condition only when its timeout ends (then it evaluates once more).
            #expect(select.time == .ms(300) + .seconds(5))
        } else {
            #expect(select.time == .ms(400) + .microseconds(100))
        }
    }

    @Test(arguments: Stage.allCases)
    func aResetInsideTheWindowGetsAChallengeAck(stage: Stage) {
        let bench = DeviceBench()
        let reached = stage.drive(bench)
        bench.inject(at: .ms(400), DeviceBench.segment(seq: reached.receiveNext + 100, flags: .rst, window: 1234))
        bench.network.run(until: .s(1))
        let replies = bench.sent(to: 40001, after: .ms(400))
        #expect(replies.count == 1)
        // Built from the RST itself: seq = ulOurSequenceNumber, ack = RCV.NXT, the RST's window echoed.
        expectSegment(replies.first?.segment, .ack, seq: reached.ourSeq, ack: reached.receiveNext, window: 1234)
        #expect(bench.state(reached.socket) == stage.state)
    }

    @Test(arguments: Stage.allCases)
    func aResetOutsideTheWindowIsIgnored(stage: Stage) {
        let bench = DeviceBench()
        let reached = stage.drive(bench)
        // The window is the configured RX window (2920), strict at both ends.
        bench.inject(at: .ms(400), DeviceBench.segment(seq: reached.receiveNext + 2920, flags: .rst))
        bench.inject(at: .ms(410), DeviceBench.segment(seq: reached.receiveNext - 1, flags: .rst))
        bench.network.run(until: .s(1))
        #expect(bench.sent(to: 40001, after: .ms(400)).isEmpty)
        #expect(bench.state(reached.socket) == stage.state)
    }

    /// ⚠ Q9: the RST is accepted (ack == ISN+1) but eCONNECT_SYN → eCLOSED fires no event, so a blocking
    /// connect() sleeps until RCVTIMEO passes.
    @Test func aResetToTheSynClosesTheSocketButConnectWaitsForItsTimeout() throws {
        let bench = DeviceBench()
        let client = bench.device.rtosSocket()
        bench.device.rtosBind(client, port: 5000)
        bench.device.rtosSetTimeouts(client, receive: .after(.seconds(10)))
        bench.network.run(until: .s(1))
        bench.start("connect") { [device = bench.device] in
            FreeRTOSErrno.name(of: await device.rtosConnect(client, to: Endpoint(DeviceBench.peer, 40001)))
        }
        bench.network.run(until: .ms(1100))
        let syn = try #require(bench.sent.first?.segment)
        let isn = syn.seq.rawValue
        bench.inject(at: .ms(1500), DeviceBench.segment(from: 40001, to: 5000, seq: 0, ack: isn + 2,
                                                        flags: [.rst, .ack]))
        bench.network.run(until: .ms(1600))
        #expect(bench.state(client) == .connectSyn, "the wrong ACK: dropped")
        bench.inject(at: .s(2), DeviceBench.segment(from: 40001, to: 5000, seq: 0, ack: isn + 1, flags: [.rst, .ack]))
        bench.network.run(until: .s(30))
        #expect(bench.state(client) == .closed)
        #expect(bench.path(of: client).last == "eCONNECT_SYN → eCLOSED (received RST)")
        #expect(bench.sent.count == 1, "no SYN after the RST")
        let connect = try #require(bench.log.first("connect "))
        #expect(connect.text == "connect -pdFREERTOS_ERRNO_ETIMEDOUT")
        #expect(connect.time == .s(11))
    }

    // MARK: - SYN retransmission

    @Test func synsLeaveAtZeroThreeAndNineSecondsAndConnectGivesUpAtTwenty() throws {
        let bench = DeviceBench()
        let client = bench.device.rtosSocket()
        bench.device.rtosBind(client, port: 5000)
        bench.network.run(until: .s(1))
        bench.start("connect") { [device = bench.device] in
            FreeRTOSErrno.name(of: await device.rtosConnect(client, to: Endpoint(DeviceBench.peer, 40001)))
        }
        bench.network.run(until: .s(60))
        let syns = bench.sent
        #expect(syns.count == 3)
        let expected = [1, 4, 10].map { SimInstant.s($0) + .microseconds(100) }
        for (syn, time) in zip(syns, expected) {
            #expect(syn.time <= time && syn.time >= time - .milliseconds(5), "SYN at \(syn.time), expected \(time)")
            #expect(syn.segment.flags == .syn)
            #expect(syn.segment.ackNumber.rawValue == 0)
            #expect(syn.segment.window == 2920)
            #expect(syn.segment.options == [.maximumSegmentSize(1460), .noOperation, .windowScale(0), .noOperation,
                                            .noOperation, .sackPermitted])
        }
        #expect(Set(syns.map(\.segment.seq)).count == 1, "the same ISN each time")
        let giveUp = try #require(bench.transitions(of: client).first { $0.to == .closeWait })
        #expect(giveUp.from == .connectSyn)
        #expect("\(giveUp.cause)" == "no answer to 3 SYNs")
        #expect(giveUp.time <= .s(21) && giveUp.time >= .s(21) - .milliseconds(5))
        let connect = try #require(bench.log.first("connect "))
        #expect(connect.text == "connect -pdFREERTOS_ERRNO_ENOTCONN")
        #expect(connect.time == giveUp.time)
    }

    // MARK: - Segments nobody owns (§4)

    struct Stray: CustomStringConvertible, Sendable {
        var name: String
        var flags: TCPFlags
        var payload: String
        /// The reply's ack, or nil for no reply.
        var replyAck: UInt32?
        var description: String { name }
    }

    static let strays: [Stray] = [
        Stray(name: "bare ACK", flags: .ack, payload: "", replyAck: nil),
        Stray(name: "ACK with data, no PSH", flags: .ack, payload: "abc", replyAck: nil),
        Stray(name: "PSH|ACK with data", flags: [.psh, .ack], payload: "abc", replyAck: 7000),
        Stray(name: "RST", flags: .rst, payload: "", replyAck: nil),
        Stray(name: "RST|ACK", flags: [.rst, .ack], payload: "", replyAck: nil),
        Stray(name: "SYN", flags: .syn, payload: "", replyAck: 7001),
        Stray(name: "FIN|ACK", flags: [.fin, .ack], payload: "", replyAck: 7000),
    ]

    @Test(arguments: strays)
    func aSegmentForAPortWithoutASocketGetsTheStatelessReply(stray: Stray) {
        let bench = DeviceBench()
        bench.inject(at: .ms(100), DeviceBench.segment(to: 3399, seq: 7000, ack: 4242, flags: stray.flags,
                                                       payload: Array(stray.payload.utf8), window: 5555))
        bench.network.run(until: .s(1))
        if let ack = stray.replyAck {
            #expect(bench.sent.count == 1)
            expectSegment(bench.sent.first?.segment, [.rst, .ack], seq: 4242, ack: ack, window: 5555)
            #expect(bench.sent.first?.segment.options.isEmpty == true)
        } else {
            #expect(bench.sent.isEmpty)
        }
    }

    @Test(arguments: strays)
    func aSegmentForADeadSocketGetsTheSameStatelessReply(stray: Stray) {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        let isn = bench.handshake(seq: 1000, at: .ms(100))
        bench.inject(at: .ms(200), DeviceBench.segment(seq: 1001, ack: isn + 1, flags: [.fin, .ack]))
        bench.inject(at: .ms(201), DeviceBench.segment(seq: 1002, ack: isn + 2, flags: .ack))
        bench.network.run(until: .ms(300))
        #expect(bench.state(socket) == .closeWait)
        bench.inject(at: .ms(400), DeviceBench.segment(seq: 7000, ack: 4242, flags: stray.flags,
                                                       payload: Array(stray.payload.utf8), window: 5555))
        bench.network.run(until: .s(1))
        let replies = bench.sent(to: 40001, after: .ms(400))
        if let ack = stray.replyAck {
            #expect(replies.count == 1)
            expectSegment(replies.first?.segment, [.rst, .ack], seq: 4242, ack: ack, window: 5555)
        } else {
            #expect(replies.isEmpty)
        }
        #expect(bench.state(socket) == .closeWait)
    }

    @Test(arguments: strays)
    func aListenerResetsEverythingButRstAndABareSyn(stray: Stray) {
        let bench = DeviceBench()
        let listener = bench.listener(backlog: 1)
        bench.inject(at: .ms(100), DeviceBench.segment(seq: 7000, ack: 4242, flags: stray.flags,
                                                       payload: Array(stray.payload.utf8), window: 5555))
        bench.network.run(until: .s(1))
        if stray.flags == .syn {
            #expect(bench.sent.first?.segment.flags == [.syn, .ack])
            #expect(bench.device.stack.childCount(of: listener) == 1)
        } else if stray.flags.contains(.rst) {
            #expect(bench.sent.isEmpty)
        } else {
            // Even a bare ACK (or one carrying data without PSH) gets RST|ACK from a listener.
            #expect(bench.sent.count == 1)
            expectSegment(bench.sent.first?.segment, [.rst, .ack], seq: 4242, ack: 7000, window: 5555)
        }
    }
}
