import SimClock
import TCPWire

// The FreeRTOS+TCP personality: the same TCB (sequence variables, buffers, `transition`), different rules.
//
// What differs from RFC 9293 :
// - Closing is tracked with flags (`bFinSent`, `bFinRecv`, `bFinAcked`, `bFinLast`); FIN-WAIT-2, CLOSING and
//   TIME-WAIT are never entered. `eCLOSE_WAIT` means "dead, waiting for closesocket()".
// - A peer FIN is answered at once with FIN+ACK (no half-close): ESTABLISHED → LAST-ACK → CLOSE-WAIT.
// - Timers are one per socket, `usTimeout` in ticks, counted down by the IP task (`xTCPTimerCheck()`); an
//   idle socket wakes every 20 s, and hang protection and keep-alive are only evaluated at those wake-ups.
// - No timer retransmission of FIN, FIN+ACK or SYN+ACK; no retransmission limit.

/// FreeRTOS+TCP's per-socket TCP fields (`xTCP` in `FreeRTOS_Sockets.h`).
public struct FreeRTOSControl: Sendable, Equatable {
    /// `bFinSent`: our FIN has been sent.
    public var finSent = false
    /// `bFinRecv`: a FIN from the peer has been seen.
    public var finReceived = false
    /// `bFinAcked`: our FIN has been acknowledged.
    public var finAcked = false
    /// `bFinLast`: the peer closed first.
    public var finLast = false
    /// `bFinAccepted`: the peer's FIN was accepted and answered.
    public var finAccepted = false
    /// `bUserShutdown`: `FreeRTOS_shutdown()` was called; the FIN leaves once all data is acknowledged.
    public var userShutdown = false
    /// `bCloseRequested`: `FREERTOS_SO_CLOSE_AFTER_SEND`, the last byte is queued; the FIN rides on it.
    public var closeRequested = false
    /// `bWinChange`: an ACK (window update) is owed.
    public var windowChange = false
    /// `usTimeout`: ticks until the socket's next wake-up, as last set; 0 = none scheduled. The IP task counts
    /// it down (`TCPStack` keeps the absolute wake-up tick); every new setting bumps `timerGeneration`.
    public var timeoutTicks = 0 {
        didSet { if timeoutTicks > 0 { timerGeneration &+= 1 } }
    }
    public private(set) var timerGeneration: UInt32 = 0
    /// `xLastActTime`: the last "touch" (state change or accepted segment); hang protection counts from here.
    public var lastActivity = SimInstant.zero
    /// `xLastAliveTime` and `ucKeepRepCount`: keep-alive bookkeeping.
    public var lastAlive = SimInstant.zero
    public var keepAliveProbes = 0
    /// `ucRepCount`: SYNs sent while connecting.
    public var synTransmissions = 0
    /// The peer's FIN sequence number (`FINseq` … the FIN occupies `peerFin`).
    public var peerFin: SeqNumber?
    /// Our FIN's sequence number.
    public var ourFin: SeqNumber?
    /// The SACK block the next ACK carries (out-of-order data arrived).
    var pendingSack: SACKBlock?
    /// A delayed ACK waiting for the socket's next wake-up (`pxAckMessage`).
    var pendingAck: TCPSegment?
    /// `FREERTOS_SO_STOP_RX` (`bRxStopped`) and the low-water mark (`bLowWater`) close the window.
    public var receiveStopped = false
    public var lowWater = false
    /// `uxLittleSpace` / `uxEnoughSpace` (`FREERTOS_SO_SET_LOW_HIGH_WATER`); nil = FreeRTOS's defaults.
    public var littleSpace: Int?
    public var enoughSpace: Int?
    /// `uxRxWinSize` / `uxTxWinSize` set by `FREERTOS_SO_WIN_PROPERTIES`, in MSS; nil = from the config.
    public var receiveWindowSegments: Int?
    public var sendWindowSegments: Int?
    /// RCV.NXT + window of the last segment we sent: the right edge the peer may fill.
    public var advertisedEdge = SeqNumber(0)
    /// Window segments sent and not yet acknowledged, oldest first.
    var inFlight: [TxSegment] = []
    /// Smoothed RTT of the sliding window (`lSRTT`).
    public var smoothedRTT = SimDuration.milliseconds(500)
    /// The peer's window was zero or a segment was transmitted 4 times: the TX window shrinks to 2 MSS.
    var reducedWindow = false

    struct TxSegment: Sendable, Equatable {
        var seq: SeqNumber
        var length: Int
        var lastSent: SimInstant
        var transmissions: Int
        var carriesFin: Bool
        var end: SeqNumber { seq + length + (carriesFin ? 1 : 0) }
    }
}

extension TCPConnection {
    var isFreeRTOS: Bool { parameters.personality == .freeRTOS }
    public var rules: FreeRTOSRules { parameters.freeRTOS }

    // MARK: - Predicates 

    /// `prvTCPSocketIsActive()`: whether arriving segments reach the state machine at all.
    public var isActiveFreeRTOS: Bool {
        switch state {
        case .listen, .connectSyn, .synFirst, .synReceived, .established, .finWait1, .lastAck: true
        case .closed, .finWait2, .closeWait, .closing, .timeWait: false
        }
    }

    /// `prvTCPStatusAgeCheck()`: states protected against hanging.
    public var isHangProtected: Bool {
        switch state {
        case .connectSyn, .synFirst, .synReceived, .finWait1, .finWait2, .closing, .lastAck, .timeWait: true
        case .closed, .listen, .established, .closeWait: false
        }
    }

    /// `tcpNOW_CONNECTED()`: states 5 (eESTABLISHED) to 11 except eCLOSE_WAIT.
    static func isConnectedFreeRTOS(_ state: TCPState) -> Bool {
        switch state {
        case .established, .finWait1, .finWait2, .closing, .lastAck, .timeWait: true
        case .closed, .listen, .connectSyn, .synFirst, .synReceived, .closeWait: false
        }
    }

    // MARK: - Opening

    /// FreeRTOS: `FreeRTOS_connect()` → `eCONNECT_SYN`; the SYN leaves at the wake-up one tick later.
    mutating func startConnectFreeRTOS(now: SimInstant, into out: inout TCPOutput) {
        rtos.smoothedRTT = rules.initialSRTT
        send.maximumSegmentSize = parameters.mss
        receive.scale = parameters.windowScale ?? 0
        transitionFreeRTOS(to: .connectSyn, at: now, because: .call("FreeRTOS_connect()"), into: &out)
        rtos.timeoutTicks = 1
    }

    /// FreeRTOS: `prvHandleListen_IPV4()` then the SYN+ACK: `eTCP_LISTEN → eSYN_FIRST → eSYN_RECEIVED`.
    mutating func acceptSynFreeRTOS(_ syn: TCPSegment, now: SimInstant, into out: inout TCPOutput) {
        rtos.smoothedRTT = rules.initialSRTT
        transitionFreeRTOS(to: .synFirst, at: now, because: .segment("SYN"), into: &out)
        applySynOptionsFreeRTOS(syn)
        send.window = Int(syn.window)
        sendSynFreeRTOS(now: now, into: &out)
        transitionFreeRTOS(to: .synReceived, at: now, because: .segment("SYN (SYN+ACK sent)"), into: &out)
        // FreeRTOS: xProcessReceivedTCPPacket() ends with prvTCPNextTimeout(): the new socket's timer is 0, so
        // it is armed (20 s with nothing to send); hang protection is evaluated at those wake-ups.
        nextTimeoutFreeRTOS(now: now)
    }

    /// FreeRTOS: `prvSingleStepTCPHeaderOptions()`: a smaller peer MSS is adopted (at least 536); the SYN+ACK
    /// then echoes it (⚠ Q17). A window-scale option sets the peer's shift (at most 14).
    mutating func applySynOptionsFreeRTOS(_ syn: TCPSegment) {
        if let peerMSS = syn.options.maximumSegmentSize.map(Int.init), peerMSS < parameters.mss {
            send.maximumSegmentSize = max(peerMSS, 536)
        } else {
            send.maximumSegmentSize = parameters.mss
        }
        if let shift = syn.options.windowScale {
            peerOfferedWindowScale = true
            send.scale = min(shift, 14)
        } else {
            peerOfferedWindowScale = false
            send.scale = 0
        }
        receive.scale = parameters.windowScale ?? 0
    }

    /// SYN or SYN+ACK with FreeRTOS's options: `mss, nop, wscale, nop, nop, sackOK` (`prvSetSynAckOptions()`).
    mutating func sendSynFreeRTOS(now: SimInstant, into out: inout TCPOutput) {
        let options: [TCPOption] = [
            .maximumSegmentSize(UInt16(clamping: send.maximumSegmentSize)), .noOperation,
            .windowScale(parameters.windowScale ?? 0), .noOperation, .noOperation, .sackPermitted,
        ]
        let isSynAck = state == .synFirst || state == .synReceived
        var segment = TCPSegment(
            sourcePort: local.port, destinationPort: remote.port, seq: send.initial,
            ackNumber: isSynAck ? receive.next : SeqNumber(0), flags: isSynAck ? [.syn, .ack] : .syn,
            window: windowFieldFreeRTOS(), options: options)
        if !isSynAck { segment.ackNumber = SeqNumber(0) }
        emitFreeRTOS(segment, into: &out)
        send.next = send.initial + 1
        if send.highestSent < send.next { send.highestSent = send.next }
    }

    // MARK: - State changes (vTCPStateChange)

    /// FreeRTOS: `vTCPStateChange()`: records the change, touches the socket, and tells the socket layer
    /// when the "connected" predicate flips.
    mutating func transitionFreeRTOS(
        to next: TCPState, at now: SimInstant, because cause: TransitionCause, into out: inout TCPOutput
    ) {
        let previous = state
        guard next != previous else { return }
        let wasConnected = Self.isConnectedFreeRTOS(previous)
        let isConnected = Self.isConnectedFreeRTOS(next)
        transition(to: next, at: now, because: cause, into: &out)
        touch(now)
        if !wasConnected && isConnected {
            out.events.append((id, .connected))
        } else if wasConnected && !isConnected {
            out.events.append((id, .closed))
        } else if next == .closeWait && (previous == .connectSyn || previous == .synFirst || previous == .synReceived) {
            out.events.append((id, .closed))
        }
    }

    /// FreeRTOS: `vTCPStateChange()` forcing a REUSE socket whose handshake failed to `eCLOSED`, before the
    /// socket layer makes it listen again.
    public mutating func forceClosedFreeRTOS(at now: SimInstant, because cause: TransitionCause, into out: inout TCPOutput) {
        transition(to: .closed, at: now, because: cause, into: &out)
    }

    /// FreeRTOS: `prvTCPTouchSocket()`: resets hang protection and keep-alive.
    mutating func touch(_ now: SimInstant) {
        rtos.lastActivity = now
        rtos.lastAlive = now
        rtos.keepAliveProbes = 0
    }

    // MARK: - Segments out

    func windowFieldFreeRTOS() -> UInt16 {
        // prvTCPReturn_CheckTCPWindow(): min(RX window, free space), zero while low-water or STOP_RX is in
        // effect, then ⚠ raised to 1 MSS whenever that much is free (the raise comes after the zeroing, so
        // STOP_RX on a mostly empty buffer still advertises one MSS).
        let free = receiveWindowSpace
        let segments = rtos.receiveWindowSegments ?? rules.receiveWindowSegments
        var window = min(segments * parameters.mss, free)
        if rtos.lowWater || rtos.receiveStopped { window = 0 }
        if free >= send.maximumSegmentSize && window < send.maximumSegmentSize { window = send.maximumSegmentSize }
        return UInt16(clamping: min(max(0, window) >> Int(receive.scale), 0xFFFC))
    }

    /// `uxLittleSpace`: by default 20 % of the RX buffer; for buffers of 1–4 segments 0, 50, 34 or 25 %.
    var littleSpaceFreeRTOS: Int {
        if let little = rtos.littleSpace { return little }
        let size = parameters.receiveBufferSize
        switch size / max(1, parameters.mss) {
        case 0, 1: return 0
        case 2: return size / 2
        case 3: return size * 34 / 100
        case 4: return size / 4
        default: return size / 5
        }
    }

    /// `uxEnoughSpace`: by default 80 % of the RX buffer; 100 % for buffers of 1–4 segments.
    var enoughSpaceFreeRTOS: Int {
        if let enough = rtos.enoughSpace { return enough }
        let size = parameters.receiveBufferSize
        return size / max(1, parameters.mss) <= 4 ? size : size * 4 / 5
    }

    /// Applies `FREERTOS_SO_STOP_RX`: a window update (`bWinChange`) leaves at the next tick.
    public mutating func setReceiveStoppedFreeRTOS(_ stopped: Bool) {
        rtos.receiveStopped = stopped
        rtos.windowChange = true
        rtos.timeoutTicks = 1
    }

    /// Applies `FREERTOS_SO_SET_LOW_HIGH_WATER` / `FREERTOS_SO_WIN_PROPERTIES` to an existing TCB.
    public mutating func setReceiveLimitsFreeRTOS(little: Int?, enough: Int?, rxWindow: Int?, txWindow: Int?) {
        if let little { rtos.littleSpace = little }
        if let enough { rtos.enoughSpace = enough }
        if let rxWindow { rtos.receiveWindowSegments = rxWindow }
        if let txWindow { rtos.sendWindowSegments = txWindow }
    }

    mutating func emitFreeRTOS(_ segment: TCPSegment, into out: inout TCPOutput) {
        receive.advertisedWindow = Int(segment.window) << Int(receive.scale)
        if segment.flags.contains(.ack) { rtos.advertisedEdge = segment.ackNumber + receive.advertisedWindow }
        if segment.flags.contains(.ack) { rtos.pendingAck = nil }
        // FreeRTOS: prvTCPReturn_CheckTCPWindow(): every segment the socket sends advertises the window and
        // clears bWinChange, so data sent in the same pass carries the owed ACK and no bare ACK follows it.
        rtos.windowChange = false
        segmentsSent += 1
        out.segments.append(OutgoingSegment(source: local, destination: remote, segment: segment, ttl: parameters.ttl))
    }

    /// A bare ACK (or FIN+ACK, or data) with the current numbers.
    func makeSegmentFreeRTOS(seq: SeqNumber, flags: TCPFlags, payload: ArraySlice<UInt8> = []) -> TCPSegment {
        TCPSegment(
            sourcePort: local.port, destinationPort: remote.port, seq: seq, ackNumber: receive.next,
            flags: flags.union(.ack), window: windowFieldFreeRTOS(), payload: payload)
    }

    /// The handshake-error reply of `prvHandleSynReceived()` / `eCONNECT_SYN`: the received flags without FIN,
    /// plus RST (no ACK added: a bare SYN gets SYN|RST), seq = their ACK field, ack = their seq, our window,
    /// no options .
    mutating func sendFlagsPlusReset(replyingTo segment: TCPSegment, into out: inout TCPOutput) {
        guard !rules.ignoreUnknownPackets else { return }
        let flags = segment.flags.intersection([.syn, .rst, .psh, .ack]).union(.rst)
        let reply = TCPSegment(
            sourcePort: local.port, destinationPort: remote.port, seq: segment.ackNumber, ackNumber: segment.seq,
            flags: flags, window: windowFieldFreeRTOS())
        segmentsSent += 1
        out.segments.append(OutgoingSegment(source: local, destination: remote, segment: reply, ttl: parameters.ttl))
    }

    /// FreeRTOS: `prvTCPSendChallengeAck()` (V4.4.0+): built in place from the RST, so it is stateless: flags
    /// exactly ACK, seq = `ulOurSequenceNumber`, ack = RCV.NXT, and ⚠ the RST's own window field echoed
    /// (notes C.6).
    mutating func sendChallengeAckFreeRTOS(replyingTo reset: TCPSegment, into out: inout TCPOutput) {
        guard !rules.ignoreUnknownPackets else { return }
        let reply = TCPSegment(
            sourcePort: local.port, destinationPort: remote.port, seq: ourSequenceFreeRTOS,
            ackNumber: receive.next, flags: .ack, window: reset.window)
        segmentsSent += 1
        out.segments.append(OutgoingSegment(source: local, destination: remote, segment: reply, ttl: parameters.ttl))
    }

    /// `ulOurSequenceNumber`: the seq FreeRTOS writes into the next segment it builds from its template.
    /// ⚠ It stays at the ISN until the handshake's ACK (`prvHandleSynReceived()` moves it), and at FINseq while
    /// our FIN is unacknowledged (`prvTCPHandleFin()`); otherwise it is SND.NXT.
    var ourSequenceFreeRTOS: SeqNumber {
        switch state {
        case .synFirst, .synReceived:
            return send.initial
        case .finWait1, .lastAck:
            if let fin = rtos.ourFin, !rtos.finAcked { return fin }
            return send.next
        case .closed, .listen, .connectSyn, .established, .finWait2, .closeWait, .closing, .timeWait:
            return send.next
        }
    }
}
