import SimClock
import TCPCore
import TCPWire
import Testing

@Suite("SYN-SENT")
struct SynSentTests {
    // RFC 9293 §3.5 (Figure 6, line 2) and §3.10.1: an active OPEN sends <SEQ=ISS><CTL=SYN> and enters SYN-SENT;
    // §3.7.1: the SYN carries our MSS. The window of a SYN is never scaled (RFC 7323 §2.2).
    @Test func activeOpenSendsSynWithIssMssAndWindow() {
        let h = Harness.synSent()
        #expect(h.lastSent == [
            .fromUs.with {
                $0.seq = localISS
                $0.ackNumber = SeqNumber(0)
                $0.flags = .syn
                $0.window = 65535
                $0.options = [.maximumSegmentSize(1460)]
            }
        ])
        #expect(h.transitions == [
            StateTransition(time: .zero, connection: connectionID, from: .closed, to: .connectSyn,
                            cause: .call("connect()"))
        ])
        #expect(h.events.isEmpty)
        #expect(h.connection.bytesInFlight == 1)
    }

    // RFC 9293 §3.10.7.3 fourth step: a SYN,ACK acknowledging our SYN sets RCV.NXT = SEG.SEQ+1 and
    // SND.UNA = SEG.ACK, enters ESTABLISHED and sends <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.
    @Test func synAckIsAcknowledgedAndTheConnectionIsEstablished() {
        var h = Harness.synSent()
        h.advance(by: .milliseconds(30))
        h.expectReply(to: .peerSynAck, .fromUs.with { $0.seq = localISS + 1; $0.ackNumber = remoteISS + 1 })
        #expect(h.state == .established)
        #expect(h.transitions == [
            StateTransition(time: SimInstant.zero + .milliseconds(30), connection: connectionID,
                            from: .connectSyn, to: .established, cause: .segment("SYN,ACK"))
        ])
        #expect(h.events == [.connected])
        #expect(h.allTransitions.map(\.to) == [.connectSyn, .established])
        #expect(h.connection.send.unacknowledged == localISS + 1)
        #expect(h.connection.send.next == localISS + 1)
        #expect(h.connection.receive.next == remoteISS + 1)
        #expect(h.connection.send.window == 8192)
        #expect(h.connection.bytesInFlight == 0)
        #expect(h.connection.nextDeadline == nil)
    }

    // RFC 9293 §3.10.7.3 first step: SEG.ACK =< ISS or SEG.ACK > SND.NXT is unacceptable;
    // answer <SEQ=SEG.ACK><CTL=RST> and stay in SYN-SENT.
    @Test func synAckWithBadAckIsAnsweredWithReset() {
        var h = Harness.synSent()
        h.expectReply(to: .peerSynAck.with { $0.ackNumber = localISS + 7 },
                      .rstFromUs(seq: localISS + 7))
        #expect(h.state == .connectSyn)
        #expect(h.events.isEmpty)
    }

    // RFC 9293 §3.10.7.3 second step: a RST with an acceptable ACK means "connection reset" (refused):
    // drop the segment, enter CLOSED.
    @Test func resetWithAcceptableAckRefusesTheConnection() {
        var h = Harness.synSent()
        h.expectReply(to: .fromPeer.with { $0.seq = SeqNumber(0); $0.flags = [.rst, .ack] })
        #expect(h.state == .closed)
        #expect(h.events == [.refused])
        #expect(h.transitions.map(\.cause) == [.segment("RST")])
        #expect(h.connection.nextDeadline == nil)
    }

    // RFC 9293 §3.10.7.3 first step: with an unacceptable ACK and RST set, "drop the segment and return".
    @Test func resetWithBadAckIsIgnored() {
        var h = Harness.synSent()
        let reset = TCPSegment.fromPeer.with { $0.seq = SeqNumber(0); $0.flags = [.rst, .ack] }
        h.expectReply(to: reset.with { $0.ackNumber = localISS + 9 })
        h.expectReply(to: reset.with { $0.ackNumber = localISS })
        #expect(h.state == .connectSyn)
        #expect(h.events.isEmpty)
        #expect(h.allTransitions.count == 1)
    }

    // RFC 9293 §3.10.7.3 second step: "If the ACK bit is off ... drop the segment" for a RST without ACK
    // (RFC 5961 §3.2 leaves SYN-SENT to this rule).
    @Test func resetWithoutAckIsIgnored() {
        var h = Harness.synSent()
        h.expectReply(to: .fromPeer.with { $0.seq = remoteISS; $0.flags = .rst })
        #expect(h.state == .connectSyn)
    }

    // RFC 6298 (2.1), (5.5): the SYN is retransmitted after the initial RTO of 1 s, then after 2 s, 4 s….
    // RFC 9293 §3.8.3 (R2) for a SYN: give up after `maximumSynRetransmissions`, reporting a time-out.
    @Test func synIsRetransmittedWithDoublingTimeoutThenGivesUp() {
        var parameters = TCPParameters.rfc9293
        parameters.maximumSynRetransmissions = 3
        var h = Harness.synSent(parameters)
        let syn = h.lastSent
        #expect(h.advance(by: .milliseconds(999)) == [])
        #expect(h.advance(by: .milliseconds(1)) == syn)                    // t = 1 s
        #expect(h.advance(by: .milliseconds(1999)) == [])
        #expect(h.advance(by: .milliseconds(1)) == syn)                    // t = 3 s
        #expect(h.advance(by: .seconds(4)) == syn)                         // t = 7 s
        #expect(h.connection.retransmissions == 3)
        #expect(h.state == .connectSyn)
        #expect(h.advance(by: .milliseconds(7999)) == [])
        #expect(h.advance(by: .milliseconds(1)) == [])                     // t = 15 s: the fourth expiry gives up
        #expect(h.state == .closed)
        #expect(h.events == [.timedOut])
        #expect(h.transitions.map(\.from) == [.connectSyn])
        #expect(h.now == SimInstant.zero + .seconds(15))
        #expect(h.connection.nextDeadline == nil)
    }

    // RFC 6298 (5.7): when the SYN timed out and the RTO is below 3 s, the RTO is re-initialised to 3 s
    // once data transmission begins.
    @Test func retransmittedSynLeavesRtoOfThreeSecondsForData() {
        var h = Harness.synSent()
        h.advance(by: .seconds(1))                                       // SYN retransmitted, RTO 2 s
        h.advance(by: .milliseconds(100))
        h.send(.peerSynAck)
        #expect(h.state == .established)
        #expect(h.connection.retransmissionTimeout == .seconds(3))
        h.write(bytes(100))
        #expect(h.advance(by: .milliseconds(2999)) == [])
        #expect(h.advance(by: .milliseconds(1)).count == 1)
    }

    // RFC 9293 §3.10.7.3 fourth step, simultaneous open: a SYN without ACK moves to SYN-RECEIVED and
    // sends <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
    @Test func bareSynMeansSimultaneousOpen() {
        var h = Harness.synSent()
        h.expectReply(to: .peerSyn,
                      .fromUs.with {
                          $0.seq = localISS
                          $0.flags = [.syn, .ack]
                          $0.options = [.maximumSegmentSize(1460)]
                      })
        #expect(h.state == .synReceived)
        #expect(h.transitions.map(\.to) == [.synReceived])
        // Our SYN,ACK is acknowledged: ESTABLISHED.
        h.expectReply(to: .fromPeer)
        #expect(h.state == .established)
        #expect(h.events == [.connected])
    }

    // RFC 9293 §3.10.4: CLOSE in SYN-SENT deletes the TCB and enters CLOSED.
    @Test func closeBeforeTheAnswerEntersClosed() {
        var h = Harness.synSent()
        #expect(h.close() == [])
        #expect(h.state == .closed)
        #expect(h.connection.nextDeadline == nil)
    }
}

@Suite("SYN-RECEIVED")
struct SynReceivedTests {
    // RFC 9293 §3.10.7.2 (LISTEN, third check): record IRS, RCV.NXT = SEG.SEQ+1, send
    // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> with our MSS, enter SYN-RECEIVED.
    @Test func acceptedSynIsAnsweredWithSynAck() {
        let h = Harness.synReceived()
        #expect(h.lastSent == [
            .fromUs.with {
                $0.seq = localISS
                $0.ackNumber = remoteISS + 1
                $0.flags = [.syn, .ack]
                $0.window = 65535
                $0.options = [.maximumSegmentSize(1460)]
            }
        ])
        #expect(h.transitions == [
            StateTransition(time: .zero, connection: connectionID, from: .listen, to: .synReceived,
                            cause: .segment("SYN"))
        ])
        #expect(h.events.isEmpty)
        #expect(h.connection.receive.next == remoteISS + 1)
        #expect(h.connection.send.window == 8192)
    }

    // RFC 9293 §3.10.7.4 fifth step (SYN-RECEIVED): SND.UNA < SEG.ACK =< SND.NXT enters ESTABLISHED,
    // and nothing needs to be sent.
    @Test func ackOfSynAckEstablishesTheConnection() {
        var h = Harness.synReceived()
        h.advance(by: .milliseconds(20))
        h.expectReply(to: .fromPeer.with { $0.window = 4000 })
        #expect(h.state == .established)
        #expect(h.transitions == [
            StateTransition(time: SimInstant.zero + .milliseconds(20), connection: connectionID,
                            from: .synReceived, to: .established, cause: .segment("ACK of SYN"))
        ])
        #expect(h.events == [.connected])
        #expect(h.connection.send.unacknowledged == localISS + 1)
        #expect(h.connection.send.window == 4000)
        #expect(h.connection.nextDeadline == nil)
        #expect(h.connection.smoothedRTT == .milliseconds(20))
    }

    // RFC 9293 §3.10.7.4 fifth step (SYN-RECEIVED): an unacceptable ACK is answered <SEQ=SEG.ACK><CTL=RST>.
    @Test func ackOutsideTheSynIsAnsweredWithReset() {
        var h = Harness.synReceived()
        h.expectReply(to: .fromPeer.with { $0.ackNumber = localISS + 50 },
                      .rstFromUs(seq: localISS + 50))
        #expect(h.state == .synReceived)
    }

    // RFC 6298 (5.4)–(5.5) and §3.8.3 (R2): the SYN,ACK is retransmitted with backoff, and the open gives
    // up after `maximumSynRetransmissions`.
    @Test func synAckIsRetransmittedThenGivesUp() {
        var parameters = TCPParameters.rfc9293
        parameters.maximumSynRetransmissions = 2
        var h = Harness.synReceived(.peerSyn, parameters)
        let synAck = h.lastSent
        #expect(h.advance(by: .seconds(1)) == synAck)
        #expect(h.advance(by: .seconds(2)) == synAck)
        #expect(h.advance(by: .milliseconds(3999)) == [])
        #expect(h.state == .synReceived)
        h.advance(by: .milliseconds(1))
        #expect(h.state == .closed)
        #expect(h.events == [.timedOut])
    }

    // RFC 9293 §3.10.4 (CLOSE in SYN-RECEIVED): the FIN is "queued for processing after entering ESTABLISHED
    // state". Meanwhile the SYN,ACK is still retransmitted (RFC 6298 (5.4)); the FIN follows the ACK of our
    // SYN at ISS+1, and its ACK leads to FIN-WAIT-2.
    @Test func closeBeforeTheHandshakeCompletesSendsTheFinAfterIt() {
        var h = Harness.synReceived()
        let synAck = h.lastSent
        #expect(h.close() == [])
        var out = TCPOutput()
        #expect(throws: ConnectionError.closing) { try h.connection.send(bytes(1), now: h.now, into: &out) }
        #expect(h.advance(by: .seconds(1)) == synAck)
        h.expectReply(to: .fromPeer, .fromUs.with { $0.flags = [.fin, .ack] })
        #expect(h.state == .finWait1)
        #expect(h.allEvents == [.connected])
        h.expectReply(to: .fromPeer.with { $0.ackNumber = localISS + 2 })
        #expect(h.state == .finWait2)
        #expect(h.allTransitions.allSatisfy { $0.from != $0.to })
    }

    // A retransmitted SYN means our SYN,ACK was lost: it is sent again (RFC 9293 §3.10.7.4 leaves this
    // to the implementation; answering beats a challenge ACK the peer in SYN-SENT would reset).
    @Test func retransmittedSynGetsTheSynAckAgain() {
        var h = Harness.synReceived()
        let synAck = h.lastSent
        h.advance(by: .milliseconds(500))
        #expect(h.send(.peerSyn) == synAck)
        #expect(h.state == .synReceived)
    }
}

@Suite("state names")
struct StateNameTests {
    @Test(arguments: TCPState.allCases)
    func everyFreeRTOSNameParsesToItsState(state: TCPState) {
        #expect(TCPState(name: state.freeRTOSName) == state)
    }

    @Test func rfcAndSwiftSpellingsParse() {
        #expect(TCPState(name: "CLOSE-WAIT") == .closeWait)
        #expect(TCPState(name: "CLOSE_WAIT") == .closeWait)
        #expect(TCPState(name: "closeWait") == .closeWait)
        #expect(TCPState(name: "SYN-RECEIVED") == .synReceived)
        #expect(TCPState(name: "SYN-SENT") == .connectSyn)
        #expect(TCPState(name: "ESTABLISHED") == .established)
        #expect(TCPState(name: "eESTABLISHED") == .established)
        #expect(TCPState(name: "NOT-A-STATE") == nil)
    }
}
