import SimClock
import TCPWire

extension TCPConnection {
    /// Processes one arriving segment (RFC 9293 §3.10.7 "SEGMENT ARRIVES").
    public mutating func receive(_ segment: TCPSegment, now: SimInstant, into out: inout TCPOutput) {
        segmentsReceived += 1
        if parameters.personality == .freeRTOS {
            receiveFreeRTOS(segment, now: now, into: &out)
            return
        }
        switch state {
        case .closed, .listen:
            // Owned by the socket layer (RFC 9293 §3.10.7.1, §3.10.7.2); a TCB never sees these.
            return
        case .connectSyn:
            receiveInSynSent(segment, now: now, into: &out)
        case .synFirst, .synReceived, .established, .finWait1, .finWait2, .closeWait, .closing, .lastAck,
            .timeWait:
            receiveSynchronized(segment, now: now, into: &out)
        }
        flush(now: now, into: &out)
    }

    // MARK: - SYN-SENT (RFC 9293 §3.10.7.3)

    private mutating func receiveInSynSent(_ segment: TCPSegment, now: SimInstant, into out: inout TCPOutput) {
        let flags = segment.flags
        // First: check the ACK bit.
        if let ack = segment.ack, ack <= send.initial || ack > send.next {
            if !flags.contains(.rst) { sendReset(seq: ack, ackOf: nil, into: &out) }
            return
        }
        // Second: the RST bit. Acceptable only with an acceptable ACK.
        if flags.contains(.rst) {
            guard segment.ack != nil else { return }
            out.events.append((id, .refused))
            transition(to: .closed, at: now, because: .segment("RST"), into: &out)
            return
        }
        // Fourth: the SYN bit.
        guard flags.contains(.syn) else { return }
        receive.initial = segment.seq
        receive.next = segment.seq + 1
        applySynOptions(segment)
        send.lastWindowUpdateSeq = segment.seq
        if let ack = segment.ack {
            acknowledge(upTo: ack, now: now, into: &out)
        }
        if send.unacknowledged > send.initial {
            // RFC 7323 §2.2: "The Window field in a SYN (i.e., a <SYN> or <SYN,ACK>) segment itself is never
            // scaled", even though `applySynOptions` has just set the shift for later segments.
            // RFC 9293 §3.10.7.3: SND.WND = SEG.WND, SND.WL1 = SEG.SEQ, SND.WL2 = SEG.ACK.
            send.window = Int(segment.window)
            send.maximumWindow = max(send.maximumWindow, send.window)
            send.lastWindowUpdateSeq = segment.seq
            send.lastWindowUpdateAck = segment.ackNumber
            transition(to: .established, at: now, because: .segment("SYN,ACK"), into: &out)
            out.events.append((id, .connected))
            applySynTimeoutRule()
            ackNow = true
        } else {
            // Simultaneous open: SYN-RECEIVED, resend our SYN as SYN,ACK.
            send.window = Int(segment.window)
            transition(to: .synReceived, at: now, because: .segment("SYN (simultaneous open)"), into: &out)
            retransmitDeadline = nil
            sendSyn(now: now, into: &out)
        }
    }

    /// RFC 6298 (5.7): "If the timer expires awaiting the ACK of a SYN segment and the TCP implementation is
    /// using an RTO less than 3 seconds, the RTO MUST be re-initialized to 3 seconds when data transmission
    /// begins (i.e., after the three-way handshake completes)."
    private mutating func applySynTimeoutRule() {
        if synTimedOut && retransmissionTimeout < .seconds(3) { retransmissionTimeout = .seconds(3) }
    }

    /// Records the peer's MSS and window-scale options from its SYN (RFC 9293 §3.7.1, RFC 7323 §2.2).
    mutating func applySynOptions(_ syn: TCPSegment) {
        // RFC 9293 §3.7.1: without an MSS option, assume 536.
        let peerMSS = syn.options.maximumSegmentSize.map(Int.init) ?? 536
        send.maximumSegmentSize = max(1, min(peerMSS, parameters.mss))
        if let peerShift = syn.options.windowScale, let ourShift = parameters.windowScale {
            peerOfferedWindowScale = true
            send.scale = min(peerShift, 14)  // RFC 7323 §2.3: larger shifts are treated as 14.
            receive.scale = ourShift
        } else {
            peerOfferedWindowScale = syn.options.windowScale != nil
            send.scale = 0
            receive.scale = 0
        }
    }

    // MARK: - Synchronized states and SYN-RECEIVED (RFC 9293 §3.10.7.4)

    private mutating func receiveSynchronized(_ original: TCPSegment, now: SimInstant, into out: inout TCPOutput) {
        var segment = original
        // RFC 9293 §3.10.7.4 first check: "If the RCV.WND is zero, no segments will be acceptable, but special
        // allowance should be made to accept valid ACKs, URGs, and RSTs." A segment at RCV.NXT loses its text
        // and FIN (which are not acceptable and get an ACK) and goes on with its ACK field.
        if receive.advertisedWindow == 0 && segment.seq == receive.next && segment.sequenceLength > 0
            && !segment.flags.contains(.syn)
        {
            segment.payload = []
            segment.flags.remove(.fin)
            ackNow = true
        }
        let flags = segment.flags
        // A retransmitted SYN in SYN-RECEIVED: the peer missed our SYN,ACK; send it again (as Linux does).
        if state == .synReceived, flags.contains(.syn), !flags.contains(.ack), segment.seq == receive.initial {
            retransmitEarliest(now: now, into: &out)
            return
        }
        // First: sequence number acceptability.
        guard isAcceptable(segment) else {
            if !flags.contains(.rst) {
                if state == .timeWait && flags.contains(.fin) { restartTimeWait(now: now) }
                ackNow = true
            }
            return
        }
        // Second: RST (RFC 5961 §3.2): exact → reset, otherwise in window → challenge ACK.
        if flags.contains(.rst) {
            if segment.seq == receive.next {
                processReset(now: now, into: &out)
            } else {
                ackNow = true  // challenge ACK
            }
            return
        }
        // Fourth: SYN in a synchronized state (RFC 5961 §4): challenge ACK, drop.
        if flags.contains(.syn) {
            ackNow = true
            return
        }
        // Fifth: the ACK field.
        guard let ack = segment.ack else { return }
        if state == .synReceived {
            guard send.unacknowledged < ack && ack <= send.next else {
                sendReset(seq: ack, ackOf: nil, into: &out)
                return
            }
            updateSendWindow(segment, force: true)
            acknowledge(upTo: ack, now: now, into: &out)
            transition(to: .established, at: now, because: .segment("ACK of SYN"), into: &out)
            out.events.append((id, .connected))
            applySynTimeoutRule()
            if finQueued {
                // RFC 9293 §3.10.4: the CLOSE issued in SYN-RECEIVED is processed now; the FIN follows any data.
                transition(to: .finWait1, at: now, because: .call("close() (deferred until ESTABLISHED)"), into: &out)
            }
        } else {
            if ack > send.highestSent {
                ackNow = true  // acknowledges something not yet sent: ACK and drop
                return
            }
            // After a timeout moved SND.NXT back, an ACK may cover data sent before it.
            if ack > send.next { send.next = ack }
            let previousWindow = send.window
            if send.unacknowledged <= ack { updateSendWindow(segment, force: false) }
            if send.unacknowledged < ack {
                duplicateAcks = 0
                acknowledge(upTo: ack, now: now, into: &out)
            } else if ack == send.unacknowledged && segment.payload.isEmpty && !flags.contains(.fin)
                && bytesInFlight > 0 && send.window == previousWindow
            {
                countDuplicateAck(now: now, into: &out)
            }
        }
        guard advanceCloseStatesOnAck(now: now, into: &out) else { return }
        trimToWindow(&segment)
        // Seventh: segment text.
        if !segment.payload.isEmpty && state.mayReceiveData {
            storePayload(segment, now: now, into: &out)
        }
        // Eighth: the FIN bit.
        if flags.contains(.fin) {
            peerFinSequence = segment.seq + segment.payload.count
        }
        consumePeerFinIfReached(now: now, into: &out)
    }

    /// RFC 5681 §3.2: the third duplicate ACK retransmits the earliest unacknowledged segment at once.
    private mutating func countDuplicateAck(now: SimInstant, into out: inout TCPOutput) {
        duplicateAcks += 1
        if duplicateAcks == 3 {
            rttProbe = nil
            retransmitEarliest(now: now, into: &out)
        }
    }

    /// RFC 9293 §3.10.7.4 first check: is any part of the segment inside the receive window?
    func isAcceptable(_ segment: TCPSegment) -> Bool {
        let length = segment.sequenceLength
        let window = receive.advertisedWindow
        let seq = segment.seq
        switch (length, window) {
        case (0, 0): return seq == receive.next
        case (0, _): return seq.isIn(receive.next, receive.next + window)
        case (_, 0): return false
        default:
            return seq.isIn(receive.next, receive.next + window)
                || (seq + length - 1).isIn(receive.next, receive.next + window)
                || (seq < receive.next && receive.next < seq + length)
        }
    }

    /// Drops the part of the segment before RCV.NXT and beyond the window.
    private func trimToWindow(_ segment: inout TCPSegment) {
        let front = receive.next - segment.seq
        if front > 0 {
            if segment.flags.contains(.syn) {
                segment.flags.remove(.syn)
                segment.seq += 1
            }
            let cut = min(receive.next - segment.seq, segment.payload.count)
            if cut > 0 {
                segment.payload = segment.payload.dropFirst(cut)
                segment.seq += cut
            }
        }
        let room = (receive.next + receiveWindowSpace) - segment.seq
        if segment.payload.count > max(0, room) {
            segment.payload = segment.payload.prefix(max(0, room))
            segment.flags.remove(.fin)
        }
    }

    /// RFC 9293 §3.10.7.4 "If the RST bit is set": the connection is reset.
    private mutating func processReset(now: SimInstant, into out: inout TCPOutput) {
        switch state {
        case .synReceived, .synFirst:
            // A child from a passive open: the socket layer removes it (RFC: "return to LISTEN").
            out.events.append((id, .reset))
        case .established, .finWait1, .finWait2, .closeWait:
            out.events.append((id, .reset))
        case .closing, .lastAck, .timeWait, .closed, .listen, .connectSyn:
            out.events.append((id, .closed))
        }
        transition(to: .closed, at: now, because: .segment("RST"), into: &out)
    }

    /// Moves SND.UNA to `ack`, frees acknowledged data, samples the RTT and restarts the retransmission timer.
    mutating func acknowledge(upTo ack: SeqNumber, now: SimInstant, into out: inout TCPOutput) {
        guard send.unacknowledged < ack else { return }
        send.unacknowledged = ack
        lossWindowEnd = nil
        let ackedData = min(ack - sendBufferStart, sendBuffer.count)
        if ackedData > 0 {
            sendBuffer.removeFirst(ackedData)
            sendBufferStart += ackedData
            out.events.append((id, .writable))
        }
        if let probe = rttProbe, probe.end <= ack {
            sampleRTT(now - probe.sentAt)
            rttProbe = nil
        }
        retransmitCount = 0
        retransmitDeadline = bytesInFlight > 0 ? now + retransmissionTimeout : nil
    }

    /// RFC 6298 (2.2)/(2.3): SRTT, RTTVAR and RTO from a new measurement.
    private mutating func sampleRTT(_ rtt: SimDuration) {
        if let srtt = smoothedRTT {
            let difference = (srtt - rtt).nanoseconds
            let delta = SimDuration(nanoseconds: difference < 0 ? -difference : difference)
            rttVariance = (rttVariance * 3 + delta) / 4
            smoothedRTT = (srtt * 7 + rtt) / 8
        } else {
            smoothedRTT = rtt
            rttVariance = rtt / 2
        }
        let srtt = smoothedRTT ?? rtt
        let candidate = srtt + max(.milliseconds(1), rttVariance * 4)
        retransmissionTimeout = min(max(candidate, parameters.minimumRetransmissionTimeout),
                                    parameters.maximumRetransmissionTimeout)
    }

    /// RFC 9293 §3.10.7.4 fifth check, window update rule (SND.WL1/SND.WL2).
    private mutating func updateSendWindow(_ segment: TCPSegment, force: Bool) {
        let ack = segment.ackNumber
        if force || send.lastWindowUpdateSeq < segment.seq
            || (send.lastWindowUpdateSeq == segment.seq && send.lastWindowUpdateAck <= ack)
        {
            send.window = Int(segment.window) << Int(send.scale)
            send.maximumWindow = max(send.maximumWindow, send.window)
            send.lastWindowUpdateSeq = segment.seq
            send.lastWindowUpdateAck = ack
        }
    }

    /// The close-state rules of the fifth check; returns false when processing must stop.
    private mutating func advanceCloseStatesOnAck(now: SimInstant, into out: inout TCPOutput) -> Bool {
        switch state {
        case .finWait1 where finAcknowledged:
            transition(to: .finWait2, at: now, because: .segment("ACK of FIN"), into: &out)
        case .closing where finAcknowledged:
            transition(to: .timeWait, at: now, because: .segment("ACK of FIN"), into: &out)
            restartTimeWait(now: now)
        case .lastAck where finAcknowledged:
            transition(to: .closed, at: now, because: .segment("ACK of FIN"), into: &out)
            out.events.append((id, .closed))
            return false
        case .timeWait:
            break
        case .closed, .listen, .connectSyn, .synFirst, .synReceived, .established, .finWait1, .finWait2,
            .closeWait, .closing, .lastAck:
            break
        }
        return true
    }

    /// Stores in-order payload, or keeps out-of-order payload for later (RFC 9293 §3.10.7.4 seventh step).
    private mutating func storePayload(_ segment: TCPSegment, now: SimInstant, into out: inout TCPOutput) {
        if segment.seq == receive.next {
            // Held data means this segment fills all or part of a gap.
            let fillsGap = !outOfOrder.isEmpty
            receiveBuffer.append(contentsOf: segment.payload)
            receive.next += segment.payload.count
            drainOutOfOrder()
            out.events.append((id, .readable))
            scheduleAck(fullSized: segment.payload.count >= send.maximumSegmentSize, now: now)
            // RFC 5681 §4.2: "a TCP receiver SHOULD send an immediate ACK when the incoming segment fills in
            // all or part of a gap in the sequence space."
            if fillsGap { ackNow = true }
        } else if segment.seq > receive.next {
            insertOutOfOrder(seq: segment.seq, bytes: Array(segment.payload))
            ackNow = true  // RFC 5681 §4.2: an out-of-order segment is acknowledged at once (a duplicate ACK)
        }
    }

    private mutating func insertOutOfOrder(seq: SeqNumber, bytes: [UInt8]) {
        if outOfOrder.contains(where: { $0.seq == seq && $0.bytes.count >= bytes.count }) { return }
        let index = outOfOrder.firstIndex(where: { seq < $0.seq }) ?? outOfOrder.endIndex
        outOfOrder.insert((seq, bytes), at: index)
    }

    /// Moves out-of-order data that RCV.NXT has reached into the receive buffer.
    mutating func drainOutOfOrder() {
        while let first = outOfOrder.first, first.seq <= receive.next {
            outOfOrder.removeFirst()
            let skip = receive.next - first.seq
            if skip < first.bytes.count {
                receiveBuffer.append(contentsOf: first.bytes[skip...])
                receive.next += first.bytes.count - skip
            }
        }
    }

    /// RFC 1122 4.2.3.2: ACK at least every second full-sized segment; otherwise delay the ACK.
    private mutating func scheduleAck(fullSized: Bool, now: SimInstant) {
        if fullSized { unackedSegments += 1 }
        if unackedSegments >= parameters.ackEveryFullSegments || parameters.delayedAckTimeout == .zero {
            ackNow = true
        } else if delayedAckDeadline == nil {
            delayedAckDeadline = now + parameters.delayedAckTimeout
        }
    }

    /// RFC 9293 §3.10.7.4 eighth step: the FIN, once all data before it has arrived.
    private mutating func consumePeerFinIfReached(now: SimInstant, into out: inout TCPOutput) {
        guard !peerFinReceived, let finSeq = peerFinSequence, finSeq == receive.next else { return }
        peerFinReceived = true
        receive.next += 1
        ackNow = true
        out.events.append((id, .endOfStream))
        switch state {
        case .synReceived, .synFirst, .established:
            transition(to: .closeWait, at: now, because: .segment("FIN"), into: &out)
        case .finWait1:
            if finAcknowledged {
                transition(to: .timeWait, at: now, because: .segment("FIN"), into: &out)
                restartTimeWait(now: now)
            } else {
                transition(to: .closing, at: now, because: .segment("FIN (simultaneous close)"), into: &out)
            }
        case .finWait2:
            transition(to: .timeWait, at: now, because: .segment("FIN"), into: &out)
            restartTimeWait(now: now)
        case .timeWait:
            restartTimeWait(now: now)
        case .closeWait, .closing, .lastAck, .closed, .listen, .connectSyn:
            break
        }
    }

    mutating func restartTimeWait(now: SimInstant) {
        retransmitDeadline = nil
        persistDeadline = nil
        timeWaitDeadline = now + parameters.maximumSegmentLifetime * 2
    }

    /// A RST built from our state: `<SEQ=seq><CTL=RST>` (RFC 9293 §3.10.7.3/§3.10.7.4).
    mutating func sendReset(seq: SeqNumber, ackOf ack: SeqNumber?, into out: inout TCPOutput) {
        var flags: TCPFlags = .rst
        if ack != nil { flags.insert(.ack) }
        let segment = TCPSegment(
            sourcePort: local.port, destinationPort: remote.port, seq: seq, ackNumber: ack ?? SeqNumber(0),
            flags: flags, window: 0)
        segmentsSent += 1
        out.segments.append(OutgoingSegment(source: local, destination: remote, segment: segment, ttl: parameters.ttl))
    }
}
