import SimClock
import TCPWire

// The RFC 9293 state diagram, with FreeRTOS+TCP's names beside the RFC's:
//
//                              +---------+ ---------\      active OPEN  (connect())
//                              |  CLOSED |            \    -----------
//                              | eCLOSED |              \   snd SYN
//                              +---------+                \
//                 passive OPEN |     ^                     \
//                 (listen())   |     | CLOSE                \
//                              V     |                       V
//                            +-------------+             +--------------+
//                            |   LISTEN    |             |   SYN-SENT   |
//                            | eTCP_LISTEN |             | eCONNECT_SYN |
//                            +-------------+             +--------------+
//           rcv SYN  (eSYN_FIRST) |    |       rcv SYN             |
//           snd SYN,ACK           |    |       snd SYN,ACK          |  rcv SYN,ACK
//                                 V    +-------------------+        |  snd ACK
//                       +---------------+                  |        |
//                       | SYN-RECEIVED  |<-----------------+        |
//                       | eSYN_RECEIVED |                           |
//                       +---------------+                           |
//                 rcv ACK of SYN |                                  |
//                                V                                  V
//          CLOSE          +--------------+        rcv FIN
//          snd FIN  +-----| ESTABLISHED  |-----+  snd ACK
//                   |     | eESTABLISHED |     |
//                   V     +--------------+     V
//        +-------------+                    +--------------+
//        | FIN-WAIT-1  |  rcv FIN           |  CLOSE-WAIT  |
//        | eFIN_WAIT_1 |--snd ACK--+        | eCLOSE_WAIT  |
//        +-------------+           |        +--------------+
//    rcv ACK of FIN |              V          CLOSE |  snd FIN
//                   V       +-----------+           V
//        +-------------+    |  CLOSING  |     +-----------+
//        | FIN-WAIT-2  |    | eCLOSING  |     | LAST-ACK  |
//        | eFIN_WAIT_2 |    +-----------+     | eLAST_ACK |
//        +-------------+  rcv ACK |           +-----------+
//             rcv FIN |   of FIN  V         rcv ACK of FIN |
//             snd ACK V    +-------------+                 V
//                     +--->|  TIME-WAIT  |--2MSL-->  CLOSED (eCLOSED)
//                          | eTIME_WAIT  |
//                          +-------------+
//
// Implementation. `TCPConnection` is the transmission control block of one connection: a value type whose
// state can only change through `transition(to:at:because:into:)`, which records the change and its cause.
// Every entry point takes `now` and an `inout TCPOutput`, and appends the segments to send, the events for
// the socket layer and the transitions; the caller carries them out. Timers are deadlines stored in the
// TCB (`nextDeadline`); the owner calls `expireTimers(now:into:)` when the earliest one is due.
//
// The rules that differ between stacks come from `parameters` (`TCPParameters`, `PersonalityKind`).
// Listening sockets live in the socket layer: a connection is born either by an active open or by a
// listener accepting a SYN (`init(acceptingSyn:...)`), never in LISTEN.

/// One TCP connection: the TCB and its explicit state machine (RFC 9293 §3.3).
public struct TCPConnection: Sendable {
    public let id: ConnectionID
    public let local: Endpoint
    public let remote: Endpoint
    public let parameters: TCPParameters
    public private(set) var state: TCPState

    /// SND.* (RFC 9293 §3.3.1).
    public struct SendSequence: Sendable, Equatable {
        /// ISS.
        public var initial: SeqNumber
        /// SND.UNA.
        public var unacknowledged: SeqNumber
        /// SND.NXT. Moves back to SND.UNA when a retransmission timeout restarts sending from there.
        public var next: SeqNumber
        /// The highest sequence number sent so far (SND.MAX); ACKs up to here are acceptable.
        public var highestSent: SeqNumber
        /// SND.WND, in bytes (already scaled).
        public var window: Int
        /// SND.WL1 / SND.WL2.
        public var lastWindowUpdateSeq: SeqNumber
        public var lastWindowUpdateAck: SeqNumber
        /// The shift applied to the peer's window field (its window-scale option, when both sides sent one).
        public var scale: UInt8
        /// The largest segment we may send: min(peer MSS, our MSS).
        public var maximumSegmentSize: Int
        /// The largest window the peer ever offered (for sender SWS avoidance).
        public var maximumWindow: Int
    }

    /// RCV.* (RFC 9293 §3.3.1).
    public struct ReceiveSequence: Sendable, Equatable {
        /// IRS.
        public var initial: SeqNumber
        /// RCV.NXT.
        public var next: SeqNumber
        /// The shift we apply to our advertised window.
        public var scale: UInt8
        /// The window we last advertised, in bytes (RCV.WND as the peer knows it).
        public var advertisedWindow: Int
    }

    public internal(set) var send: SendSequence
    public internal(set) var receive: ReceiveSequence

    /// Application data from SND.UNA on (acknowledged bytes are removed). Does not hold SYN or FIN.
    public internal(set) var sendBuffer = ByteQueue()
    /// Sequence number of `sendBuffer`'s first byte.
    var sendBufferStart: SeqNumber
    /// In-order data not yet read by the application.
    public internal(set) var receiveBuffer = ByteQueue()
    /// Out-of-order segments inside the window, sorted by sequence number.
    var outOfOrder: [(seq: SeqNumber, bytes: [UInt8])] = []

    /// The application closed its sending side; a FIN follows the queued data.
    public internal(set) var finQueued = false
    /// Sequence number our FIN occupies, once sent.
    public internal(set) var finSequence: SeqNumber?
    /// Sequence number of the peer's FIN, once seen (possibly ahead of RCV.NXT).
    public internal(set) var peerFinSequence: SeqNumber?
    /// The peer's FIN has been consumed (RCV.NXT moved past it).
    public internal(set) var peerFinReceived = false
    /// The peer sent the window-scale option in its SYN.
    var peerOfferedWindowScale = false

    // MARK: Timers (deadlines; nil = not running)
    public internal(set) var retransmitDeadline: SimInstant?
    public internal(set) var retransmitCount = 0
    public internal(set) var delayedAckDeadline: SimInstant?
    public internal(set) var persistDeadline: SimInstant?
    var persistBackoff = 0
    /// The override timeout fired: the next segment may be smaller than sender SWS avoidance allows
    /// (RFC 9293 §3.8.6.2.1 (4)).
    var overrideSenderSWS = false
    public internal(set) var timeWaitDeadline: SimInstant?

    // MARK: RTT estimation (RFC 6298)
    public internal(set) var smoothedRTT: SimDuration?
    public internal(set) var rttVariance: SimDuration = .zero
    public internal(set) var retransmissionTimeout: SimDuration
    /// The segment being timed: its end sequence and send time (Karn: cleared on retransmission).
    var rttProbe: (end: SeqNumber, sentAt: SimInstant)?
    /// After a retransmission timeout: nothing at or beyond this sequence number is sent until an ACK of new
    /// data arrives (RFC 5681 §3.1 loss window, one SMSS).
    var lossWindowEnd: SeqNumber?
    /// The retransmission timer expired while our SYN (or SYN,ACK) was unacknowledged (RFC 6298 (5.7)).
    var synTimedOut = false

    /// Duplicate ACKs in a row for SND.UNA (RFC 5681 §3.2 fast retransmit after three).
    var duplicateAcks = 0

    /// An immediate ACK is owed (set during segment processing, sent by `flush`).
    var ackNow = false
    /// Full-sized segments received since our last ACK (RFC 1122 4.2.3.2).
    var unackedSegments = 0

    /// The most recent state change, with its cause.
    public private(set) var lastTransition: StateTransition?

    /// FreeRTOS+TCP's per-socket control block, used by the `.freeRTOS` personality.
    public internal(set) var rtos = FreeRTOSControl()

    /// Counters for tests and traces.
    public internal(set) var retransmissions = 0
    public internal(set) var segmentsSent = 0
    public internal(set) var segmentsReceived = 0

    // MARK: - Opening

    /// Active open (`connect()`): sends a SYN and enters SYN-SENT (`eCONNECT_SYN`).
    public init(
        id: ConnectionID, local: Endpoint, remote: Endpoint, initialSequence: SeqNumber,
        parameters: TCPParameters, connectingAt now: SimInstant, into out: inout TCPOutput
    ) {
        self.init(id: id, local: local, remote: remote, iss: initialSequence, irs: SeqNumber(0),
                  parameters: parameters, state: .closed)
        if parameters.personality == .freeRTOS {
            startConnectFreeRTOS(now: now, into: &out)
            return
        }
        transition(to: .connectSyn, at: now, because: .call("connect()"), into: &out)
        sendSyn(now: now, into: &out)
    }

    /// A child exists only because a listener accepted a SYN; the signature makes that true.
    /// RFC 9293 §3.10.7.2: record IRS, send SYN,ACK, enter SYN-RECEIVED.
    public init(
        id: ConnectionID, local: Endpoint, remote: Endpoint, initialSequence: SeqNumber,
        parameters: TCPParameters, acceptingSyn syn: TCPSegment, now: SimInstant, into out: inout TCPOutput
    ) {
        self.init(id: id, local: local, remote: remote, iss: initialSequence, irs: syn.seq,
                  parameters: parameters, state: .listen)
        receive.next = syn.seq + 1
        segmentsReceived = 1
        if parameters.personality == .freeRTOS {
            acceptSynFreeRTOS(syn, now: now, into: &out)
            return
        }
        applySynOptions(syn)
        send.window = Int(syn.window)  // RFC 7323 §2.2: the window in a SYN is never scaled.
        send.maximumWindow = send.window
        send.lastWindowUpdateSeq = syn.seq
        transition(to: .synReceived, at: now, because: .segment("SYN"), into: &out)
        sendSyn(now: now, into: &out)
    }

    private init(
        id: ConnectionID, local: Endpoint, remote: Endpoint, iss: SeqNumber, irs: SeqNumber,
        parameters: TCPParameters, state: TCPState
    ) {
        self.id = id
        self.local = local
        self.remote = remote
        self.parameters = parameters
        self.state = state
        send = SendSequence(
            initial: iss, unacknowledged: iss, next: iss, highestSent: iss, window: 0, lastWindowUpdateSeq: irs,
            lastWindowUpdateAck: iss, scale: 0, maximumSegmentSize: min(536, parameters.mss), maximumWindow: 0)
        receive = ReceiveSequence(initial: irs, next: irs, scale: 0, advertisedWindow: 0)
        sendBufferStart = iss + 1
        retransmissionTimeout = parameters.initialRetransmissionTimeout
    }

    // MARK: - State changes

    /// The one place that changes `state`; records the change and its cause (cf. FreeRTOS `vTCPStateChange()`).
    mutating func transition(
        to next: TCPState, at now: SimInstant, because cause: TransitionCause, into out: inout TCPOutput
    ) {
        guard next != state else { return }
        let transition = StateTransition(time: now, connection: id, from: state, to: next, cause: cause)
        out.transitions.append(transition)
        lastTransition = transition
        state = next
        if next == .closed { stopAllTimers() }
    }

    mutating func stopAllTimers() {
        retransmitDeadline = nil
        delayedAckDeadline = nil
        persistDeadline = nil
        timeWaitDeadline = nil
    }

    /// The earliest pending timer, if any; the owner calls `expireTimers` then.
    public var nextDeadline: SimInstant? {
        if parameters.personality == .freeRTOS { return nil }  // FreeRTOS counts `rtos.timeoutTicks` instead
        var earliest = retransmitDeadline ?? .distantFuture
        if let deadline = delayedAckDeadline, deadline < earliest { earliest = deadline }
        if let deadline = persistDeadline, deadline < earliest { earliest = deadline }
        if let deadline = timeWaitDeadline, deadline < earliest { earliest = deadline }
        return earliest == .distantFuture ? nil : earliest
    }

    // MARK: - Derived quantities

    /// Bytes queued by the application and not yet sent.
    public var unsentCount: Int { max(0, sendBuffer.count - sentDataCount) }
    /// Data bytes of `sendBuffer` already sent at least once.
    var sentDataCount: Int { max(0, (send.next - sendBufferStart) - (finSent ? 1 : 0)) }
    /// Octets sent and not yet acknowledged (SYN and FIN included).
    public var bytesInFlight: Int { send.next - send.unacknowledged }
    /// Free space in the send buffer.
    public var sendSpace: Int { max(0, parameters.sendBufferSize - sendBuffer.count) }
    /// Bytes the application can read now.
    public var readableCount: Int { receiveBuffer.count }
    /// Our FIN is sent while SND.NXT is past it; a timeout that moves SND.NXT back to SND.UNA "unsends" it,
    /// and `finSequence` keeps its place so that an ACK for it is still recognised.
    var finSent: Bool { finSequence.map { $0 < send.next } ?? false }
    /// Our FIN has been sent and acknowledged.
    public var finAcknowledged: Bool {
        guard let finSequence else { return false }
        return send.unacknowledged > finSequence
    }

    /// The receive window we can offer now: free buffer space (RFC 9293 §3.8.6.2.2).
    var receiveWindowSpace: Int {
        // Out-of-order data lies inside the offered window, so only unread in-order data shrinks it.
        max(0, parameters.receiveBufferSize - receiveBuffer.count)
    }
}
