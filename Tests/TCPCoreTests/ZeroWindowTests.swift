import SimClock
import TCPCore
import TCPWire
import Testing

@Suite("ESTABLISHED: zero window")
struct ZeroWindowTests {
    /// The probe: a zero-length segment one below SND.NXT, which the peer must answer with an ACK that
    /// carries its current window (RFC 9293 §3.10.7.4 first step: unacceptable segments are ACKed).
    static let probe = TCPSegment.fromUs.with { $0.seq = localISS }

    // RFC 9293 §3.8.6.1: with a zero offered window, nothing is sent; "the transmitting host SHOULD send the
    // first zero-window probe when a zero window has existed for the retransmission timeout period".
    @Test func zeroWindowHoldsDataUntilTheFirstProbe() {
        var h = Harness.established(synAck: .peerSynAck.with { $0.window = 0 })
        #expect(h.write(bytes(100)) == [])
        #expect(h.connection.unsentCount == 100)
        #expect(h.connection.bytesInFlight == 0)
        #expect(h.connection.nextDeadline == SimInstant.zero + .seconds(1))
        #expect(h.advance(by: .nanoseconds(999_999_999)) == [])
        #expect(h.advance(by: .nanoseconds(1)) == [Self.probe])
        #expect(h.state == .established)
    }

    // RFC 9293 §3.8.6.1 (MUST-36 window probing, "SHOULD increase exponentially the interval between
    // successive probes"): 1 s, then 2 s, then 4 s; the connection is never aborted for a closed window.
    @Test func probesBackOffExponentially() {
        var h = Harness.established(synAck: .peerSynAck.with { $0.window = 0 })
        h.write(bytes(100))
        #expect(h.advance(by: .seconds(1)) == [Self.probe])
        #expect(h.advance(by: .milliseconds(1999)) == [])
        #expect(h.advance(by: .milliseconds(1)) == [Self.probe])
        #expect(h.advance(by: .milliseconds(3999)) == [])
        #expect(h.advance(by: .milliseconds(1)) == [Self.probe])
        h.advance(by: .seconds(3600))
        #expect(h.state == .established)
    }

    // A window that closes while data is queued: the ACK of the first segment says 0; the rest waits.
    @Test func windowClosingMidStreamStopsSending() {
        var h = Harness.established(synAck: .peerSynAck.with { $0.window = 1000 })
        h.write(bytes(1500))
        h.expectReply(to: .fromPeer.with { $0.ackNumber = localISS + 1001; $0.window = 0 })
        #expect(h.connection.unsentCount == 500)
        #expect(h.connection.retransmitDeadline == nil)
        #expect(h.advance(by: .seconds(1)) == [Self.probe.with { $0.seq = localISS + 1000 }])
    }

    // RFC 9293 §3.10.7.4 fifth step: the window update in the probe's answer resumes sending at once,
    // and the persist timer stops.
    @Test func windowUpdateResumesSending() {
        var h = Harness.established(synAck: .peerSynAck.with { $0.window = 0 })
        h.write(bytes(100))
        h.advance(by: .seconds(1))
        h.expectReply(to: .fromPeer.with { $0.window = 4096 },
                      .dataFromUs(100, flags: [.ack, .psh]))
        #expect(h.connection.persistDeadline == nil)
        #expect(h.connection.nextDeadline == h.now + .seconds(1))        // now the retransmission timer
    }

    // Our side: a full receive buffer advertises a zero window, and the peer's probe is answered with an
    // ACK at RCV.NXT (RFC 9293 §3.10.7.4 first step: zero window, only SEG.SEQ = RCV.NXT and no data).
    @Test func fullReceiveBufferAdvertisesZeroAndAnswersProbes() {
        var parameters = TCPParameters.rfc9293
        parameters.receiveBufferSize = 1000
        var h = Harness.established(parameters)
        h.send(Harness.peerData(bytes(1000)))
        #expect(h.advance(by: parameters.delayedAckTimeout) == [
            .fromUs.with { $0.ackNumber = remoteISS + 1001; $0.window = 0 }
        ])
        // A probe with one new byte is not acceptable with a zero window: ACK, nothing stored.
        h.expectReply(to: Harness.peerData(bytes(1, from: 1000), at: 1000),
                      .fromUs.with { $0.ackNumber = remoteISS + 1001; $0.window = 0 })
        #expect(h.connection.readableCount == 1000)
        // Reading opens the window and announces it (receiver SWS avoidance allows a full buffer's worth).
        #expect(h.read().count == 1000)
        #expect(h.lastSent == [.fromUs.with { $0.ackNumber = remoteISS + 1001; $0.window = 1000 }])
    }

    // RFC 9293 §3.10.7.4 first step: "If the RCV.WND is zero, no segments will be acceptable, but special
    // allowance should be made to accept valid ACKs, URGs, and RSTs." The text is dropped and ACKed; the
    // ACK it carries still acknowledges our data.
    @Test func closedReceiveWindowStillTakesTheAckOfADataSegment() {
        var parameters = TCPParameters.rfc9293
        parameters.receiveBufferSize = 1000
        var h = Harness.established(parameters)
        h.write(bytes(100))
        h.send(Harness.peerData(bytes(1000)))
        h.advance(by: parameters.delayedAckTimeout)
        #expect(h.connection.receive.advertisedWindow == 0)
        let probeWithAck = Harness.peerData(bytes(1, from: 1000), at: 1000, flags: [.ack, .fin]).with {
            $0.ackNumber = localISS + 101
        }
        h.expectReply(to: probeWithAck,
                      .fromUs.with { $0.seq = localISS + 101; $0.ackNumber = remoteISS + 1001; $0.window = 0 })
        #expect(h.connection.send.unacknowledged == localISS + 101)
        #expect(h.connection.nextDeadline == nil)
        #expect(h.connection.readableCount == 1000)
        #expect(h.state == .established)
    }

    // RFC 9293 §3.8.6.2.1: sender SWS avoidance holds back a segment smaller than both the MSS and half the
    // largest window, but condition (4) — "the data is PUSHed and the override timeout occurs" — sends it
    // anyway; otherwise a lost window update would leave both ends waiting for ever. The override timer
    // here is the persist interval (RTO, at least 1 s; RFC 1122 4.2.3.4 suggests 0.1–1 s).
    @Test func smallWindowIsUsedAfterTheOverrideTimeout() {
        var h = Harness.established(synAck: .peerSynAck.with { $0.window = 65535 })
        h.send(.fromPeer.with { $0.window = 1000 })
        #expect(h.write(bytes(3000)) == [])
        #expect(h.connection.nextDeadline == h.now + .seconds(1))
        #expect(h.advance(by: .milliseconds(999)) == [])
        #expect(h.advance(by: .milliseconds(1)) == [.dataFromUs(1000)])
        #expect(h.connection.bytesInFlight == 1000)
    }
}
