import SimClock
import TCPWire

extension TCPConnection {
    // MARK: - Building segments

    /// A segment from us to the peer with the current ACK and window.
    func makeSegment(
        seq: SeqNumber, flags: TCPFlags, payload: ArraySlice<UInt8> = [], options: [TCPOption] = []
    ) -> TCPSegment {
        var flags = flags
        if flags != .syn { flags.insert(.ack) }  // only the active-open SYN goes without ACK
        return TCPSegment(
            sourcePort: local.port, destinationPort: remote.port, seq: seq,
            ackNumber: flags.contains(.ack) ? receive.next : SeqNumber(0), flags: flags,
            window: windowField(syn: flags.contains(.syn)), options: options, payload: payload)
    }

    /// The window field: free space, scaled by our shift (never in a SYN, RFC 7323 §2.2), at most 65535.
    func windowField(syn: Bool) -> UInt16 {
        let shift = syn ? 0 : Int(receive.scale)
        return UInt16(min(receiveWindowSpace >> shift, 0xFFFF))
    }

    mutating func emit(_ segment: TCPSegment, into out: inout TCPOutput) {
        let shift = segment.flags.contains(.syn) ? 0 : Int(receive.scale)
        receive.advertisedWindow = Int(segment.window) << shift
        if segment.flags.contains(.ack) {
            delayedAckDeadline = nil
            unackedSegments = 0
            ackNow = false
        }
        segmentsSent += 1
        out.segments.append(
            OutgoingSegment(source: local, destination: remote, segment: segment, ttl: parameters.ttl))
    }

    /// SYN (active open) or SYN+ACK (passive open), with our options.
    mutating func sendSyn(now: SimInstant, into out: inout TCPOutput) {
        var options: [TCPOption] = [.maximumSegmentSize(UInt16(clamping: parameters.mss))]
        let isSynAck = state == .synReceived
        if let shift = parameters.windowScale, !isSynAck || peerOfferedWindowScale {
            options += [.noOperation, .windowScale(shift)]
        }
        if parameters.offerSACKPermitted { options += [.noOperation, .noOperation, .sackPermitted] }
        let flags: TCPFlags = isSynAck ? [.syn, .ack] : .syn
        emit(makeSegment(seq: send.initial, flags: flags, options: options), into: &out)
        if send.next == send.initial { send.next = send.initial + 1 }
        if send.highestSent < send.next { send.highestSent = send.next }
        if retransmitDeadline == nil { retransmitDeadline = now + retransmissionTimeout }
        if rttProbe == nil && retransmitCount == 0 { rttProbe = (send.initial + 1, now) }
    }

    // MARK: - Output

    /// Sends whatever the state, the windows and the queues allow: new data, our FIN, and any owed ACK.
    /// Called after every input (segment, call or timer). RFC 9293 §3.8.6 (windows), no Nagle.
    mutating func flush(now: SimInstant, into out: inout TCPOutput) {
        if state.isSynchronized && state != .timeWait {
            while sendNextSegment(now: now, into: &out) {}
        }
        if ackNow && state != .closed && state != .connectSyn && state != .listen {
            // A bare ACK carries SND.MAX, not SND.NXT: after a timeout moved SND.NXT back, an ACK numbered
            // from there would itself be unacceptable to the peer, and two such peers would ACK each other
            // forever (as 4.4BSD's tcp_output notes).
            emit(makeSegment(seq: send.highestSent, flags: .ack), into: &out)
        }
        updatePersistTimer(now: now)
    }

    /// Sends one new segment if possible; returns whether it did.
    private mutating func sendNextSegment(now: SimInstant, into out: inout TCPOutput) -> Bool {
        guard !finSent else { return false }
        let unsent = unsentCount
        var usable = send.window - bytesInFlight
        // RFC 5681 §3.1 / RFC 6298 (5.4): after a timeout only the earliest segment (a loss window of one
        // SMSS) is resent until an ACK of new data arrives.
        if let end = lossWindowEnd { usable = min(usable, end - send.next) }
        let length = min(send.maximumSegmentSize, unsent, max(0, usable))
        let sendsFin = finQueued && length == unsent
        guard length > 0 || (sendsFin && unsent == 0) else { return false }
        // Sender SWS avoidance (RFC 9293 §3.8.6.2.1): a short segment only when it empties the queue or the
        // usable window is at least half the largest window the peer offered.
        // Condition (4), "the data is PUSHed and the override timeout occurs", is `overrideSenderSWS`.
        if length < send.maximumSegmentSize && length < unsent && usable < send.maximumWindow / 2
            && !overrideSenderSWS
        {
            return false
        }
        overrideSenderSWS = false
        var flags: TCPFlags = .ack
        if length > 0 && (!parameters.pushOnlyAtEndOfQueue || length == unsent) { flags.insert(.psh) }
        if sendsFin { flags.insert(.fin) }
        let payload = sendBuffer.copy(offset: sentDataCount, length: length)
        let seq = send.next
        // RFC 6298 §3 (Karn): only a segment of never-sent data may be timed, not one resent after a timeout.
        let isNewData = send.highestSent <= seq
        emit(makeSegment(seq: seq, flags: flags, payload: payload[...]), into: &out)
        send.next = seq + length + (sendsFin ? 1 : 0)
        if send.highestSent < send.next { send.highestSent = send.next }
        if sendsFin { finSequence = seq + length }
        if rttProbe == nil && isNewData { rttProbe = (send.next, now) }
        if retransmitDeadline == nil { retransmitDeadline = now + retransmissionTimeout }
        return true
    }

    /// RFC 9293 §3.8.6.1: with data waiting, nothing in flight and a zero window, probe the window.
    /// RFC 9293 §3.8.6.2.1 (4): with a window too small for sender SWS avoidance, the same timer is the
    /// override timeout. Either way no ACK is coming to restart sending, so a timer must.
    private mutating func updatePersistTimer(now: SimInstant) {
        let stalled = state.isSynchronized && state != .timeWait && unsentCount > 0 && bytesInFlight == 0
        if !stalled {
            persistDeadline = nil
            persistBackoff = 0
        } else if persistDeadline == nil {
            persistDeadline = now + persistInterval
        }
    }

    var persistInterval: SimDuration {
        let base = max(retransmissionTimeout, parameters.minimumRetransmissionTimeout)
        let scaled = base * Int64(1 << min(persistBackoff, 6))
        return min(scaled, parameters.maximumRetransmissionTimeout)
    }

    /// Retransmits the earliest unacknowledged segment (RFC 6298 (5.4)).
    mutating func retransmitEarliest(now: SimInstant, into out: inout TCPOutput) {
        retransmissions += 1
        switch state {
        case .connectSyn, .synReceived, .synFirst:
            sendSyn(now: now, into: &out)
            return
        case .established, .finWait1, .finWait2, .closeWait, .closing, .lastAck, .timeWait, .closed, .listen:
            break
        }
        let dataOffset = send.unacknowledged - sendBufferStart
        let sentData = sentDataCount
        let length = min(send.maximumSegmentSize, max(0, sentData - max(0, dataOffset)))
        let seq = send.unacknowledged
        let carriesFin = finSequence.map { $0 == seq + length } ?? false
        guard length > 0 || carriesFin else { return }
        var flags: TCPFlags = .ack
        if length > 0 { flags.insert(.psh) }
        if carriesFin { flags.insert(.fin) }
        let payload = sendBuffer.copy(offset: max(0, dataOffset), length: length)
        emit(makeSegment(seq: seq, flags: flags, payload: payload[...]), into: &out)
    }
}
