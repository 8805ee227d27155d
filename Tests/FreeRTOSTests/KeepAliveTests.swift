import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire
import Testing

/// the FreeRTOS+TCP model and notes C.3 step 3b, checked against the captures S8 (idle peer that
/// answers: probes 21.29 s after the last segment, then 22.54 s and 22.51 s apart) and S8b (dead peer:
/// probes at +21.019, +43.545, +66.088, +88.610 s, the 4th followed in the same tick by eCLOSE_WAIT).
@Suite("keep-alive")
struct KeepAliveTests {
    static var keepAliveRules: FreeRTOSRules {
        var rules = FreeRTOSRules.defaults
        rules.keepAliveInterval = .seconds(20)
        return rules
    }

    struct Echo {
        var socket: SocketID
        var isn: UInt32
        /// When the device sent its echo, and when the peer's ACK of it reached the device (the last
        /// segment the device accepts before going idle).
        var echoSent: SimInstant
        var lastActivity: SimInstant
    }

    /// S8's stimulus: connect, "hello\n" echoed as "HELLO\n", the peer ACKs the echo, then silence.
    static func echo(_ bench: DeviceBench) -> Echo {
        let socket = bench.reuseListener()
        let isn = bench.handshake(seq: 1000, at: .ms(100))
        _ = bench.accept(socket)
        bench.inject(at: .ms(200), DeviceBench.segment(seq: 1001, ack: isn + 1, flags: [.psh, .ack],
                                                       payload: Array("hello\n".utf8)))
        bench.network.run(until: .ms(201))
        _ = bench.recv(socket)
        _ = bench.send(socket, "HELLO\n")
        bench.inject(at: .ms(202), DeviceBench.segment(seq: 1007, ack: isn + 7, flags: .ack))
        bench.network.run(until: .ms(300))
        return Echo(socket: socket, isn: isn, echoSent: .ms(201), lastActivity: .ms(202) + .microseconds(100))
    }

    static func probes(_ bench: DeviceBench, after time: SimInstant) -> [(time: SimInstant, segment: TCPSegment)] {
        bench.sent(to: 40001, after: time)
    }

    @Test func anIdlePeerThatAnswersIsProbedAfterTwentyOneSecondsThenEveryTwentyTwoAndAHalf() throws {
        let bench = DeviceBench(rules: Self.keepAliveRules)
        let echo = Self.echo(bench)
        #expect(bench.sent(to: 40001, after: .ms(201)).count == 1, "the echo, then silence")
        // The peer's stack answers each probe at once (`. seq 7 ack 7` in S8).
        var answered = 0
        while answered < 3 {
            let seen = bench.network.run(until: { Self.probes(bench, after: .ms(300)).count > answered },
                                         limit: .s(120))
            guard seen, let probe = Self.probes(bench, after: .ms(300)).last else { break }
            bench.inject(at: probe.time, DeviceBench.segment(seq: 1007, ack: echo.isn + 7, flags: .ack))
            answered += 1
        }
        bench.network.run(until: .s(75))
        let probes = Self.probes(bench, after: .ms(300))
        #expect(probes.count == 3, "\(probes.map(\.time))")
        for probe in probes {
            // `. seq SND.NXT-1 ack RCV.NXT len 0`
            expectSegment(probe.segment, .ack, seq: echo.isn + 6, ack: 1007, window: 2920, length: 0)
        }
        let device = probes.map { $0.time - .microseconds(100) }
        guard device.count == 3 else { return }
        // The first probe: the first 20 s wake-up after 20 s of silence; the grid was armed by the RTO wake-up
        // 1 s after the echo, so 21 s after it (S8: 21.29 s after the last segment).
        let first = device[0] - echo.lastActivity
        #expect(first > .seconds(20.9) && first <= .seconds(21.3), "first probe \(first) after the last segment")
        #expect(device[0] <= echo.echoSent + .seconds(21) && device[0] >= echo.echoSent + .seconds(21) - .milliseconds(5))
        // Then the 2.5 s wake-up finds a fresh touch, and the next 20 s one probes (S8: 22.54 s, 22.51 s).
        for (earlier, later) in zip(device, device.dropFirst()) {
            let gap = later - earlier
            #expect(gap >= .seconds(22.45) && gap <= .seconds(22.55), "probes \(gap) apart")
        }
        #expect(bench.state(echo.socket) == .established)
    }

    /// The first probe's time, with or without an app that selects with a 100 ms timeout meanwhile (the
    /// terminal server of S8).
    static func firstProbe(selectLoop: Bool) -> SimInstant? {
        let bench = DeviceBench(rules: keepAliveRules)
        _ = echo(bench)
        if selectLoop {
            let set = bench.device.rtosCreateSocketSet()
            let other = bench.device.rtosSocket()
            bench.device.rtosBind(other, port: 3302)
            bench.device.rtosListen(other, backlog: 1)
            bench.device.rtosFDSet(other, set, [.read, .except])
            bench.device.spawn("select loop") { [device = bench.device] in
                while true { _ = await device.rtosSelect(set, timeout: .after(.milliseconds(100))) }
            }
        }
        bench.network.run(until: { !probes(bench, after: .ms(300)).isEmpty }, limit: .s(60))
        return probes(bench, after: .ms(300)).first?.time
    }

    /// FreeRTOS: a select call is an event for the IP task, which checks its sockets only when its TCP timer has
    /// expired (vCheckNetworkTimers(): xTCPTimer, re-armed by each xTCPTimerCheck()); a select loop therefore
    /// takes no ticks off the socket timers (S8: the real device probed 21,000 ticks after the last activity with
    /// such an app).
    @Test func aSelectLoopDoesNotBringTheFirstProbeForward() throws {
        let alone = try #require(Self.firstProbe(selectLoop: false))
        let withSelect = try #require(Self.firstProbe(selectLoop: true))
        #expect(withSelect == alone, "with a 100 ms select loop the first probe came \(alone - withSelect) early")
    }

    @Test func aSilentPeerIsDroppedAtTheFourthProbeWithNothingSent() throws {
        let bench = DeviceBench(rules: Self.keepAliveRules)
        let echo = Self.echo(bench)
        let set = bench.device.rtosCreateSocketSet()
        bench.device.rtosFDSet(echo.socket, set, [.read, .except])
        bench.start("select") { [device = bench.device] in "\(await device.rtosSelect(set, timeout: .forever))" }
        bench.network.run(until: .s(200))
        let probes = Self.probes(bench, after: .ms(300))
        #expect(probes.count == 4, "\(probes.map(\.time))")
        for probe in probes {
            expectSegment(probe.segment, .ack, seq: echo.isn + 6, ack: 1007, window: 2920, length: 0)
        }
        let device = probes.map { $0.time - .microseconds(100) }
        for (earlier, later) in zip(device, device.dropFirst()) {
            let gap = later - earlier
            #expect(gap >= .seconds(22.45) && gap <= .seconds(22.55), "probes \(gap) apart (S8b: 22.53, 22.54, 22.52)")
        }
        let death = try #require(bench.transitions(of: echo.socket).first { $0.to == .closeWait })
        #expect(death.from == .established)
        #expect("\(death.cause)" == "keep-alive: 4 probes unanswered")
        // In the same tick as the 4th probe (prvTCPSendRepeated() calls prvTCPPrepareSend() again).
        #expect(death.time == device.last)
        let sinceLast = death.time - echo.lastActivity
        #expect(sinceLast >= .seconds(88.4) && sinceLast <= .seconds(88.8), "dropped \(sinceLast) after the last segment (S8b: 88.6 s)")
        let select = try #require(bench.log.first("select "))
        #expect(select.text == "select EXCEPT")
        #expect(select.time == death.time)
        #expect(bench.recv(echo.socket) == FreeRTOSErrno.ENOTCONN.returnValue)
    }

    /// The peer's own probe (seq = RCV.NXT − 1) is not stored and is answered at once (prvTCPHandleState()).
    @Test func aPeersProbeIsAnsweredAtOnce() throws {
        let bench = DeviceBench()
        let echo = Self.echo(bench)
        bench.inject(at: .s(30), DeviceBench.segment(seq: 1006, ack: echo.isn + 7, flags: .ack))
        bench.network.run(until: .s(31))
        let answer = try #require(bench.sent(to: 40001, after: .s(30)).first)
        expectSegment(answer.segment, .ack, seq: echo.isn + 7, ack: 1007, window: 2920)
        #expect(answer.time == .s(30) + .microseconds(200))
        #expect(bench.device.stack.connection(of: echo.socket)?.readableCount == 0)
    }

    @Test func keepAliveIsOffByDefault() {
        let bench = DeviceBench()
        #expect(FreeRTOSRules.defaults.keepAliveInterval == nil)
        let echo = Self.echo(bench)
        bench.network.run(until: .s(600))
        #expect(Self.probes(bench, after: .ms(300)).isEmpty)
        #expect(bench.state(echo.socket) == .established)
    }
}
