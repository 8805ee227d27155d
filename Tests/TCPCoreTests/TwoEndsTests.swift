import SimClock
import TCPCore
import TCPWire
import Testing

/// Two connections joined by a seeded wire that loses, duplicates and delays (hence reorders) segments.
/// End A opens actively; end B is born when A's SYN first arrives, as a listener would create it.
struct TwoEnds {
    struct InFlight {
        var arrival: SimInstant
        var order: Int
        var toB: Bool
        var segment: TCPSegment
    }

    var random: TestRandom
    var now = SimInstant.zero
    var a: TCPConnection
    var b: TCPConnection?
    var wire: [InFlight] = []
    var order = 0
    let parameters: TCPParameters
    let lossPercent: Int
    /// Bytes each application still has to write, and what each has read.
    var toWriteA: [UInt8]
    var toWriteB: [UInt8]
    var readByA: [UInt8] = []
    var readByB: [UInt8] = []
    var eventsA: [ConnectionEvent] = []
    var eventsB: [ConnectionEvent] = []

    init(seed: UInt64, lossPercent: Int) {
        random = TestRandom(seed: seed)
        var parameters = TCPParameters.rfc9293
        parameters.mss = random.pick([536, 1460])
        parameters.receiveBufferSize = random.pick([4096, 65535])
        parameters.sendBufferSize = random.pick([3000, 65535])
        parameters.windowScale = random.pick([nil, 2])
        self.parameters = parameters
        self.lossPercent = lossPercent
        toWriteA = bytes(random.int(in: 0...40_000), from: 7)
        toWriteB = bytes(random.int(in: 0...40_000), from: 91)
        var out = TCPOutput()
        a = TCPConnection(
            id: ConnectionID(1), local: ourAddress, remote: peerAddress,
            initialSequence: SeqNumber(UInt32(truncatingIfNeeded: random.next())), parameters: parameters,
            connectingAt: now, into: &out)
        take(out, fromA: true)
    }

    mutating func take(_ out: TCPOutput, fromA: Bool) {
        let events = out.events.map(\.1)
        if fromA { eventsA += events } else { eventsB += events }
        for outgoing in out.segments {
            let copies = random.percent(5) ? 2 : 1
            for _ in 0..<copies where !random.percent(lossPercent) {
                order += 1
                let delay = SimDuration.milliseconds(random.int(in: 1...30))
                wire.append(InFlight(arrival: now + delay, order: order, toB: fromA, segment: outgoing.segment))
            }
        }
    }

    /// The application side of both ends: write what fits, read everything, close once all is written.
    mutating func runApplications() {
        var out = TCPOutput()
        if !toWriteA.isEmpty, a.state == .established || a.state == .closeWait,
            let n = try? a.send(toWriteA, now: now, into: &out)
        {
            toWriteA.removeFirst(n)
        }
        readByA += a.read(upTo: .max, now: now, into: &out)
        if toWriteA.isEmpty && (a.state == .established || a.state == .closeWait) { a.close(now: now, into: &out) }
        take(out, fromA: true)
        guard var end = b else { return }
        out = TCPOutput()
        if !toWriteB.isEmpty, end.state == .established || end.state == .closeWait,
            let n = try? end.send(toWriteB, now: now, into: &out)
        {
            toWriteB.removeFirst(n)
        }
        readByB += end.read(upTo: .max, now: now, into: &out)
        if toWriteB.isEmpty && (end.state == .established || end.state == .closeWait) {
            end.close(now: now, into: &out)
        }
        b = end
        take(out, fromA: false)
    }

    /// Runs until both ends are CLOSED or `limit` passes; returns whether both closed.
    mutating func run(limit: SimDuration = .seconds(900)) -> Bool {
        let end = SimInstant.zero + limit
        while now < end {
            runApplications()
            if a.state == .closed && b?.state == .closed && wire.isEmpty { return true }
            let nextWire = wire.min { ($0.arrival, $0.order) < ($1.arrival, $1.order) }
            let candidates = [nextWire?.arrival, a.nextDeadline, b?.nextDeadline].compactMap { $0 }
            guard let next = candidates.min() else { return a.state == .closed && b?.state == .closed }
            now = max(now, next)
            if let item = nextWire, item.arrival <= now {
                wire.removeAll { $0.order == item.order }
                deliver(item)
            }
            var out = TCPOutput()
            if let deadline = a.nextDeadline, deadline <= now { a.expireTimers(now: now, into: &out) }
            take(out, fromA: true)
            if var end = b, let deadline = end.nextDeadline, deadline <= now {
                out = TCPOutput()
                end.expireTimers(now: now, into: &out)
                b = end
                take(out, fromA: false)
            }
        }
        return false
    }

    mutating func deliver(_ item: InFlight) {
        var out = TCPOutput()
        if !item.toB {
            a.receive(item.segment, now: now, into: &out)
            take(out, fromA: true)
        } else if var end = b {
            end.receive(item.segment, now: now, into: &out)
            b = end
            take(out, fromA: false)
        } else if item.segment.flags == .syn {
            b = TCPConnection(
                id: ConnectionID(2), local: peerAddress, remote: ourAddress,
                initialSequence: SeqNumber(UInt32(truncatingIfNeeded: random.next())), parameters: parameters,
                acceptingSyn: item.segment, now: now, into: &out)
            take(out, fromA: false)
        }
    }
}

@Suite("Two connections over a lossy wire")
struct TwoEndsTests {
    // RFC 9293 §3.8 (reliable, ordered delivery) and §3.6 (closing): whatever the wire loses, duplicates or
    // reorders, each side reads exactly the other's bytes, and both reach CLOSED through FIN/ACK (one of
    // them after TIME-WAIT) without a reset or time-out.
    @Test(arguments: 0..<60 as Range<UInt64>)
    func bothStreamsArriveExactlyAndBothEndsClose(seed: UInt64) {
        Self.check(seed: seed, lossPercent: seed < 10 ? 0 : 10)
    }

    // A longer hunt on demand (TCPCORE_SEED_HUNT=<count>), with loss rates up to 15 %.
    @Test(.enabled(if: seedHuntCount > 0)) func seedHunt() {
        for seed in 20_000..<(20_000 + UInt64(seedHuntCount)) {
            Self.check(seed: seed, lossPercent: Int(seed % 16), limit: .seconds(7200))
        }
    }

    static func check(seed: UInt64, lossPercent: Int, limit: SimDuration = .seconds(900)) {
        var run = TwoEnds(seed: seed, lossPercent: lossPercent)
        let sentByA = run.toWriteA, sentByB = run.toWriteB
        let closed = run.run(limit: limit)
        #expect(closed, "seed \(seed), loss \(lossPercent) %: A \(run.a.state), B \(String(describing: run.b?.state))")
        #expect(run.readByB == sentByA, "seed \(seed): B read \(run.readByB.count) of \(sentByA.count)")
        #expect(run.readByA == sentByB, "seed \(seed): A read \(run.readByA.count) of \(sentByB.count)")
        let failures: Set<ConnectionEvent> = [.reset, .refused, .timedOut]
        #expect(run.eventsA.allSatisfy { !failures.contains($0) }, "seed \(seed): \(run.eventsA)")
        #expect(run.eventsB.allSatisfy { !failures.contains($0) }, "seed \(seed): \(run.eventsB)")
        #expect(run.eventsA.filter { $0 == .closed }.count == 1 && run.eventsB.filter { $0 == .closed }.count == 1,
                "seed \(seed)")
    }
}
