import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire
import Testing

/// FreeRTOS+TCP behaviour: the acceptance test of the shutdown stall, on a REUSE socket with defaults.
@Suite("shutdown stall (§12.4)")
struct ShutdownStallTests {
    static let c1: UInt32 = 1000

    /// The device app: a REUSE listener on 3301; after accept it sleeps until `shutdownAt`, shuts down, and
    /// then blocks in select(READ|EXCEPT) with no timeout, reading on READ, closing on recv() < 0 and
    /// listening again on a fresh socket.
    static func startDeviceApp(_ bench: DeviceBench, shutdownAt: SimInstant) {
        let device = bench.device, log = bench.log
        device.spawn("app") {
            let set = device.rtosCreateSocketSet()
            let socket = device.rtosSocket()
            device.rtosSetOption(socket, .reuseListenSocket(true))
            device.rtosBind(socket, port: 3301)
            device.rtosListen(socket, backlog: 1)
            device.rtosFDSet(socket, set, [.read, .except])
            let first = await device.rtosSelect(set, timeout: .forever)
            log.add(device.now, "select \(first)")
            guard case .accepted(let client) = await device.rtosAccept(socket) else { return }
            log.add(device.now, "accepted \(client)")
            await device.sleep(for: shutdownAt - device.now)
            log.add(device.now, "shutdown \(device.rtosShutdown(client))")
            while true {
                let bits = await device.rtosSelect(set, timeout: .forever)
                log.add(device.now, "select \(bits)")
                let (result, _) = await device.rtosRecv(client, upTo: 100)
                log.add(device.now, "recv \(FreeRTOSErrno.name(of: result))")
                if result < 0 { break }
            }
            log.add(device.now, "closesocket \(device.rtosCloseSocket(client))")
            let fresh = device.rtosSocket()
            device.rtosSetOption(fresh, .reuseListenSocket(true))
            log.add(device.now, "bind \(device.rtosBind(fresh, port: 3301)) listen \(device.rtosListen(fresh, backlog: 1))")
        }
    }

    /// C1's handshake at 100 ms; returns the device's ISN via the SYN+ACK (read after the run).
    static func connectC1(_ bench: DeviceBench) {
        bench.inject(at: .ms(100), DeviceBench.segment(seq: c1, flags: .syn, options: [.maximumSegmentSize(1460)]))
        bench.network.run(until: .ms(101))
        guard let synAck = bench.sent.first(where: { $0.segment.flags == [.syn, .ack] })?.segment else {
            Issue.record("no SYN+ACK from the device")
            return
        }
        bench.inject(at: .ms(102), DeviceBench.segment(seq: c1 + 1, ack: synAck.seq.rawValue + 1, flags: .ack))
    }

    @Test func theSocketStaysInFinWait1UntilHangProtectionFiresFortySecondsAfterTheFin() throws {
        let bench = DeviceBench()
        let t0 = SimInstant.ms(1000)
        Self.startDeviceApp(bench, shutdownAt: t0)
        Self.connectC1(bench)
        bench.network.run(until: t0 + .milliseconds(10))
        // The FIN leaves at t0 (in the same tick as shutdown()).
        let fin = try #require(bench.sent.first { $0.segment.flags.contains(.fin) })
        #expect(fin.segment.flags == [.fin, .ack])
        let tF = fin.time
        #expect(tF >= t0 && tF <= t0 + .milliseconds(1) + .microseconds(100))
        let deviceISN = try #require(bench.sent.first { $0.segment.flags == [.syn, .ack] }).segment.seq.rawValue
        #expect(fin.segment.seq.rawValue == deviceISN + 1)
        #expect(fin.segment.ackNumber.rawValue == Self.c1 + 1)
        // C1 ACKs the FIN 1 ms later; C2 tries at t0 + 10 s.
        bench.inject(at: tF + .milliseconds(1),
                     DeviceBench.segment(seq: Self.c1 + 1, ack: deviceISN + 2, flags: .ack))
        bench.inject(at: t0 + .seconds(10),
                     DeviceBench.segment(from: 40002, seq: 7000, flags: .syn, options: [.maximumSegmentSize(1460)]))
        bench.network.run(until: t0 + .seconds(39))
        let socket = SocketID(3)
        #expect(bench.device.stack.state(of: socket) == .finWait1)
        #expect(bench.device.stack.connection(of: socket)?.rtos.finAcked == true)
        // C2's SYN: RST|ACK, seq 0, ack = ISN + 1 — nobody listens on the REUSE port.
        let reset = try #require(bench.sent.first { $0.segment.destinationPort == 40002 })
        #expect(reset.segment.flags == [.rst, .ack])
        #expect(reset.segment.seq.rawValue == 0)
        #expect(reset.segment.ackNumber.rawValue == 7001)
        // Nothing else was sent in all that time: no FIN retransmission, no ACK of C1's ACK.
        #expect(bench.sent.filter { $0.segment.destinationPort == 40001 && $0.time > tF }.isEmpty)
        bench.network.run(until: t0 + .seconds(45))
        // EXCEPT 40 000 ms after the FIN (wake-ups at tF + 20 s and tF + 40 s), less the ticks that IP-task
        // passes within one millisecond take off every timer (xTCPTimerCheck() counts at least one tick per
        // pass; the real device's S3b capture shows 39.994 s). Here: the FIN's pass and the app's select().
        let except = try #require(bench.log.all("select ").first { $0.text.contains("EXCEPT") })
        let deviceFin = tF - .microseconds(100)  // `sent` times are arrival times at the peer
        #expect(except.time <= deviceFin + .seconds(40) && except.time >= deviceFin + .seconds(40) - .milliseconds(5),
                "EXCEPT at \(except.time), FIN at \(deviceFin)")
        let hang = bench.transitions(of: socket).first { $0.to == .closeWait }
        #expect(hang?.from == .finWait1)
        #expect("\(hang?.cause ?? .call(""))".contains("hang protection"))
        #expect(bench.log.first("recv ")?.text == "recv -pdFREERTOS_ERRNO_ENOTCONN")
        #expect(bench.log.first("closesocket")?.text == "closesocket 1")
        #expect(bench.log.first("bind ")?.text == "bind 0 listen 0")
        // After re-listening, C1's late data meets the new listener: RST|ACK, seq = its ACK field.
        let sentBefore = bench.sent.count
        bench.inject(at: t0 + .seconds(46),
                     DeviceBench.segment(seq: Self.c1 + 1, ack: deviceISN + 2, flags: [.psh, .ack],
                                         payload: Array("late\n".utf8)))
        bench.network.run(until: t0 + .seconds(47))
        let late = try #require(bench.sent.dropFirst(sentBefore).first)
        #expect(late.segment.flags == [.rst, .ack])
        #expect(late.segment.seq.rawValue == deviceISN + 2)
        #expect(late.segment.ackNumber.rawValue == Self.c1 + 1)
    }

    @Test func dataFromThePeerInFinWait1IsStoredButNotAcknowledgedAndPostponesTheDeadline() throws {
        let bench = DeviceBench()
        let t0 = SimInstant.ms(1000)
        Self.startDeviceApp(bench, shutdownAt: t0)
        Self.connectC1(bench)
        bench.network.run(until: t0 + .milliseconds(10))
        let tF = try #require(bench.sent.first { $0.segment.flags.contains(.fin) }).time
        let deviceISN = try #require(bench.sent.first { $0.segment.flags == [.syn, .ack] }).segment.seq.rawValue
        bench.inject(at: tF + .milliseconds(1), DeviceBench.segment(seq: Self.c1 + 1, ack: deviceISN + 2, flags: .ack))
        bench.inject(at: tF + .seconds(15),
                     DeviceBench.segment(seq: Self.c1 + 1, ack: deviceISN + 2, flags: [.psh, .ack],
                                         payload: Array("x\n".utf8)))
        bench.network.run(until: tF + .seconds(70))
        // READ fires for the data; the app reads it; no ACK is sent for it.
        let read = try #require(bench.log.all("select ").first { $0.text.contains("READ") && $0.time > tF })
        #expect(read.time == tF + .seconds(15) + .microseconds(100))
        #expect(bench.log.first("recv 2") != nil)
        #expect(bench.sent.filter { $0.time > tF }.isEmpty)
        // The touch at tF + 15 s moves the deadline: the wake-up at tF + 40 s sees 25 s, tF + 60 s fires.
        let except = try #require(bench.log.all("select ").first { $0.text.contains("EXCEPT") })
        let deviceFin = tF - .microseconds(100)
        #expect(except.time <= deviceFin + .seconds(60) && except.time >= deviceFin + .seconds(60) - .milliseconds(5),
                "EXCEPT at \(except.time), FIN at \(deviceFin)")
    }
}

@Suite("terminal-server variants")
struct VariantTests {
    @Test func theReportVariantStallsFortyPointOneSecondsUnderHangProtection() {
        let verdict = StallScenario(variant: .report).run()
        #expect(verdict.stall == .milliseconds(40_100))
        #expect(verdict.cause == "hang protection, ipconfigTCP_HANG_PROTECTION_TIME=30 s on the 20 s wake-up grid")
        #expect(verdict.description == "port 3301 accepted a new client after 40.1 s (cause: hang protection, ipconfigTCP_HANG_PROTECTION_TIME=30 s on the 20 s wake-up grid)")
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func theReportStallStaysBetweenThirtyAndFiftySecondsForOtherSeeds(seed: UInt64) {
        let verdict = StallScenario(variant: .report, seed: seed).run()
        let stall = verdict.stall ?? .seconds(999)
        #expect(stall >= .seconds(30) && stall <= .seconds(50), "seed \(seed): \(verdict)")
    }

    @Test func theCappedVariantStallsFourToEightSeconds() {
        let verdict = StallScenario(variant: .capped).run()
        let stall = verdict.stall ?? .seconds(999)
        #expect(stall >= .seconds(4) && stall <= .seconds(8), "\(verdict)")
        #expect(verdict.cause.contains("release wait expired in eFIN_WAIT_1"))
    }

    @Test(arguments: [TerminalServerVariant.fixA, .fixB, .backlog2])
    func theFixesFreeThePortInUnderOneSecond(variant: TerminalServerVariant) {
        let verdict = StallScenario(variant: variant).run()
        let stall = verdict.stall ?? .seconds(999)
        #expect(stall < .seconds(1), "\(variant): \(verdict)")
    }

    @Test func shorterTimersShortenTheStall() {
        var rules = FreeRTOSRules.defaults
        rules.hangProtection = .seconds(5)
        rules.maximumWakeup = .seconds(1)
        let verdict = StallScenario(variant: .report, rules: rules).run()
        let stall = verdict.stall ?? .seconds(999)
        #expect(stall >= .seconds(5) && stall <= .seconds(7), "\(verdict)")
        #expect(verdict.cause == "hang protection, ipconfigTCP_HANG_PROTECTION_TIME=5 s on the 1 s wake-up grid")
    }
}
