import SimClock
import TCPCore
import TCPWire
import Testing

/// A challenge ACK or plain ACK from our current state: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.
func ackFromUs(_ h: Harness) -> TCPSegment {
    .fromUs.with {
        $0.seq = h.connection.send.next
        $0.ackNumber = h.connection.receive.next
    }
}

@Suite("RST and SYN in synchronized states and SYN-RECEIVED")
struct ResetTests {
    // RFC 9293 §3.10.7.4 second step with RFC 5961 §3.2: "If the RST bit is set and the sequence number
    // exactly matches the next expected sequence number (RCV.NXT), then TCP MUST reset the connection."
    // The user hears "connection reset" (ESTABLISHED, FIN-WAIT-1/2, CLOSE-WAIT, and SYN-RECEIVED), or the
    // connection simply closes (CLOSING, LAST-ACK, TIME-WAIT: "enter the CLOSED state ... and return").
    @Test(arguments: Reached.allCases)
    func resetAtRcvNxtCloses(_ reached: Reached) {
        var h = reached.harness()
        let before = h.state
        h.expectReply(to: .fromPeer.with { $0.seq = h.connection.receive.next; $0.flags = .rst })
        #expect(h.state == .closed)
        let expected: ConnectionEvent = [.closing, .lastAck, .timeWait].contains(before) ? .closed : .reset
        #expect(h.events == [expected])
        #expect(h.transitions.map(\.from) == [before])
        #expect(h.transitions.map(\.cause) == [.segment("RST")])
        #expect(h.connection.nextDeadline == nil)
    }

    // The same with the ACK bit set (RST,ACK), as stacks usually send it.
    @Test(arguments: Reached.allCases)
    func resetAckAtRcvNxtCloses(_ reached: Reached) {
        var h = reached.harness()
        h.expectReply(to: .fromPeer.with { $0.seq = h.connection.receive.next; $0.flags = [.rst, .ack] })
        #expect(h.state == .closed)
    }

    // RFC 5961 §3.2: "If the RST bit is set and the sequence number does not exactly match the next
    // expected sequence value, yet is within the current receive window, TCP MUST send an acknowledgment
    // (challenge ACK): <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>" and keep the connection.
    @Test(arguments: Reached.allCases)
    func resetInsideTheWindowGetsAChallengeAck(_ reached: Reached) {
        var h = reached.harness()
        let before = h.state
        for offset in [1, 1000, 65534] {
            h.expectReply(to: .fromPeer.with { $0.seq = h.connection.receive.next + offset; $0.flags = .rst },
                          ackFromUs(h))
            #expect(h.state == before, "offset \(offset)")
            #expect(h.events.isEmpty)
        }
    }

    // RFC 9293 §3.10.7.4 first step / RFC 5961 §3.2: "If the RST bit is set and the sequence number is
    // outside the current receive window, silently drop the segment."
    @Test(arguments: Reached.allCases)
    func resetOutsideTheWindowIsIgnored(_ reached: Reached) {
        var h = reached.harness()
        let before = h.state
        for offset in [65535, 100_000, -1, -5000] {
            h.expectReply(to: .fromPeer.with { $0.seq = h.connection.receive.next + offset; $0.flags = .rst })
            #expect(h.state == before, "offset \(offset)")
            #expect(h.last.isEmpty)
        }
    }

    // RFC 5961 §4.2 / RFC 9293 §3.10.7.4 fourth step: "If the SYN bit is set, irrespective of the sequence
    // number, TCP MUST send an ACK (also referred to as challenge ACK) to the remote peer" and drop it.
    @Test(arguments: Reached.synchronized)
    func synGetsAChallengeAck(_ reached: Reached) {
        var h = reached.harness()
        let before = h.state
        for seq in [h.connection.receive.next, h.connection.receive.next + 100, remoteISS + 900_000] {
            let syn = TCPSegment.peerSyn.with { $0.seq = seq }
            h.expectReply(to: syn, ackFromUs(h))
            #expect(h.state == before)
            #expect(h.last.events.isEmpty && h.last.transitions.isEmpty)
        }
    }

    // RFC 9293 §3.10.7.4 fifth step: "If the ACK acknowledges something not yet sent (SEG.ACK > SND.NXT),
    // then send an ACK, drop the segment, and return." The text it carries is not delivered.
    @Test(arguments: Reached.synchronized)
    func ackOfUnsentDataIsAckedAndDropped(_ reached: Reached) {
        var h = reached.harness()
        let before = h.state
        let receiveNext = h.connection.receive.next
        h.expectReply(to: .fromPeer.with {
                          $0.seq = receiveNext
                          $0.ackNumber = h.connection.send.next + 10
                          $0.payload = bytes(20)[...]
                      },
                      ackFromUs(h))
        #expect(h.state == before)
        #expect(h.connection.receive.next == receiveNext)
        #expect(h.connection.readableCount == 0)
    }

    // RFC 9293 §3.10.7.4 first step: "If an incoming segment is not acceptable, an acknowledgment should be
    // sent in reply (unless the RST bit is set ...)".
    @Test(arguments: Reached.allCases)
    func unacceptableSegmentIsAcked(_ reached: Reached) {
        var h = reached.harness()
        let before = h.state
        let receiveNext = h.connection.receive.next
        // Beyond the window, and entirely old.
        for seq in [receiveNext + 70_000, receiveNext - 100] {
            h.expectReply(to: .fromPeer.with {
                              $0.seq = seq
                              $0.ackNumber = h.connection.send.next
                              $0.payload = bytes(20)[...]
                          },
                          ackFromUs(h))
            #expect(h.state == before)
            #expect(h.connection.receive.next == receiveNext)
        }
    }

    // RFC 9293 §3.10.5 (ABORT): in a synchronized state, send <SEQ=SND.NXT><CTL=RST> and enter CLOSED.
    @Test(arguments: Reached.allCases)
    func abortSendsResetAtSndNxt(_ reached: Reached) {
        var h = reached.harness()
        let next = h.connection.send.next
        #expect(h.abort() == [.rstFromUs(seq: next)])
        #expect(h.state == .closed)
        #expect(h.connection.nextDeadline == nil)
    }
}
