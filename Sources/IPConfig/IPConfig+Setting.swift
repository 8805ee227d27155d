// The table of settings: which macro feeds which property, in what unit, with which default and which limits.

extension IPConfig {
    /// One value of `IPConfig`, named after its Swift property and known by its FreeRTOS macro.
    /// The order of the cases is the order of `table()`. Each case is documented on the property of the same name.
    public enum Setting: Hashable, Sendable, CaseIterable {
        /// Protocols (see the properties of the same names).
        case useTCP, useIPv4, useIPv6, useTCPWindow
        /// Sizes.
        case networkMTU, tcpMSS, rxBufferLength, txBufferLength, winSegCount, numNetworkBufferDescriptors
        /// Sizes.
        case eventQueueLength, ethernetMinimumPacketBytes
        /// Timers.
        case srttMinimum, hangProtection, hangProtectionTime, keepAlive, keepAliveInterval
        /// Timers, in ticks, and the tick rate.
        case receiveBlockTime, sendBlockTime, maxIPTaskSleepTime, tickRateHz
        /// Behaviour.
        case timeToLive, ignoreUnknownPackets, supportSelect, selectUsesNotify, supportSignals, useCallbacks
        /// Behaviour.
        case socketHasUserSemaphore, socketHasUserWakeCallback, allowSendWithoutBind, forceDontFragment
        /// Behaviour.
        case replyToIncomingPings, zeroCopyTxDriver, driverIncludedTxIPChecksum
        /// Constants from the FreeRTOS+TCP sources.
        case maximumWakeupTime, tcpTimerPeriod, sendRepeatedCount, delayedAckShortDelay, delayedAckLongerDelay
        /// Constants from the FreeRTOS+TCP sources.
        case reducedMSSThroughInternet, minimumSegmentLength, duplicateAcksBeforeFastRetransmit
        /// Constants from the FreeRTOS+TCP sources.
        case maxTransmitCountUsingLargeWindow, autoPortAllocationStart

        /// The setting a FreeRTOS macro configures, or `nil` if the simulator does not model that macro.
        public init?(macroName: String) {
            guard let setting = Setting.byMacroName[macroName] else { return nil }
            self = setting
        }

        /// The FreeRTOS macro, e.g. `ipconfigTCP_MSS`.
        public var macroName: String { specification.macro }

        private static let byMacroName: [String: Setting] = Dictionary(
            uniqueKeysWithValues: allCases.map { ($0.macroName, $0) })
    }
}

// MARK: - Specification

/// How a value is shown and what it means.
enum SettingUnit: Sendable {
    case flag, bytes, count, milliseconds, seconds, ticks, hertz, hops, port
}

/// Which values FreeRTOS+TCP accepts for a setting (its `#error` and `STATIC_ASSERT` checks, or the width of the
/// variable the value ends up in).
enum ValueRange: Sendable {
    /// `ipconfigENABLE` (1) or `ipconfigDISABLE` (0).
    case flag
    /// A fixed range; `note` says where the limit comes from.
    case integer(ClosedRange<Int64>, note: String?)
    /// A `TickType_t`: 0 to `portMAX_DELAY`. A 64-bit port's `portMAX_DELAY` (all ones) also means forever.
    case ticks
    /// Seconds that FreeRTOS multiplies by `configTICK_RATE_HZ`: at most `portMAX_DELAY / configTICK_RATE_HZ`.
    case secondsWithinPortMaxDelay
    /// `ipconfigEVENT_QUEUE_LENGTH`: at least `ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS + 5`.
    case atLeastBuffersPlusFive
    /// Milliseconds converted with `pdMS_TO_TICKS` into the 16-bit socket timer `usTimeout`.
    case millisecondsWithinSocketTimer(minimum: Int64)
}

/// Whether a user's `#define` of the macro takes effect in a real FreeRTOS+TCP build.
enum Overridability: Sendable {
    /// A configuration macro (`ipconfig*`, `configTICK_RATE_HZ`), or a constant wrapped in `#ifndef`.
    case yes
    /// Defined unconditionally in a FreeRTOS+TCP source file that is compiled after `FreeRTOSIPConfig.h`: a real
    /// build warns about the redefinition and keeps the library's value.
    case no
}

struct SettingSpecification: Sendable {
    var macro: String
    var unit: SettingUnit
    /// The default as FreeRTOS+TCP writes it, evaluated with the same rules as a header.
    var defaultExpression: String
    var range: ValueRange
    var overridable: Overridability = .yes
}

private let sizeT = ValueRange.integer(0...Int64(UInt32.max), note: "a size_t")
/// A stream buffer: a size_t, and not empty (a connection with no buffer can never receive or send).
private let bufferLength = ValueRange.integer(1...Int64(UInt32.max), note: "a non-empty size_t buffer")
private let countT = ValueRange.integer(1...Int64(UInt32.max), note: "a size_t")

extension IPConfig.Setting {
    var specification: SettingSpecification {
        switch self {
        case .useTCP: .init(macro: "ipconfigUSE_TCP", unit: .flag, defaultExpression: "ipconfigENABLE", range: .flag)
        case .useIPv4:
            .init(macro: "ipconfigUSE_IPv4", unit: .flag, defaultExpression: "ipconfigENABLE", range: .flag)
        case .useIPv6:
            .init(macro: "ipconfigUSE_IPv6", unit: .flag, defaultExpression: "ipconfigENABLE", range: .flag)
        case .useTCPWindow:
            .init(macro: "ipconfigUSE_TCP_WIN", unit: .flag, defaultExpression: "ipconfigENABLE", range: .flag)
        case .networkMTU:
            .init(macro: "ipconfigNETWORK_MTU", unit: .bytes, defaultExpression: "( 1500 )",
                  range: .integer(46...65535, note: "FreeRTOS+TCP requires at least 46; IPv4 lengths are 16 bits"))
        case .tcpMSS:
            .init(macro: "ipconfigTCP_MSS", unit: .bytes, defaultExpression: "( ipconfigNETWORK_MTU - 40U )",
                  range: .integer(536...65535, note: "FreeRTOS+TCP requires at least tcpMINIMUM_SEGMENT_LENGTH"))
        case .rxBufferLength:
            .init(macro: "ipconfigTCP_RX_BUFFER_LENGTH", unit: .bytes, defaultExpression: "( 4 * ipconfigTCP_MSS )",
                  range: bufferLength)
        case .txBufferLength:
            .init(macro: "ipconfigTCP_TX_BUFFER_LENGTH", unit: .bytes, defaultExpression: "( 4 * ipconfigTCP_MSS )",
                  range: bufferLength)
        case .winSegCount:
            .init(macro: "ipconfigTCP_WIN_SEG_COUNT", unit: .count, defaultExpression: "( 256 )", range: countT)
        case .numNetworkBufferDescriptors:
            .init(macro: "ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS", unit: .count, defaultExpression: "( 45 )",
                  range: countT)
        case .eventQueueLength:
            .init(macro: "ipconfigEVENT_QUEUE_LENGTH", unit: .count,
                  defaultExpression: "( ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS + 5 )", range: .atLeastBuffersPlusFive)
        case .ethernetMinimumPacketBytes:
            .init(macro: "ipconfigETHERNET_MINIMUM_PACKET_BYTES", unit: .bytes, defaultExpression: "( 0 )",
                  range: sizeT)
        case .srttMinimum:
            .init(macro: "ipconfigTCP_SRTT_MINIMUM_VALUE_MS", unit: .milliseconds, defaultExpression: "( 50 )",
                  range: .integer(0...Int64(UInt32.max), note: "a uint32_t"))
        case .hangProtection:
            .init(macro: "ipconfigTCP_HANG_PROTECTION", unit: .flag, defaultExpression: "ipconfigENABLE",
                  range: .flag)
        case .hangProtectionTime:
            .init(macro: "ipconfigTCP_HANG_PROTECTION_TIME", unit: .seconds, defaultExpression: "( 30 )",
                  range: .secondsWithinPortMaxDelay)
        case .keepAlive:
            .init(macro: "ipconfigTCP_KEEP_ALIVE", unit: .flag, defaultExpression: "ipconfigDISABLE", range: .flag)
        case .keepAliveInterval:
            .init(macro: "ipconfigTCP_KEEP_ALIVE_INTERVAL", unit: .seconds, defaultExpression: "( 20 )",
                  range: .secondsWithinPortMaxDelay)
        case .receiveBlockTime:
            .init(macro: "ipconfigSOCK_DEFAULT_RECEIVE_BLOCK_TIME", unit: .ticks, defaultExpression: "portMAX_DELAY",
                  range: .ticks)
        case .sendBlockTime:
            .init(macro: "ipconfigSOCK_DEFAULT_SEND_BLOCK_TIME", unit: .ticks, defaultExpression: "portMAX_DELAY",
                  range: .ticks)
        case .maxIPTaskSleepTime:
            .init(macro: "ipconfigMAX_IP_TASK_SLEEP_TIME", unit: .ticks, defaultExpression: "pdMS_TO_TICKS( 10000 )",
                  range: .ticks)
        case .tickRateHz:
            .init(macro: "configTICK_RATE_HZ", unit: .hertz, defaultExpression: "( ( TickType_t ) 1000 )",
                  range: .integer(1...Int64(UInt32.max), note: "a TickType_t"))
        case .timeToLive:
            .init(macro: "ipconfigTCP_TIME_TO_LIVE", unit: .hops, defaultExpression: "( 128 )",
                  range: .integer(0...255, note: "a uint8_t"))
        case .ignoreUnknownPackets:
            .init(macro: "ipconfigIGNORE_UNKNOWN_PACKETS", unit: .flag, defaultExpression: "ipconfigDISABLE",
                  range: .flag)
        case .supportSelect:
            .init(macro: "ipconfigSUPPORT_SELECT_FUNCTION", unit: .flag, defaultExpression: "ipconfigDISABLE",
                  range: .flag)
        case .selectUsesNotify:
            .init(macro: "ipconfigSELECT_USES_NOTIFY", unit: .flag, defaultExpression: "ipconfigDISABLE",
                  range: .flag)
        case .supportSignals:
            .init(macro: "ipconfigSUPPORT_SIGNALS", unit: .flag, defaultExpression: "ipconfigDISABLE", range: .flag)
        case .useCallbacks:
            .init(macro: "ipconfigUSE_CALLBACKS", unit: .flag, defaultExpression: "ipconfigDISABLE", range: .flag)
        case .socketHasUserSemaphore:
            .init(macro: "ipconfigSOCKET_HAS_USER_SEMAPHORE", unit: .flag, defaultExpression: "ipconfigDISABLE",
                  range: .flag)
        case .socketHasUserWakeCallback:
            .init(macro: "ipconfigSOCKET_HAS_USER_WAKE_CALLBACK", unit: .flag, defaultExpression: "ipconfigDISABLE",
                  range: .flag)
        case .allowSendWithoutBind:
            .init(macro: "ipconfigALLOW_SOCKET_SEND_WITHOUT_BIND", unit: .flag, defaultExpression: "ipconfigENABLE",
                  range: .flag)
        case .forceDontFragment:
            .init(macro: "ipconfigFORCE_IP_DONT_FRAGMENT", unit: .flag, defaultExpression: "ipconfigDISABLE",
                  range: .flag)
        case .replyToIncomingPings:
            .init(macro: "ipconfigREPLY_TO_INCOMING_PINGS", unit: .flag, defaultExpression: "ipconfigENABLE",
                  range: .flag)
        case .zeroCopyTxDriver:
            .init(macro: "ipconfigZERO_COPY_TX_DRIVER", unit: .flag, defaultExpression: "ipconfigDISABLE",
                  range: .flag)
        case .driverIncludedTxIPChecksum:
            .init(macro: "ipconfigDRIVER_INCLUDED_TX_IP_CHECKSUM", unit: .flag, defaultExpression: "ipconfigDISABLE",
                  range: .flag)
        case .maximumWakeupTime:
            .init(macro: "tcpMAXIMUM_TCP_WAKEUP_TIME_MS", unit: .milliseconds, defaultExpression: "20000U",
                  range: .millisecondsWithinSocketTimer(minimum: 1))
        case .tcpTimerPeriod:
            .init(macro: "ipTCP_TIMER_PERIOD_MS", unit: .milliseconds, defaultExpression: "( 1000U )",
                  range: .integer(1...Int64(UInt32.max), note: "a TickType_t"))
        case .sendRepeatedCount:
            .init(macro: "SEND_REPEATED_COUNT", unit: .count, defaultExpression: "( 8 )",
                  range: .integer(1...Int64(UInt32.max), note: "a UBaseType_t loop count"))
        case .delayedAckShortDelay:
            .init(macro: "tcpDELAYED_ACK_SHORT_DELAY_MS", unit: .ticks, defaultExpression: "( 2 )",
                  range: .integer(1...65535, note: "a uint16_t tick count that should not become smaller than 1"),
                  overridable: .no)
        case .delayedAckLongerDelay:
            .init(macro: "tcpDELAYED_ACK_LONGER_DELAY_MS", unit: .milliseconds, defaultExpression: "( 20 )",
                  range: .millisecondsWithinSocketTimer(minimum: 0), overridable: .no)
        case .reducedMSSThroughInternet:
            .init(macro: "tcpREDUCED_MSS_THROUGH_INTERNET", unit: .bytes, defaultExpression: "( 1400 )",
                  range: .integer(536...65535, note: "an MSS"), overridable: .no)
        case .minimumSegmentLength:
            .init(macro: "tcpMINIMUM_SEGMENT_LENGTH", unit: .bytes, defaultExpression: "536U",
                  range: .integer(1...65535, note: "an MSS"), overridable: .no)
        case .duplicateAcksBeforeFastRetransmit:
            .init(macro: "DUPLICATE_ACKS_BEFORE_FAST_RETRANSMIT", unit: .count, defaultExpression: "( 3U )",
                  range: .integer(1...255, note: "a uint8_t counter"), overridable: .no)
        case .maxTransmitCountUsingLargeWindow:
            .init(macro: "MAX_TRANSMIT_COUNT_USING_LARGE_WINDOW", unit: .count, defaultExpression: "( 4U )",
                  range: .integer(1...255, note: "a uint8_t counter"), overridable: .no)
        case .autoPortAllocationStart:
            .init(macro: "socketAUTO_PORT_ALLOCATION_START_NUMBER", unit: .port,
                  defaultExpression: "( ( uint16_t ) 0x0400 )", range: .integer(1...65535, note: "a uint16_t port"))
        }
    }
}

// MARK: - Reading and writing values by setting

extension IPConfig {
    /// The value as an integer, as the macro would hold it (flags 0 or 1).
    func integerValue(of setting: Setting) -> Int64 {
        switch setting {
        case .useTCP: Int64(useTCP ? 1 : 0)
        case .useIPv4: Int64(useIPv4 ? 1 : 0)
        case .useIPv6: Int64(useIPv6 ? 1 : 0)
        case .useTCPWindow: Int64(useTCPWindow ? 1 : 0)
        case .networkMTU: Int64(networkMTU)
        case .tcpMSS: Int64(tcpMSS)
        case .rxBufferLength: Int64(rxBufferLength)
        case .txBufferLength: Int64(txBufferLength)
        case .winSegCount: Int64(winSegCount)
        case .numNetworkBufferDescriptors: Int64(numNetworkBufferDescriptors)
        case .eventQueueLength: Int64(eventQueueLength)
        case .ethernetMinimumPacketBytes: Int64(ethernetMinimumPacketBytes)
        case .srttMinimum: Int64(srttMinimum)
        case .hangProtection: Int64(hangProtection ? 1 : 0)
        case .hangProtectionTime: Int64(hangProtectionTime)
        case .keepAlive: Int64(keepAlive ? 1 : 0)
        case .keepAliveInterval: Int64(keepAliveInterval)
        case .receiveBlockTime: Int64(receiveBlockTime)
        case .sendBlockTime: Int64(sendBlockTime)
        case .maxIPTaskSleepTime: Int64(maxIPTaskSleepTime)
        case .tickRateHz: Int64(tickRateHz)
        case .timeToLive: Int64(timeToLive)
        case .ignoreUnknownPackets: Int64(ignoreUnknownPackets ? 1 : 0)
        case .supportSelect: Int64(supportSelect ? 1 : 0)
        case .selectUsesNotify: Int64(selectUsesNotify ? 1 : 0)
        case .supportSignals: Int64(supportSignals ? 1 : 0)
        case .useCallbacks: Int64(useCallbacks ? 1 : 0)
        case .socketHasUserSemaphore: Int64(socketHasUserSemaphore ? 1 : 0)
        case .socketHasUserWakeCallback: Int64(socketHasUserWakeCallback ? 1 : 0)
        case .allowSendWithoutBind: Int64(allowSendWithoutBind ? 1 : 0)
        case .forceDontFragment: Int64(forceDontFragment ? 1 : 0)
        case .replyToIncomingPings: Int64(replyToIncomingPings ? 1 : 0)
        case .zeroCopyTxDriver: Int64(zeroCopyTxDriver ? 1 : 0)
        case .driverIncludedTxIPChecksum: Int64(driverIncludedTxIPChecksum ? 1 : 0)
        case .maximumWakeupTime: Int64(maximumWakeupTime)
        case .tcpTimerPeriod: Int64(tcpTimerPeriod)
        case .sendRepeatedCount: Int64(sendRepeatedCount)
        case .delayedAckShortDelay: Int64(delayedAckShortDelay)
        case .delayedAckLongerDelay: Int64(delayedAckLongerDelay)
        case .reducedMSSThroughInternet: Int64(reducedMSSThroughInternet)
        case .minimumSegmentLength: Int64(minimumSegmentLength)
        case .duplicateAcksBeforeFastRetransmit: Int64(duplicateAcksBeforeFastRetransmit)
        case .maxTransmitCountUsingLargeWindow: Int64(maxTransmitCountUsingLargeWindow)
        case .autoPortAllocationStart: Int64(autoPortAllocationStart)
        }
    }

    /// Stores a value that `ValueRange` has already accepted. Out-of-range input is truncated, never trapped on.
    mutating func setIntegerValue(_ value: Int64, of setting: Setting) {
        let int = Int(truncatingIfNeeded: value)
        let flag = value != 0
        switch setting {
        case .useTCP: useTCP = flag
        case .useIPv4: useIPv4 = flag
        case .useIPv6: useIPv6 = flag
        case .useTCPWindow: useTCPWindow = flag
        case .networkMTU: networkMTU = int
        case .tcpMSS: tcpMSS = int
        case .rxBufferLength: rxBufferLength = int
        case .txBufferLength: txBufferLength = int
        case .winSegCount: winSegCount = int
        case .numNetworkBufferDescriptors: numNetworkBufferDescriptors = int
        case .eventQueueLength: eventQueueLength = int
        case .ethernetMinimumPacketBytes: ethernetMinimumPacketBytes = int
        case .srttMinimum: srttMinimum = int
        case .hangProtection: hangProtection = flag
        case .hangProtectionTime: hangProtectionTime = int
        case .keepAlive: keepAlive = flag
        case .keepAliveInterval: keepAliveInterval = int
        case .receiveBlockTime: receiveBlockTime = UInt32(truncatingIfNeeded: value)
        case .sendBlockTime: sendBlockTime = UInt32(truncatingIfNeeded: value)
        case .maxIPTaskSleepTime: maxIPTaskSleepTime = UInt32(truncatingIfNeeded: value)
        case .tickRateHz: tickRateHz = int
        case .timeToLive: timeToLive = UInt8(truncatingIfNeeded: value)
        case .ignoreUnknownPackets: ignoreUnknownPackets = flag
        case .supportSelect: supportSelect = flag
        case .selectUsesNotify: selectUsesNotify = flag
        case .supportSignals: supportSignals = flag
        case .useCallbacks: useCallbacks = flag
        case .socketHasUserSemaphore: socketHasUserSemaphore = flag
        case .socketHasUserWakeCallback: socketHasUserWakeCallback = flag
        case .allowSendWithoutBind: allowSendWithoutBind = flag
        case .forceDontFragment: forceDontFragment = flag
        case .replyToIncomingPings: replyToIncomingPings = flag
        case .zeroCopyTxDriver: zeroCopyTxDriver = flag
        case .driverIncludedTxIPChecksum: driverIncludedTxIPChecksum = flag
        case .maximumWakeupTime: maximumWakeupTime = int
        case .tcpTimerPeriod: tcpTimerPeriod = int
        case .sendRepeatedCount: sendRepeatedCount = int
        case .delayedAckShortDelay: delayedAckShortDelay = int
        case .delayedAckLongerDelay: delayedAckLongerDelay = int
        case .reducedMSSThroughInternet: reducedMSSThroughInternet = int
        case .minimumSegmentLength: minimumSegmentLength = int
        case .duplicateAcksBeforeFastRetransmit: duplicateAcksBeforeFastRetransmit = int
        case .maxTransmitCountUsingLargeWindow: maxTransmitCountUsingLargeWindow = int
        case .autoPortAllocationStart: autoPortAllocationStart = UInt16(truncatingIfNeeded: value)
        }
    }
}
