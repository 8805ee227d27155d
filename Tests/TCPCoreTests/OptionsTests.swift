import SimClock
import TCPCore
import TCPWire
import Testing

@Suite("ESTABLISHED: MSS and window scaling")
struct OptionsTests {
    // RFC 9293 §3.7.1: segments we send carry at most the peer's MSS (minus nothing: no IP/TCP options here).
    @Test func peerMss536LimitsOurSegmentsTo536Bytes() {
        var h = Harness.established(
            synAck: .peerSynAck.with { $0.options = [.maximumSegmentSize(536)]; $0.window = 65535 })
        let sent = h.write(bytes(2000))
        #expect(sent.map(\.payload.count) == [536, 536, 536, 392])
        #expect(sent.allSatisfy { $0.payload.count <= 536 })
        #expect(h.connection.send.maximumSegmentSize == 536)
    }

    // RFC 9293 §3.7.1 (MUST-15): "If an MSS Option is not received at connection setup, TCP implementations
    // MUST assume a default send MSS of 536".
    @Test func missingMssOptionMeans536() {
        var h = Harness.established(synAck: .peerSynAck.with { $0.options = []; $0.window = 65535 })
        let sent = h.write(bytes(1200))
        #expect(sent.map(\.payload.count) == [536, 536, 128])
    }

    // The same two rules on a passive open.
    @Test func passiveOpenHonoursThePeerMss() {
        var h = Harness.establishedPassive(.peerSyn.with { $0.options = [] })
        #expect(h.connection.send.maximumSegmentSize == 536)
        var g = Harness.establishedPassive(.peerSyn.with { $0.options = [.maximumSegmentSize(1000)] })
        #expect(g.write(bytes(1500)).map(\.payload.count) == [1000, 500])
        #expect(h.write(bytes(600)).map(\.payload.count) == [536, 64])
    }

    // RFC 7323 §2.2: the option is sent in a SYN; in a SYN,ACK only when the SYN had it. §2.3: scaling is
    // in effect only when both sides sent the option.
    @Test func activeOpenOffersWindowScaleInTheSyn() {
        let h = Harness.synSent(.scaled)
        #expect(h.lastSent.first?.options == [.maximumSegmentSize(1460), .noOperation, .windowScale(7)])
    }

    @Test func synAckOffersWindowScaleOnlyWhenTheSynDid() {
        let without = Harness.synReceived(.peerSyn, .scaled)
        #expect(without.lastSent.first?.options == [.maximumSegmentSize(1460)])
        let with = Harness.synReceived(.peerSyn.with { $0.options += [.noOperation, .windowScale(2)] }, .scaled)
        #expect(with.lastSent.first?.options == [.maximumSegmentSize(1460), .noOperation, .windowScale(7)])
    }

    @Test func peerWithoutWindowScaleMeansNoScalingEitherWay() {
        var h = Harness.established(.scaled, synAck: .peerSynAck)
        // Our ACK advertises the unscaled window, capped at 65535.
        #expect(h.lastSent == [.fromUs.with { $0.window = 65535 }])
        #expect(h.connection.receive.scale == 0)
        // The peer's window field is taken as is.
        h.send(.fromPeer.with { $0.window = 1000 })
        #expect(h.connection.send.window == 1000)
    }

    @Test func weWithoutWindowScaleIgnoreThePeersOffer() {
        var h = Harness.synReceived(.peerSyn.with { $0.options += [.noOperation, .windowScale(2)] })
        #expect(h.lastSent.first?.options == [.maximumSegmentSize(1460)])
        h.send(.fromPeer.with { $0.window = 1000 })
        #expect(h.state == .established)
        #expect(h.connection.send.window == 1000)
        #expect(h.connection.send.scale == 0)
    }

    // RFC 7323 §2.3: after the SYN, the peer's window field is shifted left by the peer's shift count.
    @Test func peerWindowIsScaledByThePeersShiftAfterTheSyn() {
        var h = Harness.established(
            .scaled, synAck: .peerSynAck.with { $0.options += [.noOperation, .windowScale(2)]; $0.window = 65535 })
        h.send(.fromPeer.with { $0.window = 730 })
        #expect(h.connection.send.window == 2920)
        let sent = h.write(bytes(10_000))
        #expect(sent.map(\.payload.count) == [1460, 1460])
        #expect(h.connection.bytesInFlight == 2920)
    }

    // RFC 7323 §2.3: our window field is the window shifted right by our shift count.
    @Test func ourWindowFieldIsScaledByOurShift() {
        let h = Harness.established(
            .scaled, synAck: .peerSynAck.with { $0.options += [.noOperation, .windowScale(2)] })
        #expect(h.lastSent == [.fromUs.with { $0.window = UInt16(131_072 >> 7) }])
        #expect(h.connection.receive.scale == 7)
        #expect(h.connection.send.scale == 2)
    }

    // RFC 7323 §2.2: "The Window field in a SYN (i.e., a <SYN> or <SYN,ACK>) segment itself is never scaled."
    // Ours: the SYN and SYN,ACK advertise min(buffer, 65535), not buffer >> shift.
    @Test func ourSynAndSynAckWindowsAreNeverScaled() {
        #expect(Harness.synSent(.scaled).lastSent.first?.window == 65535)
        let passive = Harness.synReceived(.peerSyn.with { $0.options += [.noOperation, .windowScale(2)] }, .scaled)
        #expect(passive.lastSent.first?.window == 65535)
    }

    // Theirs: the window of the peer's SYN,ACK is taken unscaled even though it carries a shift of 2.
    @Test func peersSynAckWindowIsNeverScaled() {
        var h = Harness.established(
            .scaled, synAck: .peerSynAck.with { $0.options += [.noOperation, .windowScale(2)]; $0.window = 2920 })
        #expect(h.connection.send.window == 2920)
        h.write(bytes(10_000))
        #expect(h.connection.bytesInFlight == 2920)
    }

    // Theirs, passive open: the window of the peer's SYN is taken unscaled.
    @Test func peersSynWindowIsNeverScaled() {
        let h = Harness.synReceived(
            .peerSyn.with { $0.options += [.noOperation, .windowScale(2)]; $0.window = 2920 }, .scaled)
        #expect(h.connection.send.window == 2920)
    }
}
