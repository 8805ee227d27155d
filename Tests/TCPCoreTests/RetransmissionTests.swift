import SimClock
import TCPCore
import TCPWire
import Testing

@Suite("ESTABLISHED: retransmission (RFC 6298)")
struct RetransmissionTests {
    // RFC 6298 (2.4): the handshake's RTT of 0 gives an RTO below 1 s, rounded up to 1 s.
    // (5.1)/(5.4)/(5.5): the timer starts with the first segment, fires after RTO, and each expiry
    // retransmits the earliest segment and doubles the RTO: 1 s, 2 s, 4 s, 8 s.
    @Test func firstTimeoutIsOneSecondAndEachTimeoutDoubles() {
        var h = Harness.established()
        #expect(h.connection.retransmissionTimeout == .seconds(1))
        let original = h.write(bytes(100))
        #expect(original.count == 1)
        #expect(h.advance(by: .nanoseconds(999_999_999)) == [])
        for (index, wait) in [1, 2, 4, 8].enumerated() {
            if index > 0 { #expect(h.advance(by: .seconds(wait) - .nanoseconds(1)) == []) }
            #expect(h.advance(by: .nanoseconds(1)) == original, "retransmission \(index + 1)")
            #expect(h.connection.retransmissionTimeout == .seconds(wait * 2))
        }
        #expect(h.connection.retransmissions == 4)
        #expect(h.state == .established)
    }

    // RFC 6298 (2.2): the first sample R gives SRTT = R, RTTVAR = R/2, RTO = SRTT + 4·RTTVAR = 300 ms,
    // which (2.4) rounds up to 1 s. (2.3): a second sample R' = 800 ms gives
    // RTTVAR = 3/4·50 + 1/4·|100 − 800| = 212.5 ms, SRTT = 7/8·100 + 1/8·800 = 187.5 ms, RTO = 1037.5 ms.
    @Test func rttSamplesSetTheTimeoutWithAOneSecondFloor() {
        var h = Harness.established(rtt: .milliseconds(100))
        #expect(h.connection.smoothedRTT == .milliseconds(100))
        #expect(h.connection.rttVariance == .milliseconds(50))
        #expect(h.connection.retransmissionTimeout == .seconds(1))

        h.write(bytes(100))
        h.advance(by: .milliseconds(800))
        h.send(.fromPeer.with { $0.ackNumber = localISS + 101 })
        #expect(h.connection.smoothedRTT == .microseconds(187_500))
        #expect(h.connection.rttVariance == .microseconds(212_500))
        #expect(h.connection.retransmissionTimeout == .microseconds(1_037_500))

        // The new RTO is the one the next segment's timer uses.
        let next = h.write(bytes(100, from: 100))
        #expect(h.advance(by: .microseconds(1_037_499)) == [])
        #expect(h.advance(by: .microseconds(1)) == next)
    }

    // RFC 6298 §3 (Karn): no RTT sample from a retransmitted segment, and (5.5) the backed-off RTO stays
    // until a new sample is taken.
    @Test func ackOfARetransmittedSegmentGivesNoSample() {
        var h = Harness.established(rtt: .milliseconds(100))
        h.write(bytes(100))
        h.advance(by: .seconds(1))                                       // retransmitted, RTO 2 s
        h.advance(by: .milliseconds(500))
        h.send(.fromPeer.with { $0.ackNumber = localISS + 101 })
        #expect(h.connection.smoothedRTT == .milliseconds(100))
        #expect(h.connection.rttVariance == .milliseconds(50))
        #expect(h.connection.retransmissionTimeout == .seconds(2))
        let next = h.write(bytes(100, from: 100))
        #expect(h.advance(by: .milliseconds(1999)) == [])
        #expect(h.advance(by: .milliseconds(1)) == next)
    }

    // RFC 6298 (5.3): an ACK for new data restarts the timer; (5.4) only the earliest segment is resent.
    @Test func partialAckRestartsTheTimerAndOnlyTheEarliestSegmentIsResent() {
        var h = Harness.established()
        let sent = h.write(bytes(3000))
        #expect(sent.map(\.payload.count) == [1460, 1460, 80])
        h.advance(by: .milliseconds(600))
        h.send(.fromPeer.with { $0.ackNumber = localISS + 1461 })
        #expect(h.advance(by: .milliseconds(999)) == [])               // t = 1.599 s: the old deadline is gone
        #expect(h.advance(by: .milliseconds(1)) == [sent[1]])            // t = 1.6 s
    }

    // RFC 6298 (5.4): "Retransmit the earliest segment that has not been acknowledged" — one segment, not
    // the whole window (RFC 5681 §3.1: after a timeout the loss window is one full-sized segment).
    @Test func timeoutResendsOnlyTheEarliestSegment() {
        var h = Harness.established()
        let sent = h.write(bytes(3000))
        #expect(sent.count == 3)
        #expect(h.advance(by: .seconds(1)) == [sent[0]])
        #expect(h.advance(by: .seconds(2)) == [sent[0]])
        #expect(h.connection.retransmissions == 2)
    }

    // RFC 9293 §3.8.3 (R2) and RFC 6298: after `maximumRetransmissions` retransmissions, the next expiry
    // aborts the connection: "connection timed out", CLOSED, nothing more sent.
    @Test func connectionTimesOutAfterMaximumRetransmissions() {
        var parameters = TCPParameters.rfc9293
        parameters.maximumRetransmissions = 3
        var h = Harness.established(parameters)
        let original = h.write(bytes(100))
        #expect(h.advance(by: .seconds(1)) == original)                  // t = 1
        #expect(h.advance(by: .seconds(2)) == original)                  // t = 3
        #expect(h.advance(by: .seconds(4)) == original)                  // t = 7
        #expect(h.advance(by: .nanoseconds(7_999_999_999)) == [])
        #expect(h.state == .established)
        #expect(h.advance(by: .nanoseconds(1)) == [])                    // t = 15
        #expect(h.state == .closed)
        #expect(h.events == [.timedOut])
        #expect(h.transitions.count == 1)
        #expect(h.transitions.first?.from == .established)
        if case .timer = h.transitions.first?.cause {} else {
            Issue.record("cause \(String(describing: h.transitions.first?.cause))")
        }
        #expect(h.connection.nextDeadline == nil)
        #expect(h.connection.retransmissions == 3)
    }

    // RFC 6298 (2.5): the RTO is capped at `maximumRetransmissionTimeout` (60 s by default).
    @Test func backoffStopsAtTheMaximumTimeout() {
        var h = Harness.established()
        h.write(bytes(10))
        h.advance(by: .seconds(1 + 2 + 4 + 8 + 16 + 32))                 // six retransmissions
        #expect(h.connection.retransmissionTimeout == .seconds(60))
        #expect(h.advance(by: .seconds(60)).count == 1)
        #expect(h.connection.retransmissionTimeout == .seconds(60))
    }
}
