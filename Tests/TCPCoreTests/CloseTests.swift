import SimClock
import TCPCore
import TCPWire
import Testing

/// 2·MSL with the default MSL of 30 s (RFC 9293 §3.4.2 leaves MSL to the implementation).
let twoMSL = TCPParameters.rfc9293.maximumSegmentLifetime * 2

/// Our FIN right after the handshake: <SEQ=ISS+1><ACK=RCV.NXT><CTL=FIN,ACK>.
let ourFin = TCPSegment.fromUs.with { $0.flags = [.fin, .ack] }
/// The peer's FIN right after the handshake, acknowledging nothing beyond our SYN.
let peerFin = TCPSegment.fromPeer.with { $0.flags = [.fin, .ack] }

@Suite("ESTABLISHED: close")
struct EstablishedCloseTests {
    // RFC 9293 §3.10.4 (CLOSE, ESTABLISHED): queue a FIN after the data, enter FIN-WAIT-1.
    @Test func closeSendsFinAndEntersFinWait1() {
        var h = Harness.established()
        h.advance(by: .seconds(5))
        #expect(h.close() == [ourFin])
        #expect(h.transitions == [
            StateTransition(time: SimInstant.zero + .seconds(5), connection: connectionID, from: .established,
                            to: .finWait1, cause: .call("close()"))
        ])
        #expect(h.connection.finSequence == localISS + 1)
        #expect(h.connection.send.next == localISS + 2)
    }

    // RFC 9293 §3.10.4: the FIN follows the queued data, in sequence space after it.
    @Test func finFollowsQueuedData() {
        var h = Harness.established(synAck: .peerSynAck.with { $0.window = 100 })
        h.write(bytes(300))
        #expect(h.close() == [])
        h.expectReply(to: .fromPeer.with { $0.ackNumber = localISS + 101; $0.window = 100 },
                      .dataFromUs(100, at: 100))
        h.expectReply(to: .fromPeer.with { $0.ackNumber = localISS + 201; $0.window = 100 },
                      .dataFromUs(100, at: 200, flags: [.ack, .psh, .fin]))
        #expect(h.connection.finSequence == localISS + 301)
    }

    // The whole active close, RFC 9293 §3.6 Figure 12 (left side), with every transition and its cause.
    @Test func activeCloseGoesThroughFinWaitAndTimeWaitToClosed() {
        var h = Harness.established()
        h.close()
        h.send(.fromPeer.with { $0.ackNumber = localISS + 2 })
        h.send(peerFin.with { $0.ackNumber = localISS + 2 })
        h.advance(by: twoMSL)
        let path = h.allTransitions.map { "\($0.from.rfcName) → \($0.to.rfcName)" }
        #expect(path == [
            "CLOSED → SYN-SENT", "SYN-SENT → ESTABLISHED", "ESTABLISHED → FIN-WAIT-1",
            "FIN-WAIT-1 → FIN-WAIT-2", "FIN-WAIT-2 → TIME-WAIT", "TIME-WAIT → CLOSED",
        ])
        #expect(h.allTransitions.suffix(4).map(\.cause) == [
            .call("close()"), .segment("ACK of FIN"), .segment("FIN"), .timer("TIME-WAIT 2·MSL expired"),
        ])
        #expect(h.allTransitions.allSatisfy { $0.from != $0.to })
        #expect(h.allEvents == [.connected, .endOfStream, .closed])
    }

    // RFC 9293 §3.10.7.4 eighth step (ESTABLISHED): a FIN is acknowledged, the user is told
    // "connection closing", and the state is CLOSE-WAIT.
    @Test func peerFinIsAckedAndEntersCloseWait() {
        var h = Harness.established()
        h.expectReply(to: peerFin, .fromUs.with { $0.ackNumber = remoteISS + 2 })
        #expect(h.state == .closeWait)
        #expect(h.events == [.endOfStream])
        #expect(h.transitions.map(\.cause) == [.segment("FIN")])
        #expect(h.connection.peerFinReceived)
    }

    // RFC 9293 §3.10.7.4 eighth step: the FIN counts once all data before it has arrived.
    @Test func outOfOrderFinWaitsForTheDataBeforeIt() {
        var h = Harness.established()
        h.expectReply(to: Harness.peerData(bytes(50, from: 50), at: 50, flags: [.fin, .ack]), .fromUs)
        #expect(h.state == .established)
        h.expectReply(to: Harness.peerData(bytes(50)),
                      .fromUs.with { $0.ackNumber = remoteISS + 102; $0.window = 65535 - 100 })
        #expect(h.state == .closeWait)
        #expect(h.read() == bytes(100))
    }
}

@Suite("FIN-WAIT-1")
struct FinWait1Tests {
    // RFC 9293 §3.10.7.4 fifth step (FIN-WAIT-1): "if the FIN segment is now acknowledged, then enter FIN-WAIT-2".
    @Test func ackOfFinEntersFinWait2() {
        var h = Harness.finWait1()
        h.expectReply(to: .fromPeer.with { $0.ackNumber = localISS + 2 })
        #expect(h.state == .finWait2)
        #expect(h.transitions.map(\.cause) == [.segment("ACK of FIN")])
        #expect(h.connection.finAcknowledged)
        #expect(h.connection.nextDeadline == nil)
    }

    // RFC 6298 (5.4) / RFC 9293 §3.8.1: the unacknowledged FIN is retransmitted when the RTO expires.
    @Test func unacknowledgedFinIsRetransmitted() {
        var h = Harness.finWait1()
        #expect(h.advance(by: .milliseconds(999)) == [])
        #expect(h.advance(by: .milliseconds(1)) == [ourFin])
        #expect(h.advance(by: .seconds(2)) == [ourFin])
        #expect(h.state == .finWait1)
    }

    // RFC 9293 §3.10.7.4 fifth step: an ACK covering our FIN, arriving after a timeout resent only the
    // first segment, still acknowledges the FIN (FIN-WAIT-2), and no second FIN is made up.
    @Test func lateAckOfDataAndFinAfterATimeoutEntersFinWait2() {
        var h = Harness.established()
        let sent = h.write(bytes(3000))
        h.close()
        #expect(h.lastSent == [.fromUs.with { $0.seq = localISS + 3001; $0.flags = [.fin, .ack] }])
        #expect(h.advance(by: .seconds(1)) == [sent[0]])
        h.expectReply(to: .fromPeer.with { $0.ackNumber = localISS + 3002 })
        #expect(h.state == .finWait2)
        #expect(h.connection.finAcknowledged)
        #expect(h.connection.bytesInFlight == 0)
        #expect(h.connection.nextDeadline == nil)
    }

    // RFC 9293 §3.10.7.4 eighth step (FIN-WAIT-1): a FIN while ours is unacknowledged → CLOSING
    // (simultaneous close, §3.6 Figure 13), ACK it.
    @Test func peerFinBeforeOurFinIsAckedEntersClosing() {
        var h = Harness.finWait1()
        h.expectReply(to: peerFin, .fromUs.with { $0.seq = localISS + 2; $0.ackNumber = remoteISS + 2 })
        #expect(h.state == .closing)
        #expect(h.events == [.endOfStream])
    }

    // RFC 9293 §3.10.7.4 fifth then eighth step: a FIN that also acknowledges our FIN goes straight to
    // TIME-WAIT (through FIN-WAIT-2).
    @Test func peerFinAckingOurFinEntersTimeWait() {
        var h = Harness.finWait1()
        h.expectReply(to: peerFin.with { $0.ackNumber = localISS + 2 },
                      .fromUs.with { $0.seq = localISS + 2; $0.ackNumber = remoteISS + 2 })
        #expect(h.transitions.map(\.to) == [.finWait2, .timeWait])
        #expect(h.connection.nextDeadline == h.now + twoMSL)
    }

    // RFC 9293 §3.10.7.4 seventh step: FIN-WAIT-1 still receives data.
    @Test func dataIsStillDelivered() {
        var h = Harness.finWait1()
        h.send(Harness.peerData(bytes(10)))
        #expect(h.read() == bytes(10))
    }

    // RFC 9293 §3.10.2: SEND after CLOSE is an error "connection closing".
    @Test func sendAfterCloseFails() {
        var h = Harness.finWait1()
        var out = TCPOutput()
        #expect(throws: ConnectionError.closing) { try h.connection.send(bytes(1), now: h.now, into: &out) }
    }
}

@Suite("FIN-WAIT-2")
struct FinWait2Tests {
    // RFC 9293 §3.10.7.4 eighth step (FIN-WAIT-2): enter TIME-WAIT, start the 2·MSL timer, ACK the FIN.
    @Test func peerFinIsAckedAndEntersTimeWait() {
        var h = Harness.finWait2()
        h.advance(by: .seconds(3))
        h.expectReply(to: peerFin.with { $0.ackNumber = localISS + 2 },
                      .fromUs.with { $0.seq = localISS + 2; $0.ackNumber = remoteISS + 2 })
        #expect(h.state == .timeWait)
        #expect(h.events == [.endOfStream])
        #expect(h.transitions.map(\.cause) == [.segment("FIN")])
        #expect(h.connection.nextDeadline == SimInstant.zero + .seconds(3) + twoMSL)
    }

    // RFC 9293 §3.10.7.4 seventh step: FIN-WAIT-2 still receives data.
    @Test func dataIsStillDelivered() {
        var h = Harness.finWait2()
        h.send(Harness.peerData(bytes(10)))
        #expect(h.read() == bytes(10))
    }
}

@Suite("CLOSING")
struct ClosingTests {
    // RFC 9293 §3.10.7.4 fifth step (CLOSING): the ACK of our FIN enters TIME-WAIT.
    @Test func ackOfFinEntersTimeWait() {
        var h = Harness.closing()
        h.expectReply(to: .fromPeer.with { $0.seq = remoteISS + 2; $0.ackNumber = localISS + 2 })
        #expect(h.state == .timeWait)
        #expect(h.transitions.map(\.cause) == [.segment("ACK of FIN")])
        #expect(h.connection.nextDeadline == h.now + twoMSL)
    }

    // The simultaneous close of RFC 9293 §3.6 Figure 13: FIN-WAIT-1 → CLOSING → TIME-WAIT → CLOSED.
    @Test func simultaneousCloseEndsInClosedAfterTwoMSL() {
        var h = Harness.closing()
        h.advance(by: .milliseconds(10))
        h.send(.fromPeer.with { $0.seq = remoteISS + 2; $0.ackNumber = localISS + 2 })
        h.advance(by: twoMSL - .nanoseconds(1))
        #expect(h.state == .timeWait)
        h.advance(by: .nanoseconds(1))
        #expect(h.state == .closed)
        #expect(h.events == [.closed])
        #expect(h.allTransitions.map(\.to) == [.connectSyn, .established, .finWait1, .closing, .timeWait, .closed])
    }

    // RFC 6298 (5.4): our FIN is still retransmitted in CLOSING.
    @Test func unacknowledgedFinIsRetransmitted() {
        var h = Harness.closing()
        #expect(h.advance(by: .seconds(1)) == [ourFin.with { $0.ackNumber = remoteISS + 2 }])
    }
}

@Suite("TIME-WAIT")
struct TimeWaitTests {
    // RFC 9293 §3.10.8 (timeouts) / §3.4.2: TIME-WAIT lasts exactly 2·MSL, then the TCB is deleted.
    @Test func closesAfterExactlyTwoMSL() {
        var h = Harness.timeWait()
        #expect(h.advance(by: twoMSL - .nanoseconds(1)) == [])
        #expect(h.state == .timeWait)
        #expect(h.advance(by: .nanoseconds(1)) == [])
        #expect(h.state == .closed)
        #expect(h.now == SimInstant.zero + twoMSL)
        #expect(h.events == [.closed])
        #expect(h.transitions.map(\.cause) == [.timer("TIME-WAIT 2·MSL expired")])
        #expect(h.connection.nextDeadline == nil)
    }

    // RFC 9293 §3.10.7.4 eighth step (TIME-WAIT): "The only thing that can arrive in this state is a
    // retransmission of the remote FIN. Acknowledge it, and restart the 2 MSL timeout."
    @Test func retransmittedFinIsAckedAndRestartsTwoMSL() {
        var h = Harness.timeWait()
        h.advance(by: .seconds(20))
        h.expectReply(to: peerFin.with { $0.ackNumber = localISS + 2 },
                      .fromUs.with { $0.seq = localISS + 2; $0.ackNumber = remoteISS + 2 })
        #expect(h.state == .timeWait)
        #expect(h.connection.nextDeadline == SimInstant.zero + .seconds(20) + twoMSL)
        h.advance(by: twoMSL - .nanoseconds(1))
        #expect(h.state == .timeWait)
        h.advance(by: .nanoseconds(1))
        #expect(h.state == .closed)
    }

    // Nothing of ours is outstanding: no retransmission timer runs in TIME-WAIT.
    @Test func noOtherTimerRuns() {
        let h = Harness.timeWait()
        #expect(h.connection.retransmitDeadline == nil)
        #expect(h.connection.nextDeadline == h.now + twoMSL)
    }
}

@Suite("CLOSE-WAIT")
struct CloseWaitTests {
    // RFC 9293 §3.10.4 (CLOSE, CLOSE-WAIT): queue a FIN, enter LAST-ACK.
    @Test func closeSendsFinAndEntersLastAck() {
        var h = Harness.closeWait()
        #expect(h.close() == [ourFin.with { $0.ackNumber = remoteISS + 2 }])
        #expect(h.state == .lastAck)
        #expect(h.transitions.map(\.cause) == [.call("close()")])
    }

    // RFC 9293 §3.10.2: SEND in CLOSE-WAIT is allowed; data still flows to the peer.
    @Test func dataCanStillBeSent() {
        var h = Harness.closeWait()
        #expect(h.write(bytes(10)) == [
            .dataFromUs(10, flags: [.ack, .psh]).with { $0.ackNumber = remoteISS + 2 }
        ])
    }

    // RFC 9293 §3.10.7.4 eighth step (CLOSE-WAIT): a retransmitted FIN stays in CLOSE-WAIT, and is ACKed.
    @Test func retransmittedFinIsAcked() {
        var h = Harness.closeWait()
        h.expectReply(to: peerFin, .fromUs.with { $0.ackNumber = remoteISS + 2 })
        #expect(h.state == .closeWait)
    }
}

@Suite("LAST-ACK")
struct LastAckTests {
    // RFC 9293 §3.10.7.4 fifth step (LAST-ACK): the ACK of our FIN deletes the TCB (CLOSED).
    @Test func ackOfFinEntersClosed() {
        var h = Harness.lastAck()
        h.expectReply(to: .fromPeer.with { $0.seq = remoteISS + 2; $0.ackNumber = localISS + 2 })
        #expect(h.state == .closed)
        #expect(h.events == [.closed])
        #expect(h.transitions.map(\.cause) == [.segment("ACK of FIN")])
        #expect(h.connection.nextDeadline == nil)
    }

    // The passive close of RFC 9293 §3.6 Figure 12 (right side): ESTABLISHED → CLOSE-WAIT → LAST-ACK → CLOSED.
    @Test func passiveCloseGoesThroughCloseWaitAndLastAckToClosed() {
        var h = Harness.lastAck()
        h.send(.fromPeer.with { $0.seq = remoteISS + 2; $0.ackNumber = localISS + 2 })
        #expect(h.allTransitions.map(\.to) == [.connectSyn, .established, .closeWait, .lastAck, .closed])
        #expect(h.allEvents == [.connected, .endOfStream, .closed])
    }

    // RFC 6298 (5.4): the unacknowledged FIN is retransmitted in LAST-ACK.
    @Test func unacknowledgedFinIsRetransmitted() {
        var h = Harness.lastAck()
        #expect(h.advance(by: .seconds(1)) == [ourFin.with { $0.ackNumber = remoteISS + 2 }])
        #expect(h.state == .lastAck)
    }
}
