import SimClock
import TCPWire

/// Why a user call on a connection failed (RFC 9293 §3.10 error texts).
public enum ConnectionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// "connection closing": the sending side is already closed.
    case closing
    /// "connection does not exist" / not yet or no longer usable.
    case notConnected

    public var description: String {
        switch self {
        case .closing: "connection closing"
        case .notConnected: "connection does not exist"
        }
    }
}

extension TCPConnection {
    /// SEND (RFC 9293 §3.10.2): queues as much of `bytes` as fits; returns how many were queued.
    public mutating func send<C: Collection>(_ bytes: C, now: SimInstant, into out: inout TCPOutput) throws(ConnectionError)
        -> Int where C.Element == UInt8
    {
        guard state.maySendData && !finQueued else {
            throw finQueued || state.isSynchronized ? .closing : .notConnected
        }
        let count = min(bytes.count, sendSpace)
        sendBuffer.append(contentsOf: bytes.prefix(count))
        flush(now: now, into: &out)
        return count
    }

    /// RECEIVE (RFC 9293 §3.10.3): takes up to `maximum` buffered bytes; sends a window update when the
    /// window opens by at least min(buffer/2, MSS) (receiver SWS avoidance, RFC 9293 §3.8.6.2.2).
    public mutating func read(upTo maximum: Int, now: SimInstant, into out: inout TCPOutput) -> [UInt8] {
        let bytes = receiveBuffer.read(upTo: maximum)
        if !bytes.isEmpty && state.isSynchronized && !peerFinReceived {
            let threshold = min(parameters.receiveBufferSize / 2, send.maximumSegmentSize)
            if receiveWindowSpace - receive.advertisedWindow >= threshold {
                ackNow = true
                flush(now: now, into: &out)
            }
        }
        return bytes
    }

    /// Peeks at up to `maximum` buffered bytes without consuming them.
    public func peek(upTo maximum: Int) -> [UInt8] { receiveBuffer.copy(offset: 0, length: maximum) }

    /// CLOSE (RFC 9293 §3.10.4): no more data from us; a FIN follows the queued data.
    public mutating func close(now: SimInstant, into out: inout TCPOutput) {
        switch state {
        case .connectSyn:
            transition(to: .closed, at: now, because: .call("close()"), into: &out)
            out.events.append((id, .closed))
        case .synFirst, .synReceived:
            // RFC 9293 §3.10.4 (SYN-RECEIVED): the FIN is "queued for processing after entering ESTABLISHED
            // state". Staying in SYN-RECEIVED until then keeps the SYN,ACK retransmitted and keeps the FIN
            // out of the SYN's sequence number; the ACK of our SYN moves on to FIN-WAIT-1.
            finQueued = true
        case .established:
            finQueued = true
            transition(to: .finWait1, at: now, because: .call("close()"), into: &out)
            flush(now: now, into: &out)
        case .closeWait:
            finQueued = true
            transition(to: .lastAck, at: now, because: .call("close()"), into: &out)
            flush(now: now, into: &out)
        case .closed, .listen, .finWait1, .finWait2, .closing, .lastAck, .timeWait:
            break
        }
    }

    /// ABORT (RFC 9293 §3.10.5): sends a RST in synchronized states and enters CLOSED.
    public mutating func abort(now: SimInstant, into out: inout TCPOutput) {
        if state.isSynchronized || state == .synReceived {
            sendReset(seq: send.next, ackOf: nil, into: &out)
        }
        transition(to: .closed, at: now, because: .call("abort()"), into: &out)
    }

    // MARK: - Timers

    /// Runs every timer that is due at `now`.
    public mutating func expireTimers(now: SimInstant, into out: inout TCPOutput) {
        if parameters.personality == .freeRTOS {
            socketCheckFreeRTOS(now: now, into: &out)
            return
        }
        if let deadline = timeWaitDeadline, deadline <= now {
            timeWaitDeadline = nil
            transition(to: .closed, at: now, because: .timer("TIME-WAIT 2·MSL expired"), into: &out)
            out.events.append((id, .closed))
            return
        }
        if let deadline = retransmitDeadline, deadline <= now {
            retransmitTimerFired(now: now, into: &out)
            if state == .closed { return }
        }
        if let deadline = persistDeadline, deadline <= now {
            persistDeadline = nil
            persistBackoff += 1
            if send.window > bytesInFlight {
                // RFC 9293 §3.8.6.2.1 (4): the override timeout; `flush` below sends what the window allows.
                overrideSenderSWS = true
            } else {
                // Zero-window probe: an old sequence number elicits an ACK with the current window.
                emit(makeSegment(seq: send.next - 1, flags: .ack), into: &out)
            }
            persistDeadline = now + persistInterval
        }
        if let deadline = delayedAckDeadline, deadline <= now {
            delayedAckDeadline = nil
            ackNow = true
        }
        flush(now: now, into: &out)
    }

    /// RFC 6298 (5.4)–(5.6): retransmit the earliest segment, back off, and give up after the limit.
    private mutating func retransmitTimerFired(now: SimInstant, into out: inout TCPOutput) {
        retransmitDeadline = nil
        guard bytesInFlight > 0 else { return }
        let limit = state.isSynchronized ? parameters.maximumRetransmissions : parameters.maximumSynRetransmissions
        if retransmitCount >= limit {
            out.events.append((id, .timedOut))
            transition(to: .closed, at: now, because: .timer("retransmission limit (\(limit))"), into: &out)
            return
        }
        retransmitCount += 1
        retransmissionTimeout = min(retransmissionTimeout * 2, parameters.maximumRetransmissionTimeout)
        rttProbe = nil  // Karn's algorithm
        duplicateAcks = 0
        if state.isSynchronized {
            // RFC 5681 §3.1: after a timeout the sender starts again from SND.UNA (go-back-N); the receiver
            // discards what it already has.
            send.next = send.unacknowledged
            lossWindowEnd = send.unacknowledged + max(1, send.maximumSegmentSize)
            retransmissions += 1
            retransmitDeadline = now + retransmissionTimeout
            flush(now: now, into: &out)
        } else {
            synTimedOut = true
            retransmitEarliest(now: now, into: &out)
        }
        retransmitDeadline = now + retransmissionTimeout
    }
}
