import SimClock
import TCPCore
import TCPWire
import Testing

@Suite("ESTABLISHED: data transfer")
struct DataTransferTests {
    // RFC 9293 §3.8.6: the sender keeps at most SND.WND octets beyond SND.UNA in flight.
    @Test func sendingMoreThanThePeerWindowPutsOnlyAWindowInFlight() {
        var h = Harness.established(synAck: .peerSynAck.with { $0.window = 1000 })
        #expect(h.write(bytes(3000)) == [.dataFromUs(1000)])
        #expect(h.connection.bytesInFlight == 1000)
        #expect(h.connection.unsentCount == 2000)
    }

    // RFC 9293 §3.10.7.4 fifth step: an ACK advances SND.UNA and updates SND.WND; the freed window is used.
    @Test func ackOpeningTheWindowSendsMore() {
        var h = Harness.established(synAck: .peerSynAck.with { $0.window = 1000 })
        h.write(bytes(3000))
        h.expectReply(to: .fromPeer.with { $0.ackNumber = localISS + 1001; $0.window = 1000 },
                      .dataFromUs(1000, at: 1000))
        #expect(h.events == [.writable])
        #expect(h.connection.send.unacknowledged == localISS + 1001)
        // The last segment empties the queue and carries PSH.
        h.expectReply(to: .fromPeer.with { $0.ackNumber = localISS + 2001; $0.window = 1000 },
                      .dataFromUs(1000, at: 2000, flags: [.ack, .psh]))
        h.expectReply(to: .fromPeer.with { $0.ackNumber = localISS + 3001; $0.window = 1000 })
        #expect(h.connection.bytesInFlight == 0)
        #expect(h.connection.nextDeadline == nil)
    }

    // RFC 9293 §3.10.7.4 fifth step: a larger window (same SEG.ACK, SND.WL2 =< SEG.ACK) is a window update.
    @Test func pureWindowUpdateSendsMore() {
        var h = Harness.established(synAck: .peerSynAck.with { $0.window = 1000 })
        h.write(bytes(2000))
        h.send(.fromPeer.with { $0.ackNumber = localISS + 1001; $0.window = 0 })
        #expect(h.connection.bytesInFlight == 0)
        h.expectReply(to: .fromPeer.with { $0.ackNumber = localISS + 1001; $0.window = 2000 },
                      .dataFromUs(1000, at: 1000, flags: [.ack, .psh]))
    }

    // RFC 9293 §3.10.7.4 seventh step: in-order text goes to the user's buffer and RCV.NXT advances.
    @Test func inOrderDataIsDelivered() {
        var h = Harness.established()
        h.send(Harness.peerData(bytes(100)))
        #expect(h.events == [.readable])
        #expect(h.connection.readableCount == 100)
        #expect(h.connection.receive.next == remoteISS + 101)
        #expect(h.connection.peek(upTo: 10) == bytes(10))
        #expect(h.read() == bytes(100))
        h.send(Harness.peerData(bytes(50, from: 100), at: 100))
        #expect(h.read() == bytes(50, from: 100))
    }

    // RFC 9293 §3.10.7.4 seventh step and RFC 5681 §4.2: an out-of-order segment inside the window is held,
    // not delivered, and acknowledged at once with a duplicate ACK for RCV.NXT.
    @Test func outOfOrderDataIsHeldAndDuplicateAckedAtOnce() {
        var h = Harness.established()
        h.expectReply(to: Harness.peerData(bytes(100, from: 100), at: 100), .fromUs)
        #expect(h.connection.readableCount == 0)
        #expect(h.events.isEmpty)
        h.expectReply(to: Harness.peerData(bytes(100, from: 300), at: 300), .fromUs)
        #expect(h.connection.receive.next == remoteISS + 1)
    }

    // RFC 9293 §3.10.7.4 seventh step: when the gap fills, the held data follows in order;
    // RFC 5681 §4.2: a segment that fills a gap is acknowledged immediately.
    @Test func heldDataIsDeliveredWhenTheGapFills() {
        var h = Harness.established()
        h.send(Harness.peerData(bytes(100, from: 100), at: 100))
        h.expectReply(to: Harness.peerData(bytes(100)),
                      .fromUs.with { $0.ackNumber = remoteISS + 201; $0.window = 65535 - 200 })
        #expect(h.events == [.readable])
        #expect(h.read() == bytes(200))
        #expect(h.connection.nextDeadline == nil)
    }

    // A segment that fills part of the gap: delivered up to the next hole, the rest still held, ACKed at once.
    @Test func partlyFilledGapDeliversUpToTheNextHole() {
        var h = Harness.established()
        h.send(Harness.peerData(bytes(100, from: 200), at: 200))
        h.expectReply(to: Harness.peerData(bytes(100)),
                      .fromUs.with { $0.ackNumber = remoteISS + 101; $0.window = 65535 - 100 })
        h.send(Harness.peerData(bytes(100, from: 100), at: 100))
        #expect(h.read() == bytes(300))
    }

    // RFC 9293 §3.8.6.3 / RFC 1122 4.2.3.2: one small segment is acknowledged only when the delayed-ACK
    // timer (`delayedAckTimeout`, 40 ms here) fires.
    @Test func singleSmallSegmentIsAckedAfterTheDelayedAckTimeout() {
        var h = Harness.established()
        h.expectReply(to: Harness.peerData(bytes(100)))
        #expect(h.connection.nextDeadline == SimInstant.zero + .milliseconds(40))
        #expect(h.advance(by: .nanoseconds(39_999_999)) == [])
        #expect(h.advance(by: .nanoseconds(1)) == [.fromUs.with { $0.ackNumber = remoteISS + 101; $0.window = 65435 }])
        #expect(h.connection.nextDeadline == nil)
    }

    // RFC 9293 §3.8.6.3 / RFC 1122 4.2.3.2: "an ACK SHOULD be generated for at least every second
    // full-sized segment".
    @Test func secondFullSizedSegmentIsAckedAtOnce() {
        var h = Harness.established()
        h.expectReply(to: Harness.peerData(bytes(1460)))
        h.advance(by: .milliseconds(10))
        h.expectReply(to: Harness.peerData(bytes(1460, from: 1460), at: 1460),
                      .fromUs.with { $0.ackNumber = remoteISS + 2921; $0.window = UInt16(65535 - 2920) })
        #expect(h.connection.nextDeadline == nil)
    }

    // RFC 9293 §3.8.6.3: an ACK can ride on data; the data segment cancels the delayed ACK.
    @Test func dataSentBeforeTheTimerCarriesTheAck() {
        var h = Harness.established()
        h.send(Harness.peerData(bytes(100)))
        #expect(h.write(bytes(10)) == [
            .dataFromUs(10, flags: [.ack, .psh]).with { $0.ackNumber = remoteISS + 101; $0.window = 65435 }
        ])
        #expect(h.connection.delayedAckDeadline == nil)
    }

    // RFC 9293 §3.10.7.4 first step: a segment carrying only old data is not acceptable and is ACKed.
    @Test func duplicateDataIsAckedAndNotDeliveredTwice() {
        var h = Harness.established()
        h.send(Harness.peerData(bytes(100)))
        _ = h.read()
        h.expectReply(to: Harness.peerData(bytes(100)), .fromUs.with { $0.ackNumber = remoteISS + 101 })
        #expect(h.connection.readableCount == 0)
    }

    // RFC 9293 §3.10.7.4 seventh step: a segment overlapping RCV.NXT delivers only its new part.
    @Test func overlappingDataDeliversOnlyTheNewPart() {
        var h = Harness.established()
        h.send(Harness.peerData(bytes(100)))
        h.send(Harness.peerData(bytes(100, from: 50), at: 50))
        #expect(h.read() == bytes(150))
    }
}
