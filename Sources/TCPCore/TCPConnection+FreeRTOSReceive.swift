import SimClock
import TCPWire

extension TCPConnection {
    /// The four flags FreeRTOS masks with when it compares (`ACK | RST | SYN | FIN`).
    static let handshakeMask: TCPFlags = [.ack, .rst, .syn, .fin]
    /// `tcpTCP_FLAG_CTRL` (0x1F): FIN SYN RST PSH ACK.
    static let controlMask: TCPFlags = [.fin, .syn, .rst, .psh, .ack]

    /// One segment for an active, non-listening socket (`xProcessReceivedTCPPacket()` from the RST check on,
    /// then `prvTCPHandleState()`). The socket layer has already done the lookup and the listener cases.
    mutating func receiveFreeRTOS(_ segment: TCPSegment, now: SimInstant, into out: inout TCPOutput) {
        let control = segment.flags.intersection(Self.controlMask)
        // FreeRTOS: xProcessReceivedTCPPacket(): `ucRepCount = 0` for every segment reaching an active socket,
        // RST included ⚠: in eCONNECT_SYN a stray segment restarts the budget of 3 SYNs (notes B.1 step 4).
        rtos.synTransmissions = 0
        if segment.flags.contains(.rst) {
            receiveResetFreeRTOS(segment, now: now, into: &out)
            return
        }
        // A bare SYN in a state ≥ eESTABLISHED is dropped silently (no challenge ACK).
        if control == .syn && state.rawValue >= TCPState.established.rawValue { return }
        touch(now)
        // prvCheckOptions(): an MSS option of 0 drops the segment.
        if segment.options.maximumSegmentSize == 0 { return }
        let scale = segment.flags.contains(.syn) ? 0 : Int(send.scale)
        send.window = Int(segment.window) << scale
        handleStateFreeRTOS(segment, now: now, into: &out)
        sendRepeatedFreeRTOS(now: now, into: &out)
        nextTimeoutFreeRTOS(now: now)
    }

    /// RST rows of the FreeRTOS+TCP model
    private mutating func receiveResetFreeRTOS(_ segment: TCPSegment, now: SimInstant, into out: inout TCPOutput) {
        switch state {
        case .connectSyn:
            // ⚠ Q9: CONNECT_SYN → CLOSED does not change "connected": a blocking connect() is not woken.
            // §14 (c), decided from the source (vTCPStateChange() @ 27a96812e posts eSOCKET_CLOSED only when the
            // connected status flips; upstream PR #1355, still open, would change this).
            if segment.ackNumber == send.initial + 1 {
                transitionFreeRTOS(to: .closed, at: now, because: .segment("RST"), into: &out)
            }
        case .synFirst, .synReceived, .established, .finWait1, .lastAck:
            if segment.seq == receive.next {
                transitionFreeRTOS(to: .closed, at: now, because: .segment("RST"), into: &out)
                out.events.append((id, .reset))
            } else if receive.next < segment.seq
                && segment.seq < receive.next + rules.receiveWindowSegments * parameters.mss
            {
                sendChallengeAckFreeRTOS(replyingTo: segment, into: &out)
            }
        case .closed, .listen, .finWait2, .closeWait, .closing, .timeWait:
            break
        }
    }

    /// `prvTCPHandleState()`: the common steps, then the per-state rules.
    private mutating func handleStateFreeRTOS(_ segment: TCPSegment, now: SimInstant, into out: inout TCPOutput) {
        // A bare SYN in eSYN_RECEIVED: the peer missed our SYN+ACK → eSYN_FIRST, send it again.
        if state == .synReceived && segment.flags.intersection(Self.controlMask) == .syn {
            transitionFreeRTOS(to: .synFirst, at: now, because: .segment("SYN (retransmitted)"), into: &out)
            sendSynFreeRTOS(now: now, into: &out)
            transitionFreeRTOS(to: .synReceived, at: now, because: .segment("SYN (SYN+ACK sent)"), into: &out)
            return
        }
        let synchronized = state.rawValue >= TCPState.established.rawValue
        // The peer's keep-alive probe (seq = RCV.NXT − 1): not stored, answered at once.
        let isKeepAlive = synchronized && segment.seq == receive.next - 1 && segment.payload.count <= 1
        if isKeepAlive { rtos.windowChange = true }
        if segment.flags.contains(.fin) && !rtos.finReceived {
            rtos.finReceived = true
            rtos.peerFin = segment.seq + segment.payload.count
            if !rtos.finSent { rtos.finLast = true }
        }
        switch state {
        case .connectSyn:
            handleConnectSynFreeRTOS(segment, now: now, into: &out)
        case .synReceived, .synFirst:
            handleSynReceivedFreeRTOS(segment, now: now, into: &out)
        case .established:
            if !isKeepAlive { storePayloadFreeRTOS(segment, now: now, into: &out) }
            handleEstablishedFreeRTOS(segment, now: now, into: &out)
        case .finWait1, .lastAck:
            if !isKeepAlive { storePayloadFreeRTOS(segment, now: now, into: &out) }
            acknowledgeFreeRTOS(segment, now: now, into: &out)
            handleFinFreeRTOS(segment, now: now, into: &out)
        case .closed, .listen, .finWait2, .closeWait, .closing, .timeWait:
            break
        }
    }

    /// `eCONNECT_SYN`: a SYN+ACK completes the connection (⚠ its ACK number is not checked); anything else
    /// kills it with the received flags plus RST.
    private mutating func handleConnectSynFreeRTOS(_ segment: TCPSegment, now: SimInstant, into out: inout TCPOutput) {
        guard segment.flags.intersection(Self.handshakeMask) == [.syn, .ack] else {
            sendFlagsPlusReset(replyingTo: segment, into: &out)
            transitionFreeRTOS(to: .closeWait, at: now, because: .segment("\(segment.flags) while connecting"),
                               into: &out)
            return
        }
        receive.initial = segment.seq
        receive.next = segment.seq + 1
        applySynOptionsFreeRTOS(segment)
        send.window = Int(segment.window)
        send.unacknowledged = send.initial + 1
        sendBufferStart = send.unacknowledged
        rtos.inFlight.removeAll()
        rtos.smoothedRTT = rules.initialSRTT  // the active side re-initialises its window
        transitionFreeRTOS(to: .established, at: now, because: .segment("SYN+ACK"), into: &out)
        emitFreeRTOS(makeSegmentFreeRTOS(seq: send.next, flags: .ack), into: &out)
    }

    /// `prvHandleSynReceived()`: an ACK (⚠ any ACK number) completes the handshake; ACK+FIN, SYN+ACK and
    /// the like are a protocol error: the received flags plus RST, and `eCLOSE_WAIT`.
    private mutating func handleSynReceivedFreeRTOS(_ segment: TCPSegment, now: SimInstant, into out: inout TCPOutput) {
        guard segment.flags.intersection(Self.handshakeMask) == .ack else {
            sendFlagsPlusReset(replyingTo: segment, into: &out)
            transitionFreeRTOS(to: .closeWait, at: now, because: .segment("\(segment.flags) in the handshake"),
                               into: &out)
            return
        }
        send.unacknowledged = send.initial + 1
        sendBufferStart = send.unacknowledged
        if !peerOfferedWindowScale { send.scale = 0; receive.scale = 0 }
        transitionFreeRTOS(to: .established, at: now, because: .segment("ACK of SYN+ACK"), into: &out)
        storePayloadFreeRTOS(segment, now: now, into: &out)
        if !segment.payload.isEmpty { rtos.windowChange = true }
    }

    /// `prvHandleEstablished()`.
    private mutating func handleEstablishedFreeRTOS(_ segment: TCPSegment, now: SimInstant, into out: inout TCPOutput) {
        guard segment.flags.contains(.ack) else { return }
        acknowledgeFreeRTOS(segment, now: now, into: &out)
        if segment.flags.contains(.fin) {
            handleFinFreeRTOS(segment, now: now, into: &out)
        }
    }

    /// Frees acknowledged data from the TX stream and window (`ulTCPWindowTxAck()`), sampling the SRTT.
    /// ⚠ An ACK beyond SND.NXT is not rejected; it is clamped here.
    private mutating func acknowledgeFreeRTOS(_ segment: TCPSegment, now: SimInstant, into out: inout TCPOutput) {
        guard segment.flags.contains(.ack) else { return }
        var ack = segment.ackNumber
        if ack > send.next { ack = send.next }
        guard send.unacknowledged < ack else { return }
        // SRTT: only segments sent once and acknowledged exactly at their end (prvTCPWindowTxCheckAck_CalcSRTT()).
        for tx in rtos.inFlight where tx.end == ack && tx.transmissions == 1 {
            sampleSRTTFreeRTOS(now - tx.lastSent)
        }
        rtos.inFlight.removeAll { $0.end <= ack }
        send.unacknowledged = ack
        let ackedData = min(ack - sendBufferStart, sendBuffer.count)
        if ackedData > 0 {
            sendBuffer.removeFirst(ackedData)
            sendBufferStart += ackedData
            out.events.append((id, .writable))
        }
        if let fin = rtos.ourFin, fin < ack { rtos.finAcked = true }
    }

    private mutating func sampleSRTTFreeRTOS(_ rtt: SimDuration) {
        let srtt = rtos.smoothedRTT
        let next = rtt < srtt ? (srtt * 7 + rtt) / 8 : (srtt * 6 + rtt * 2) / 8
        rtos.smoothedRTT = max(next, rules.minimumSRTT)
    }

    /// `prvStoreRxData()`: payload is stored when the state is ≥ eSYN_RECEIVED; in order it becomes readable,
    /// ahead of RCV.NXT it is kept (and a SACK would be sent); a segment larger than the free space is refused.
    private mutating func storePayloadFreeRTOS(_ segment: TCPSegment, now: SimInstant, into out: inout TCPOutput) {
        guard !segment.payload.isEmpty else { return }
        var payload = segment.payload
        var seq = segment.seq
        let old = receive.next - seq
        if old > 0 {
            guard old < payload.count else { ackPayloadFreeRTOS(segment, now: now); return }
            payload = payload.dropFirst(old)
            seq = receive.next
        }
        guard payload.count <= receiveWindowSpace else { ackPayloadFreeRTOS(segment, now: now); return }
        if seq == receive.next {
            receiveBuffer.append(contentsOf: payload)
            receive.next += payload.count
            drainOutOfOrder()
            out.events.append((id, .readable))
            // FreeRTOS: lTCPAddRxdata(): free space at or below `uxLittleSpace` sets `bLowWater`, which closes
            // the window, and a window update is sent at once.
            if !rtos.lowWater && receiveWindowSpace <= littleSpaceFreeRTOS {
                rtos.lowWater = true
                rtos.windowChange = true
            }
        } else {
            if !outOfOrder.contains(where: { $0.seq == seq }) {
                let index = outOfOrder.firstIndex(where: { seq < $0.seq }) ?? outOfOrder.endIndex
                outOfOrder.insert((seq, Array(payload)), at: index)
            }
            // FreeRTOS: prvTCPWindowRx_UnexpectedRX(): the ACK carries one SACK block, the contiguous
            // out-of-order data around this segment (NOP NOP, kind 5, length 10), and is never delayed.
            rtos.pendingSack = outOfOrderBlock(containing: seq)
            rtos.windowChange = true
        }
        ackPayloadFreeRTOS(segment, now: now)
    }

    /// "Whatever the outcome, a segment with payload in eESTABLISHED is ACKed" — possibly delayed (§8.6).
    /// ⚠ In eFIN_WAIT_1 with our FIN acknowledged, data is stored but not acknowledged (`prvTCPHandleFin()`
    /// returns no reply); in eLAST_ACK the FIN+ACK carries the acknowledgment.
    /// §14 (a), decided from the source (FreeRTOS_TCP_State_Handling.c @ 27a96812e: prvTCPHandleFin() builds no
    /// reply for it) and the S10b capture ("In FIN_WAIT_1, data from the peer is stored … but never ACKed").
    private mutating func ackPayloadFreeRTOS(_ segment: TCPSegment, now: SimInstant) {
        guard state == .established, !segment.flags.contains(.fin) else { return }
        // FreeRTOS: prvSendData(): delay only while at least 2 MSS of the window we last advertised are still
        // unused. With the default 2 × MSS window that is never true after payload: every ACK goes at once.
        let unusedWindow = rtos.advertisedEdge - receive.next
        let canDelay = unusedWindow >= 2 * send.maximumSegmentSize && !rtos.finSent && outOfOrder.isEmpty
        if canDelay && !rtos.windowChange {
            rtos.pendingAck = makeSegmentFreeRTOS(seq: send.next, flags: .ack)
            let delay = segment.payload.count < send.maximumSegmentSize
                ? rules.tick * Int64(rules.delayedAckShortTicks) : rules.delayedAckLong
            rtos.timeoutTicks = ticks(delay)
        } else {
            rtos.windowChange = true
        }
    }

    /// `prvTCPHandleFin()` and the FIN rows of §2.3.
    private mutating func handleFinFreeRTOS(_ segment: TCPSegment, now: SimInstant, into out: inout TCPOutput) {
        switch state {
        case .established where rtos.finReceived && !rtos.finSent:
            // prvHandleEstablished(): accept the FIN only with no out-of-order data and nothing left in the TX
            // window, and no gap before it (dist = seq + len − RCV.NXT ≤ 1).
            let distance = segment.seq + segment.payload.count - receive.next
            let rxEmpty = outOfOrder.isEmpty
            let txDone = unsentCount == 0 && bytesInFlight == 0
            guard let fin = rtos.peerFin, distance <= 1 else {
                if !segment.payload.isEmpty { rtos.windowChange = true }
                return  // "Refusing FIN": a gap before it
            }
            guard rxEmpty && txDone else {
                // "Refusing FIN" ⚠: RCV.NXT still moves past the FIN, so every later ACK acknowledges it while
                // the state stays eESTABLISHED; the FIN is looked at again only when a segment carries FIN.
                if fin == receive.next { receive.next = fin + 1 }
                if !segment.payload.isEmpty { rtos.windowChange = true }
                return
            }
            guard fin == receive.next || fin + 1 == receive.next else { return }  // data before the FIN missing
            receive.next = fin + 1
            peerFinReceived = true
            rtos.finAccepted = true
            sendFinFreeRTOS(now: now, into: &out)
            transitionFreeRTOS(to: .lastAck, at: now, because: .segment("FIN (FIN+ACK sent at once)"), into: &out)
        case .established where rtos.finSent:
            // CLOSE_AFTER_SEND: our FIN rode on the last data.
            consumePeerFinFreeRTOS()
            if rtos.finAcked {
                emitFreeRTOS(makeSegmentFreeRTOS(seq: send.next, flags: .ack), into: &out)
                transitionFreeRTOS(to: .closeWait, at: now, because: .segment("FIN"), into: &out)
            } else {
                emitFreeRTOS(makeSegmentFreeRTOS(seq: rtos.ourFin ?? send.next, flags: .fin), into: &out)
                transitionFreeRTOS(to: .lastAck, at: now, because: .segment("FIN"), into: &out)
            }
        case .finWait1:
            if rtos.finAcked {
                if rtos.finReceived {
                    consumePeerFinFreeRTOS()
                    emitFreeRTOS(makeSegmentFreeRTOS(seq: send.next, flags: .ack), into: &out)
                    transitionFreeRTOS(to: .closeWait, at: now, because: .segment("FIN+ACK of our FIN"), into: &out)
                }
                // Our FIN acknowledged, no FIN from the peer: stay, send nothing (there is no FIN-WAIT-2).
            } else {
                // The segment does not acknowledge our FIN (e.g. data crossing it): FIN+ACK again.
                if rtos.finReceived { consumePeerFinFreeRTOS() }
                emitFreeRTOS(makeSegmentFreeRTOS(seq: rtos.ourFin ?? send.next - 1, flags: .fin), into: &out)
                transitionFreeRTOS(to: .lastAck, at: now, because: .segment("segment not acknowledging our FIN"),
                                   into: &out)
            }
        case .lastAck:
            if rtos.finAcked && rtos.finReceived {
                consumePeerFinFreeRTOS()
                if !rtos.finLast { emitFreeRTOS(makeSegmentFreeRTOS(seq: send.next, flags: .ack), into: &out) }
                transitionFreeRTOS(to: .closeWait, at: now, because: .segment("ACK of our FIN"), into: &out)
            } else if !rtos.finAcked {
                // The only FIN retransmission mechanism: answer anything that does not acknowledge it.
                if rtos.finReceived { consumePeerFinFreeRTOS() }
                emitFreeRTOS(makeSegmentFreeRTOS(seq: rtos.ourFin ?? send.next - 1, flags: .fin), into: &out)
            }
        case .established, .closed, .listen, .connectSyn, .synFirst, .synReceived, .finWait2, .closeWait, .closing,
            .timeWait:
            break
        }
    }

    /// The run of contiguous out-of-order data that contains `seq`.
    private func outOfOrderBlock(containing seq: SeqNumber) -> SACKBlock? {
        guard let index = outOfOrder.firstIndex(where: { $0.seq <= seq && seq < $0.seq + $0.bytes.count }) else {
            return nil
        }
        var left = outOfOrder[index].seq
        var right = outOfOrder[index].seq + outOfOrder[index].bytes.count
        var lower = index
        while lower > 0, outOfOrder[lower - 1].seq + outOfOrder[lower - 1].bytes.count >= left {
            lower -= 1
            left = min(left, outOfOrder[lower].seq)
        }
        for entry in outOfOrder[(index + 1)...] where entry.seq <= right {
            right = max(right, entry.seq + entry.bytes.count)
        }
        return SACKBlock(left: left, right: right)
    }

    /// RCV.NXT moves past the peer's FIN once it is in order.
    private mutating func consumePeerFinFreeRTOS() {
        if let fin = rtos.peerFin, fin == receive.next {
            receive.next = fin + 1
            peerFinReceived = true
        }
    }

    /// Our FIN (FIN+ACK at SND.NXT): `bFinSent`, `bWinChange`; a stored delayed ACK is dropped.
    mutating func sendFinFreeRTOS(now: SimInstant, into out: inout TCPOutput) {
        let seq = send.next
        rtos.ourFin = seq
        rtos.finSent = true
        rtos.pendingAck = nil
        finQueued = true
        emitFreeRTOS(makeSegmentFreeRTOS(seq: seq, flags: .fin), into: &out)
        send.next = seq + 1
        if send.highestSent < send.next { send.highestSent = send.next }
        finSequence = seq
    }

    /// Converts a duration to whole ticks, rounding up, at least 1.
    func ticks(_ duration: SimDuration) -> Int {
        let tick = max(1, rules.tick.nanoseconds)
        return max(1, Int((duration.nanoseconds + tick - 1) / tick))
    }
}
