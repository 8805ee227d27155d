import SimClock
import TCPCore
import TCPWire
import Testing

// A scripted peer for one `TCPConnection`, in virtual time.
//
// The harness plays the remote end by hand: every segment the connection sees is built in a test from the
// `fromPeer` template, and every segment it answers with is compared with the `fromUs` template. Time moves
// only through `advance`, which fires each due timer at its exact deadline. Fixtures are named after the
// state they reach, and reach it by driving real segments, never by setting fields.

// MARK: - Addresses and initial sequence numbers

let ourAddress = Endpoint(IPv4Address(192, 0, 2, 1), 49152)
let peerAddress = Endpoint(IPv4Address(192, 0, 2, 2), 80)
/// Our ISS (`initialSequence`), the same for active and passive opens.
let localISS = SeqNumber(1000)
/// The scripted peer's ISS.
let remoteISS = SeqNumber(5000)
let connectionID = ConnectionID(1)

extension TCPSegment {
    /// A segment from the scripted peer: ACK set, acknowledging our SYN, a 65535-byte window.
    static let fromPeer = TCPSegment(
        sourcePort: peerAddress.port, destinationPort: ourAddress.port, seq: remoteISS + 1,
        ackNumber: localISS + 1, flags: .ack, window: 65535)

    /// A segment from the connection under test, as it looks right after the handshake.
    static let fromUs = TCPSegment(
        sourcePort: ourAddress.port, destinationPort: peerAddress.port, seq: localISS + 1,
        ackNumber: remoteISS + 1, flags: .ack, window: 65535)

    /// Our RST: <SEQ=seq><CTL=RST>, no ACK, a zero window.
    static func rstFromUs(seq: SeqNumber) -> TCPSegment {
        .fromUs.with {
            $0.seq = seq
            $0.ackNumber = SeqNumber(0)
            $0.flags = .rst
            $0.window = 0
        }
    }

    /// Our data segment right after the handshake: `count` bytes at `offset` past ISS+1.
    static func dataFromUs(_ count: Int, at offset: Int = 0, flags: TCPFlags = .ack) -> TCPSegment {
        .fromUs.with {
            $0.seq = localISS + 1 + offset
            $0.flags = flags
            $0.payload = bytes(count, from: offset)[...]
        }
    }

    /// The peer's SYN (passive open) with an MSS option.
    static let peerSyn = TCPSegment.fromPeer.with {
        $0.seq = remoteISS
        $0.ackNumber = SeqNumber(0)
        $0.flags = .syn
        $0.window = 8192
        $0.options = [.maximumSegmentSize(1460)]
    }

    /// The peer's SYN,ACK answering our SYN (active open).
    static let peerSynAck = TCPSegment.fromPeer.with {
        $0.seq = remoteISS
        $0.ackNumber = localISS + 1
        $0.flags = [.syn, .ack]
        $0.window = 8192
        $0.options = [.maximumSegmentSize(1460)]
    }
}

extension TCPSegment: CustomTestStringConvertible {
    public var testDescription: String { summary }
}

/// `count` bytes counting up from `start` (mod 256), so that reordering shows in the data.
func bytes(_ count: Int, from start: Int = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: start + $0) }
}

extension TCPParameters {
    /// RFC 7323 window scaling offered with shift 7 and a buffer too large for an unscaled window.
    static let scaled = TCPParameters(receiveBufferSize: 131_072, windowScale: 7)
}

// MARK: - Harness

struct Harness {
    var connection: TCPConnection
    var now: SimInstant
    /// The output of the most recent step (segments, events, transitions).
    var last = TCPOutput()
    /// Every event and transition since the connection was born, in order.
    var allEvents: [ConnectionEvent] = []
    var allTransitions: [StateTransition] = []

    /// Events and transitions of the most recent step.
    var events: [ConnectionEvent] { last.events.map(\.1) }
    var transitions: [StateTransition] { last.transitions }
    var state: TCPState { connection.state }
    /// The segments sent in the most recent step.
    var lastSent: [TCPSegment] { last.segments.map(\.segment) }

    private init(connection: TCPConnection, now: SimInstant, birth: TCPOutput) {
        self.connection = connection
        self.now = now
        record(birth)
    }

    /// Active open at `now`: the connection sends its SYN.
    static func connecting(_ parameters: TCPParameters = .rfc9293, at now: SimInstant = .zero) -> Harness {
        var out = TCPOutput()
        let connection = TCPConnection(
            id: connectionID, local: ourAddress, remote: peerAddress, initialSequence: localISS,
            parameters: parameters, connectingAt: now, into: &out)
        return Harness(connection: connection, now: now, birth: out)
    }

    /// Passive open: a listener accepted `syn` at `now` and the child answers with SYN,ACK.
    static func accepting(
        _ syn: TCPSegment = .peerSyn, _ parameters: TCPParameters = .rfc9293, at now: SimInstant = .zero
    ) -> Harness {
        var out = TCPOutput()
        let connection = TCPConnection(
            id: connectionID, local: ourAddress, remote: peerAddress, initialSequence: localISS,
            parameters: parameters, acceptingSyn: syn, now: now, into: &out)
        return Harness(connection: connection, now: now, birth: out)
    }

    private mutating func record(_ out: TCPOutput) {
        last = out
        allEvents += out.events.map(\.1)
        allTransitions += out.transitions
    }

    private mutating func step(_ body: (inout TCPConnection, SimInstant, inout TCPOutput) -> Void) -> [TCPSegment] {
        var out = TCPOutput()
        body(&connection, now, &out)
        record(out)
        return out.segments.map(\.segment)
    }

    // MARK: Verbs

    /// The peer's segment arrives now; returns what the connection sent in reply.
    @discardableResult mutating func send(_ segment: TCPSegment) -> [TCPSegment] {
        step { $0.receive(segment, now: $1, into: &$2) }
    }

    /// Feeds `segment` and expects exactly `expected` in reply (nothing, when none is given).
    mutating func expectReply(
        to segment: TCPSegment, _ expected: TCPSegment..., sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let replies = send(segment)
        #expect(replies == expected, sourceLocation: sourceLocation)
    }

    /// Moves virtual time forward by `duration`, firing every timer at its own deadline on the way.
    @discardableResult mutating func advance(by duration: SimDuration) -> [TCPSegment] {
        advance(to: now + duration)
    }

    @discardableResult mutating func advance(to target: SimInstant) -> [TCPSegment] {
        var sent: [TCPSegment] = []
        var combined = TCPOutput()
        var firings = 0
        while let deadline = connection.nextDeadline, deadline <= target {
            firings += 1
            guard firings <= 10_000 else {
                Issue.record("timer at \(deadline) keeps firing without moving (state \(connection.state))")
                break
            }
            now = max(now, deadline)
            var out = TCPOutput()
            connection.expireTimers(now: now, into: &out)
            combined.segments += out.segments
            combined.events += out.events
            combined.transitions += out.transitions
            sent += out.segments.map(\.segment)
        }
        now = max(now, target)
        record(combined)
        return sent
    }

    /// The application queues `data` (SEND); returns the segments sent at once.
    @discardableResult mutating func write(_ data: [UInt8], sourceLocation: SourceLocation = #_sourceLocation)
        -> [TCPSegment]
    {
        step { connection, now, out in
            do {
                let queued = try connection.send(data, now: now, into: &out)
                #expect(queued == data.count, "send buffer too small", sourceLocation: sourceLocation)
            } catch {
                Issue.record("send failed: \(error)", sourceLocation: sourceLocation)
            }
        }
    }

    /// The application queues as much of `data` as fits; returns how much, or the error.
    mutating func offer(_ data: [UInt8]) -> Result<Int, ConnectionError> {
        var result: Result<Int, ConnectionError> = .success(0)
        _ = step { connection, now, out in
            do throws(ConnectionError) {
                result = .success(try connection.send(data, now: now, into: &out))
            } catch {
                result = .failure(error)
            }
        }
        return result
    }

    /// The application reads (RECEIVE) up to `maximum` bytes; any window update it sends is in `lastSent`.
    mutating func read(upTo maximum: Int = .max) -> [UInt8] {
        var result: [UInt8] = []
        _ = step { result = $0.read(upTo: maximum, now: $1, into: &$2) }
        return result
    }

    /// The application closes (CLOSE); returns the segments sent at once.
    @discardableResult mutating func close() -> [TCPSegment] {
        step { $0.close(now: $1, into: &$2) }
    }

    /// The application aborts (ABORT).
    @discardableResult mutating func abort() -> [TCPSegment] {
        step { $0.abort(now: $1, into: &$2) }
    }

    /// A segment from the peer carrying `data` at `offset` bytes past the peer's ISS + 1.
    static func peerData(_ data: [UInt8], at offset: Int = 0, flags: TCPFlags = .ack) -> TCPSegment {
        .fromPeer.with {
            $0.seq = remoteISS + 1 + offset
            $0.flags = flags
            $0.payload = data[...]
        }
    }
}

// MARK: - Fixtures, named after the state they reach

extension Harness {
    /// SYN-SENT (`eCONNECT_SYN`): our SYN is out, nothing has come back.
    static func synSent(_ parameters: TCPParameters = .rfc9293) -> Harness {
        let h = connecting(parameters)
        #expect(h.state == .connectSyn)
        return h
    }

    /// SYN-RECEIVED, reached through `init(acceptingSyn:)`: our SYN,ACK is out.
    static func synReceived(_ syn: TCPSegment = .peerSyn, _ parameters: TCPParameters = .rfc9293) -> Harness {
        let h = accepting(syn, parameters)
        #expect(h.state == .synReceived)
        return h
    }

    /// ESTABLISHED by an active open: the peer's SYN,ACK arrives after `rtt`, we ACK it.
    static func established(
        _ parameters: TCPParameters = .rfc9293, synAck: TCPSegment = .peerSynAck, rtt: SimDuration = .zero
    ) -> Harness {
        var h = synSent(parameters)
        h.advance(by: rtt)
        h.send(synAck)
        #expect(h.state == .established)
        return h
    }

    /// ESTABLISHED by a passive open: the peer's ACK of our SYN,ACK arrives.
    static func establishedPassive(_ syn: TCPSegment = .peerSyn, _ parameters: TCPParameters = .rfc9293)
        -> Harness
    {
        var h = synReceived(syn, parameters)
        h.send(.fromPeer)
        #expect(h.state == .established)
        return h
    }

    /// FIN-WAIT-1: we closed; our FIN (seq ISS+1) is out and unacknowledged.
    static func finWait1() -> Harness {
        var h = established()
        h.close()
        #expect(h.state == .finWait1)
        return h
    }

    /// FIN-WAIT-2: the peer acknowledged our FIN and has not closed.
    static func finWait2() -> Harness {
        var h = finWait1()
        h.send(.fromPeer.with { $0.ackNumber = localISS + 2 })
        #expect(h.state == .finWait2)
        return h
    }

    /// CLOSING: both FINs crossed; ours is not yet acknowledged.
    static func closing() -> Harness {
        var h = finWait1()
        h.send(.fromPeer.with { $0.flags = [.fin, .ack] })
        #expect(h.state == .closing)
        return h
    }

    /// TIME-WAIT, by the usual path FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT.
    static func timeWait() -> Harness {
        var h = finWait2()
        h.send(.fromPeer.with { $0.flags = [.fin, .ack]; $0.ackNumber = localISS + 2 })
        #expect(h.state == .timeWait)
        return h
    }

    /// CLOSE-WAIT: the peer closed first; we have not.
    static func closeWait() -> Harness {
        var h = established()
        h.send(.fromPeer.with { $0.flags = [.fin, .ack] })
        #expect(h.state == .closeWait)
        return h
    }

    /// LAST-ACK: the peer closed, then we did; our FIN is unacknowledged.
    static func lastAck() -> Harness {
        var h = closeWait()
        h.close()
        #expect(h.state == .lastAck)
        return h
    }
}

/// The states the RST and SYN tests visit, each with the fixture that reaches it.
enum Reached: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case synReceived, established, establishedPassive, finWait1, finWait2, closeWait, closing, lastAck, timeWait

    static let synchronized = allCases.filter { $0 != .synReceived }

    var testDescription: String { rawValue }

    func harness() -> Harness {
        switch self {
        case .synReceived: .synReceived()
        case .established: .established()
        case .establishedPassive: .establishedPassive()
        case .finWait1: .finWait1()
        case .finWait2: .finWait2()
        case .closeWait: .closeWait()
        case .closing: .closing()
        case .lastAck: .lastAck()
        case .timeWait: .timeWait()
        }
    }
}
