// Values FreeRTOS+TCP computes from the configuration rather than reading from a macro.

extension IPConfig {
    // MARK: - Streams and windows

    /// The TX stream size: `ipconfigTCP_TX_BUFFER_LENGTH` rounded up to a multiple of the MSS.
    /// FreeRTOS: `prvInitialiseTCPFields()`, `FreeRTOS_round_up()`.
    public var txStreamSize: Int {
        guard tcpMSS > 0, txBufferLength > 0 else { return txBufferLength }
        let (segments, remainder) = txBufferLength.quotientAndRemainder(dividingBy: tcpMSS)
        return saturatingProduct(segments + (remainder == 0 ? 0 : 1), tcpMSS)
    }

    /// The RX window in MSS units: `max(1, (RX buffer / 2) / MSS)`, 2 with the defaults; 1 with Tiny TCP.
    /// FreeRTOS: `prvInitialiseTCPFields()` (`uxRxWinSize`).
    public var rxWindowSegments: Int { windowSegments(streamSize: rxBufferLength) }

    /// The TX window in MSS units: `max(1, (TX stream / 2) / MSS)`, 2 with the defaults; 1 with Tiny TCP.
    /// FreeRTOS: `prvInitialiseTCPFields()` (`uxTxWinSize`), from the rounded-up `txStreamSize`.
    public var txWindowSegments: Int { windowSegments(streamSize: txStreamSize) }

    /// The RX window in bytes before any MSS reduction: `rxWindowSegments` × `tcpMSS` (2920 with the defaults).
    public var rxWindowLength: Int { saturatingProduct(rxWindowSegments, tcpMSS) }

    /// The window-scale shift we offer: the halvings that bring `rxWindowLength` to 0xFFFF or less (0 with the
    /// defaults). Tiny TCP sends no WS option; the value is then only what the formula gives.
    /// FreeRTOS: `prvWinScaleFactor()`.
    public var windowScaleFactor: Int {
        var window = rxWindowLength
        var factor = 0
        while window > 0xFFFF {
            window >>= 1
            factor += 1
        }
        return factor
    }

    /// Bytes of options on our SYN and SYN+ACK: MSS, NOP, WS, NOP, NOP, SACK-permitted (12) with the sliding
    /// window; MSS only (4) with Tiny TCP. FreeRTOS: `prvSetSynAckOptions()`.
    public var synOptionsLength: Int { useTCPWindow ? 12 : 4 }

    // MARK: - Time

    /// The length of one tick, `1 s / configTICK_RATE_HZ`.
    public var tickDuration: Duration { .seconds(1) / max(1, tickRateHz) }

    /// `pdMS_TO_TICKS( milliseconds )`: `(TickType_t)(((uint64_t)ms * configTICK_RATE_HZ) / 1000)`, truncating.
    public func ticks(milliseconds: Int) -> UInt32 {
        let product = UInt64(truncatingIfNeeded: milliseconds) &* UInt64(truncatingIfNeeded: tickRateHz)
        return UInt32(truncatingIfNeeded: product / 1000)
    }

    /// The duration of a tick count, or `nil` for `portMAX_DELAY` (forever).
    public func duration(ofTicks ticks: UInt32) -> Duration? {
        ticks == IPConfig.portMaxDelay ? nil : .seconds(Int64(ticks)) / max(1, tickRateHz)
    }

    /// RCVTIMEO as a duration; `nil` waits forever.
    public var receiveTimeout: Duration? { duration(ofTicks: receiveBlockTime) }

    /// SNDTIMEO as a duration; `nil` waits forever.
    public var sendTimeout: Duration? { duration(ofTicks: sendBlockTime) }

    /// The silence after which hang protection kills a handshaking or closing socket; `nil` when it is off.
    public var hangProtectionTimeout: Duration? { hangProtection ? .seconds(hangProtectionTime) : nil }

    /// The idle time before the first keep-alive probe; `nil` when keep-alive is off.
    public var keepAliveIdleTime: Duration? { keepAlive ? .seconds(keepAliveInterval) : nil }

    // MARK: - Helpers

    private func windowSegments(streamSize: Int) -> Int {
        guard useTCPWindow else { return 1 }
        guard tcpMSS > 0 else { return 1 }
        return max(1, (streamSize / 2) / tcpMSS)
    }

    private func saturatingProduct(_ a: Int, _ b: Int) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? ((a < 0) == (b < 0) ? .max : .min) : product
    }
}
