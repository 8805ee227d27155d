import SimClock
import TCPWire

extension TCPConnection {
    // MARK: - The socket's wake-up (xTCPSocketCheck)

    /// Counts the socket's timer down by `ticks` elapsed ticks (`xTCPTimerCheck()`); returns true when it
    /// reached zero, i.e. the socket must be checked now.
    public mutating func elapseFreeRTOS(ticks elapsed: Int) -> Bool {
        guard rtos.timeoutTicks > 0 else { return false }
        if rtos.timeoutTicks <= elapsed {
            rtos.timeoutTicks = 0
            return true
        }
        rtos.timeoutTicks -= elapsed
        return false
    }

    /// FreeRTOS: `xTCPSocketCheck()`, run when the socket's timer expires .
    public mutating func socketCheckFreeRTOS(now: SimInstant, into out: inout TCPOutput) {
        // 2. A stored delayed ACK goes out, unless a shutdown is pending (the FIN will carry the ACK).
        if let ack = rtos.pendingAck {
            rtos.pendingAck = nil
            if !rtos.userShutdown && state != .closed {
                emitFreeRTOS(makeSegmentFreeRTOS(seq: ack.seq, flags: .ack), into: &out)
            }
            if rtos.timeoutTicks > 1 { return }
        }
        // 3. eCONNECT_SYN, or any state numerically ≥ eESTABLISHED (eCLOSE_WAIT and eLAST_ACK included).
        if state == .connectSyn || state.rawValue >= TCPState.established.rawValue {
            sendPacketFreeRTOS(now: now, into: &out)
        }
        // 4. Re-arm.
        nextTimeoutFreeRTOS(now: now)
        out.timers.append(TimerFiring(
            time: now, connection: id, state: state, idle: now - rtos.lastActivity,
            hangLimit: isHangProtected ? rules.hangProtection : nil,
            nextWakeup: rules.tick * Int64(rtos.timeoutTicks)))
        // 5. Hang protection (prvTCPStatusAgeCheck()): nothing is sent. §14 (d) "~38 s vs 40 s": with the
        // default 20 s grid it fires 40 s after the last touch less the ticks stolen by same-millisecond timer
        // passes (S3b capture: 39.994 s after FreeRTOS_shutdown()); the "38 s" of the report is not derivable.
        if let limit = rules.hangProtection, isHangProtected, now - rtos.lastActivity > limit {
            let grid = rules.maximumWakeup.nanoseconds / 1_000_000_000
            transitionFreeRTOS(
                to: .closeWait, at: now,
                because: .timer("hang protection, ipconfigTCP_HANG_PROTECTION_TIME=\(limit.nanoseconds / 1_000_000_000) s on the \(grid) s wake-up grid"),
                into: &out)
        }
    }

    /// `prvTCPNextTimeout()`: computes the next wake-up, but only when none is scheduled.
    mutating func nextTimeoutFreeRTOS(now: SimInstant) {
        guard rtos.timeoutTicks == 0 else { return }
        if state == .connectSyn {
            let delays = rules.synRetryDelays
            rtos.timeoutTicks = ticks(delays[min(rtos.synTransmissions, delays.count - 1)])
            return
        }
        if let due = rtos.inFlight.map({ $0.lastSent + retransmitDelayFreeRTOS($0) }).min() {
            rtos.timeoutTicks = due > now ? ticks(due - now) : 1
        } else if state.rawValue >= TCPState.established.rawValue && hasSendableDataFreeRTOS {
            rtos.timeoutTicks = 1
        } else {
            rtos.timeoutTicks = ticks(rules.maximumWakeup)
        }
    }

    /// 2^k × SRTT for a segment sent k times (clamped: FreeRTOS's shift overflows after ~7 doublings).
    func retransmitDelayFreeRTOS(_ segment: FreeRTOSControl.TxSegment) -> SimDuration {
        rtos.smoothedRTT * Int64(1 << min(segment.transmissions, 7))
    }

    /// New data that fits the peer's window, or a FIN due.
    var hasSendableDataFreeRTOS: Bool {
        (unsentCount > 0 && windowRoomFreeRTOS > 0) || shutdownFinDue
    }

    private var shutdownFinDue: Bool {
        state == .established && rtos.userShutdown && !rtos.finSent && unsentCount == 0 && rtos.inFlight.isEmpty
    }

    /// Bytes the window still allows in flight: min(peer window, TX window of `uxTxWinSize` MSS) − in flight.
    var windowRoomFreeRTOS: Int {
        let txWindow = (rtos.reducedWindow ? 2 : rtos.sendWindowSegments ?? rules.sendWindowSegments)
            * send.maximumSegmentSize
        return min(send.window, txWindow) - bytesInFlight
    }

    // MARK: - Sending (prvTCPSendPacket / prvTCPPrepareSend)

    /// `prvTCPSendPacket()`: the SYN while connecting, otherwise up to `SEND_REPEATED_COUNT` segments.
    mutating func sendPacketFreeRTOS(now: SimInstant, into out: inout TCPOutput) {
        if state == .connectSyn {
            if rtos.synTransmissions >= rules.maximumSynTransmissions {
                transitionFreeRTOS(to: .closeWait, at: now,
                                   because: .timer("no answer to \(rtos.synTransmissions) SYNs"), into: &out)
                out.events.append((id, .timedOut))
                return
            }
            sendSynFreeRTOS(now: now, into: &out)
            rtos.synTransmissions += 1
            return
        }
        sendRepeatedFreeRTOS(now: now, into: &out)
    }

    /// `prvTCPSendRepeated()`.
    mutating func sendRepeatedFreeRTOS(now: SimInstant, into out: inout TCPOutput) {
        guard state.rawValue >= TCPState.established.rawValue else { return }
        for _ in 0..<rules.sendRepeatedCount {
            guard prepareSendFreeRTOS(now: now, into: &out) else { break }
        }
    }

    /// `prvTCPPrepareSend()`: one segment — a retransmission, new data (the CLOSE_AFTER_SEND FIN riding on
    /// the last of it), the shutdown FIN, a keep-alive probe, or a window update; false when nothing is due.
    private mutating func prepareSendFreeRTOS(now: SimInstant, into out: inout TCPOutput) -> Bool {
        // Retransmission from the sliding window: the oldest segment whose age exceeds 2^k × SRTT.
        // FreeRTOS: ulTCPWindowTxGet(): strictly greater, so the wake-up at exactly 2^k × SRTT finds nothing
        // due and re-arms 1 tick: retransmissions leave at 1001 ms, then 2001 ms, … (notes E.1).
        if let index = rtos.inFlight.firstIndex(where: { now - $0.lastSent > retransmitDelayFreeRTOS($0) }) {
            retransmitFreeRTOS(index, now: now, into: &out)
            return true
        }
        // New data.
        if state.rawValue >= TCPState.established.rawValue && state != .closeWait && !rtos.finSent {
            let room = windowRoomFreeRTOS
            let length = min(send.maximumSegmentSize, unsentCount, max(0, room))
            if length > 0 {
                sendDataFreeRTOS(length: length, now: now, into: &out)
                return true
            }
        }
        // The shutdown FIN: only in eESTABLISHED, once all data is acknowledged.
        if shutdownFinDue {
            sendFinFreeRTOS(now: now, into: &out)
            rtos.windowChange = false
            transitionFreeRTOS(to: .finWait1, at: now, because: .call("FreeRTOS_shutdown(): FIN sent"), into: &out)
            return true
        }
        // Keep-alive (only in eESTABLISHED, with nothing else to send). §14 (b), decided from the source
        // (prvTCPPrepareSend() @ 27a96812e) and the S8/S8b captures: the probe's 2.5 s wake-up comes before the 3 s
        // retry threshold, so on an idle socket probes are ~22.5 s apart and the 4th unanswered one gives up.
        if state == .established, let interval = rules.keepAliveInterval, !rtos.windowChange {
            if rtos.keepAliveProbes > rules.keepAliveMaximumProbes {
                transitionFreeRTOS(to: .closeWait, at: now,
                                   because: .timer("keep-alive: \(rtos.keepAliveProbes) probes unanswered"), into: &out)
                return false
            }
            let threshold = rtos.keepAliveProbes == 0 ? interval : rules.keepAliveRetry
            if now - rtos.lastAlive > threshold {
                let probe = makeSegmentFreeRTOS(seq: send.next - 1, flags: .ack)
                emitFreeRTOS(probe, into: &out)
                rtos.lastAlive = now
                rtos.keepAliveProbes += 1
                rtos.timeoutTicks = ticks(rules.keepAliveProbeWakeup)
                return true
            }
        }
        // A window update or an owed ACK.
        if rtos.windowChange {
            rtos.windowChange = false
            var ack = makeSegmentFreeRTOS(seq: send.next, flags: .ack)
            if let block = rtos.pendingSack {
                ack.options = [.noOperation, .noOperation, .sack([block])]
                rtos.pendingSack = nil
            }
            emitFreeRTOS(ack, into: &out)
            return true
        }
        return false
    }

    private mutating func sendDataFreeRTOS(length: Int, now: SimInstant, into out: inout TCPOutput) {
        let seq = send.next
        let offset = seq - sendBufferStart
        let payload = sendBuffer.copy(offset: offset, length: length)
        // CLOSE_AFTER_SEND: the segment that reaches the end of the stream carries FIN.
        let carriesFin = rtos.closeRequested && length == unsentCount
        var flags: TCPFlags = [.psh, .ack]  // PSH on every data segment
        if carriesFin { flags.insert(.fin) }
        emitFreeRTOS(makeSegmentFreeRTOS(seq: seq, flags: flags, payload: payload[...]), into: &out)
        send.next = seq + length + (carriesFin ? 1 : 0)
        if send.highestSent < send.next { send.highestSent = send.next }
        if carriesFin {
            rtos.finSent = true
            rtos.ourFin = seq + length
            finSequence = seq + length
            finQueued = true
        }
        rtos.inFlight.append(.init(seq: seq, length: length, lastSent: now, transmissions: 1, carriesFin: carriesFin))
    }

    private mutating func retransmitFreeRTOS(_ index: Int, now: SimInstant, into out: inout TCPOutput) {
        var segment = rtos.inFlight[index]
        let payload = sendBuffer.copy(offset: segment.seq - sendBufferStart, length: segment.length)
        var flags: TCPFlags = [.psh, .ack]
        if segment.carriesFin { flags.insert(.fin) }
        emitFreeRTOS(makeSegmentFreeRTOS(seq: segment.seq, flags: flags, payload: payload[...]), into: &out)
        segment.transmissions += 1
        segment.lastSent = now
        // MAX_TRANSMIT_COUNT_USING_LARGE_WINDOW: the 4th transmission shrinks the TX window to 2 MSS.
        if segment.transmissions >= 4 { rtos.reducedWindow = true }
        rtos.inFlight[index] = segment
        retransmissions += 1
    }

    // MARK: - Application calls

    /// FreeRTOS: `FreeRTOS_send()` queueing: as much as fits, then a wake-up in one tick.
    public mutating func queueFreeRTOS<C: Collection>(_ bytes: C) -> Int where C.Element == UInt8 {
        let count = min(bytes.count, sendSpace)
        guard count > 0 else { return 0 }
        sendBuffer.append(contentsOf: bytes.prefix(count))
        rtos.timeoutTicks = 1
        return count
    }

    /// FreeRTOS: `FREERTOS_SO_CLOSE_AFTER_SEND` — the call that queued the last byte of its buffer marks it.
    public mutating func requestCloseAfterSendFreeRTOS() {
        rtos.closeRequested = true
    }

    /// FreeRTOS: `FreeRTOS_shutdown()`: `bUserShutdown` and a wake-up in one tick; the FIN leaves once all
    /// queued data is acknowledged.
    public mutating func shutdownFreeRTOS() {
        rtos.userShutdown = true
        rtos.timeoutTicks = 1
    }

    /// FreeRTOS: reading from the RX stream (`FreeRTOS_recv()`); a window update follows when reading frees
    /// at least one MSS of a window that had been closed to less than that.
    public mutating func readFreeRTOS(upTo maximum: Int, consume: Bool) -> [UInt8] {
        guard consume else { return receiveBuffer.copy(offset: 0, length: maximum) }
        let bytes = receiveBuffer.read(upTo: maximum)
        // FreeRTOS: FreeRTOS_recv(): once reading frees `uxEnoughSpace`, `bLowWater` is cleared and a window
        // update goes out at the next tick.
        if !bytes.isEmpty && rtos.lowWater && receiveWindowSpace >= enoughSpaceFreeRTOS {
            rtos.lowWater = false
            rtos.windowChange = true
            rtos.timeoutTicks = 1
        }
        return bytes
    }

    /// FreeRTOS: `FreeRTOS_listen()` on a REUSE socket in eCLOSE_WAIT/eCLOSED is handled by the socket layer;
    /// this returns the TCB's view of whether our FIN is out (send() then returns 0).
    public var finSentFreeRTOS: Bool { rtos.finSent }
}
