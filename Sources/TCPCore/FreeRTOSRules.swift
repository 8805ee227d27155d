import IPConfig
import SimClock

/// The numbers of FreeRTOS+TCP's TCP engine, from its `ipconfig*` values and compiled-in constants
/// (`FreeRTOSIPConfigDefaults.h`, `FreeRTOS_TCP_IP.c`, `FreeRTOS_TCP_WIN.c`). Used when
/// `TCPParameters.personality == .freeRTOS`.
public struct FreeRTOSRules: Hashable, Sendable {
    /// One RTOS tick (`configTICK_RATE_HZ` = 1000 → 1 ms). All FreeRTOS timers count in ticks.
    public var tick: SimDuration = .milliseconds(1)
    /// `tcpMAXIMUM_TCP_WAKEUP_TIME_MS`: the longest a socket sleeps between checks (20 s).
    public var maximumWakeup: SimDuration = .seconds(20)
    /// `ipTCP_TIMER_PERIOD_MS`: the longest the IP task's TCP timer waits between checks (1 s).
    public var timerPeriod: SimDuration = .seconds(1)
    /// `ipconfigTCP_HANG_PROTECTION_TIME` when `ipconfigTCP_HANG_PROTECTION` is 1, else nil.
    public var hangProtection: SimDuration? = .seconds(30)
    /// `ipconfigTCP_KEEP_ALIVE_INTERVAL` when `ipconfigTCP_KEEP_ALIVE` is 1 (default off: nil).
    public var keepAliveInterval: SimDuration?
    /// After a probe the socket wakes again in 2.5 s (`prvTCPPrepareSend()`).
    public var keepAliveProbeWakeup: SimDuration = .milliseconds(2500)
    /// With probes outstanding, the next one goes once the socket has been idle this long (3 s).
    public var keepAliveRetry: SimDuration = .seconds(3)
    /// Give up when more than this many probes are unanswered (`ucKeepRepCount > 3`).
    public var keepAliveMaximumProbes = 3
    /// `tcpDELAYED_ACK_SHORT_DELAY_MS`, used as a raw tick count (⚠ FreeRTOS: 2 ticks).
    public var delayedAckShortTicks = 2
    /// `tcpDELAYED_ACK_LONGER_DELAY_MS` for full-sized segments.
    public var delayedAckLong: SimDuration = .milliseconds(20)
    /// SRTT before any sample (`vTCPWindowInit()`): the first RTO is 2 × 500 ms.
    public var initialSRTT: SimDuration = .milliseconds(500)
    /// `ipconfigTCP_SRTT_MINIMUM_VALUE_MS`.
    public var minimumSRTT: SimDuration = .milliseconds(50)
    /// `uxRxWinSize` / `uxTxWinSize`: window sizes in MSS units (max(1, (buffer / 2) / MSS) = 2).
    public var receiveWindowSegments = 2
    public var sendWindowSegments = 2
    /// `SEND_REPEATED_COUNT`: segments sent per wake-up or received segment.
    public var sendRepeatedCount = 8
    /// `ipconfigIGNORE_UNKNOWN_PACKETS`: no stateless RSTs, challenge ACKs or backlog RSTs.
    public var ignoreUnknownPackets = false
    /// SYN retransmission schedule of `prvTCPNextTimeout()`: 1 tick, then 3 s, 6 s, 11 s; give up after 3.
    public var synRetryDelays: [SimDuration] = [.milliseconds(1), .seconds(3), .seconds(6), .seconds(11)]
    public var maximumSynTransmissions = 3
    /// `ipconfigFORCE_IP_DONT_FRAGMENT`.
    public var dontFragment = false

    public init() {}

    public static let defaults = FreeRTOSRules()
}

extension TCPParameters {
    /// FreeRTOS+TCP with its default configuration (`FreeRTOSIPConfigDefaults.h`): MSS 1460, 5840-byte
    /// buffers, a 2×MSS window each way, TTL 128, window scaling offered with factor 0, SACK-permitted
    /// offered, hang protection 30 s, keep-alive off.
    public static func freeRTOS(_ rules: FreeRTOSRules = .defaults, mss: Int = 1460, receiveBufferSize: Int = 5840,
                                sendBufferSize: Int = 5840) -> TCPParameters {
        var parameters = TCPParameters(
            personality: .freeRTOS, mss: mss, receiveBufferSize: receiveBufferSize, sendBufferSize: sendBufferSize,
            windowScale: 0, offerSACKPermitted: true, ttl: 128, initialRetransmissionTimeout: .seconds(1),
            minimumRetransmissionTimeout: .milliseconds(100), maximumRetransmissionTimeout: .seconds(60),
            maximumRetransmissions: .max, delayedAckTimeout: .milliseconds(20), pushOnlyAtEndOfQueue: false)
        parameters.freeRTOS = rules
        return parameters
    }
}


extension FreeRTOSRules {
    /// The rules an `IPConfig` (a `FreeRTOSIPConfig.h`) implies.
    public init(_ config: IPConfig) {
        self.init()
        tick = SimDuration(nanoseconds: 1_000_000_000 / Int64(max(1, config.tickRateHz)))
        maximumWakeup = .milliseconds(config.maximumWakeupTime)
        timerPeriod = .milliseconds(config.tcpTimerPeriod)
        hangProtection = config.hangProtection ? .seconds(config.hangProtectionTime) : nil
        keepAliveInterval = config.keepAlive ? .seconds(config.keepAliveInterval) : nil
        delayedAckShortTicks = config.delayedAckShortDelay
        delayedAckLong = .milliseconds(config.delayedAckLongerDelay)
        minimumSRTT = .milliseconds(config.srttMinimum)
        receiveWindowSegments = config.rxWindowSegments
        sendWindowSegments = config.txWindowSegments
        sendRepeatedCount = config.sendRepeatedCount
        ignoreUnknownPackets = config.ignoreUnknownPackets
        dontFragment = config.forceDontFragment
    }
}

extension TCPParameters {
    /// FreeRTOS+TCP configured by `config` (MSS, buffers, TTL, window scaling and every timer).
    public static func freeRTOS(config: IPConfig) -> TCPParameters {
        var parameters = TCPParameters.freeRTOS(
            FreeRTOSRules(config), mss: config.tcpMSS, receiveBufferSize: config.rxBufferLength,
            sendBufferSize: config.txStreamSize)
        parameters.ttl = config.timeToLive
        parameters.windowScale = UInt8(clamping: config.windowScaleFactor)
        return parameters
    }
}
