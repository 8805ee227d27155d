// IPConfig: the FreeRTOS+TCP configuration the simulator models, and a reader for `FreeRTOSIPConfig.h`.
//
// `IPConfig` holds every TCP-relevant `ipconfig*` value (and the few source-file constants users override),
// with FreeRTOS+TCP's defaults from `FreeRTOSIPConfigDefaults.h`. `IPConfigHeader` reads a header — or a
// device's `NAME = value` dump of its macros — evaluates the C constant expressions, and reports what it could
// not use as located warnings instead of failing.
//
// Pure: this module must never import Foundation, Glibc or any other module of the package.

/// The FreeRTOS+TCP configuration of one simulated device.
///
/// One stored property per TCP-relevant setting. Each is documented with its FreeRTOS macro and default, so
/// that a user can search for the name they have in their own `FreeRTOSIPConfig.h`. Flags are `Bool`; sizes,
/// counts and times are `Int` in the unit the macro uses; values of type `TickType_t` are `UInt32` ticks, with
/// `portMAX_DELAY` (`UInt32.max`) meaning "wait forever" as on a 32-bit port.
///
/// Setting a property does not re-derive the values whose defaults depend on it (`tcpMSS` on `networkMTU`,
/// the buffers on `tcpMSS`, `eventQueueLength` on `numNetworkBufferDescriptors`); `IPConfigHeader` does, as
/// the C preprocessor would.
public struct IPConfig: Hashable, Sendable {
    // MARK: - Protocols

    /// `ipconfigUSE_TCP` (default 1): TCP is compiled in.
    public var useTCP = true
    /// `ipconfigUSE_IPv4` (default 1).
    public var useIPv4 = true
    /// `ipconfigUSE_IPv6` (default 1). The simulator models IPv4 only; kept for reporting.
    public var useIPv6 = true
    /// `ipconfigUSE_TCP_WIN` (default 1): sliding window, SACK, window scaling and delayed ACKs.
    /// `false` is "Tiny TCP": one segment in flight and a window of one MSS each way.
    public var useTCPWindow = true

    // MARK: - Sizes

    /// `ipconfigNETWORK_MTU` (default 1500 bytes): the basis of the default MSS.
    public var networkMTU = 1500
    /// `ipconfigTCP_MSS` (default `ipconfigNETWORK_MTU - 40` = 1460 bytes): our MSS, at least 536.
    public var tcpMSS = 1460
    /// `ipconfigTCP_RX_BUFFER_LENGTH` (default 4 × `ipconfigTCP_MSS` = 5840 bytes): the RX stream size.
    public var rxBufferLength = 5840
    /// `ipconfigTCP_TX_BUFFER_LENGTH` (default 4 × `ipconfigTCP_MSS` = 5840 bytes): the TX stream size before it
    /// is rounded up to a multiple of the MSS (see `txStreamSize`).
    public var txBufferLength = 5840
    /// `ipconfigTCP_WIN_SEG_COUNT` (default 256): the global pool of window segment descriptors. When it runs
    /// out, out-of-order data is dropped and new TX data waits in the stream.
    public var winSegCount = 256
    /// `ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS` (default 45): network buffers; running out fails a send.
    public var numNetworkBufferDescriptors = 45
    /// `ipconfigEVENT_QUEUE_LENGTH` (default `ipconfigNUM_NETWORK_BUFFER_DESCRIPTORS + 5` = 50): the IP task's
    /// queue. When it is full, `FreeRTOS_closesocket()` returns -1.
    public var eventQueueLength = 50
    /// `ipconfigETHERNET_MINIMUM_PACKET_BYTES` (default 0 bytes): short frames are zero-padded to this length.
    public var ethernetMinimumPacketBytes = 0

    // MARK: - Timers

    /// `ipconfigTCP_SRTT_MINIMUM_VALUE_MS` (default 50 ms): the floor of the smoothed round-trip time.
    public var srttMinimum = 50
    /// `ipconfigTCP_HANG_PROTECTION` (default 1): handshake and closing states die after `hangProtectionTime`
    /// of silence. Also decides whether `accept()` can return a child before its handshake completes.
    public var hangProtection = true
    /// `ipconfigTCP_HANG_PROTECTION_TIME` (default 30 s): checked only at the socket's wake-ups.
    public var hangProtectionTime = 30
    /// `ipconfigTCP_KEEP_ALIVE` (default 0): probe an idle `eESTABLISHED` connection.
    public var keepAlive = false
    /// `ipconfigTCP_KEEP_ALIVE_INTERVAL` (default 20 s): idle time before the first probe.
    public var keepAliveInterval = 20
    /// `ipconfigSOCK_DEFAULT_RECEIVE_BLOCK_TIME` (default `portMAX_DELAY`): RCVTIMEO in ticks, used by
    /// `recv()`, `accept()` and `connect()`. `UInt32.max` waits forever.
    public var receiveBlockTime: UInt32 = .max
    /// `ipconfigSOCK_DEFAULT_SEND_BLOCK_TIME` (default `portMAX_DELAY`): SNDTIMEO in ticks. `UInt32.max` waits
    /// forever.
    public var sendBlockTime: UInt32 = .max
    /// `ipconfigMAX_IP_TASK_SLEEP_TIME` (default `pdMS_TO_TICKS( 10000 )` = 10000 ticks): the longest the IP task
    /// sleeps in one go.
    public var maxIPTaskSleepTime: UInt32 = 10_000
    /// `configTICK_RATE_HZ` (default 1000 Hz, so a tick is 1 ms). Lives in `FreeRTOSConfig.h`; `pdMS_TO_TICKS`
    /// and every tick-valued setting depend on it.
    public var tickRateHz = 1000

    // MARK: - Behaviour

    /// `ipconfigTCP_TIME_TO_LIVE` (default 128): the IP TTL of TCP segments.
    public var timeToLive: UInt8 = 128
    /// `ipconfigIGNORE_UNKNOWN_PACKETS` (default 0): 1 never sends stateless RSTs, challenge ACKs or
    /// backlog-full RSTs.
    public var ignoreUnknownPackets = false
    /// `ipconfigSUPPORT_SELECT_FUNCTION` (default 0): `FreeRTOS_select()` and socket sets.
    public var supportSelect = false
    /// `ipconfigSELECT_USES_NOTIFY` (default 0): select waits on a task notification instead of an event bit.
    public var selectUsesNotify = false
    /// `ipconfigSUPPORT_SIGNALS` (default 0): `FreeRTOS_SignalSocket()`, `-EINTR` and `eSELECT_INTR`.
    public var supportSignals = false
    /// `ipconfigUSE_CALLBACKS` (default 0): OnConnect/OnReceive/OnSent handlers.
    public var useCallbacks = false
    /// `ipconfigSOCKET_HAS_USER_SEMAPHORE` (default 0): an extra wake-up hook in `vSocketWakeUpUser()`.
    public var socketHasUserSemaphore = false
    /// `ipconfigSOCKET_HAS_USER_WAKE_CALLBACK` (default 0): an extra wake-up hook in `vSocketWakeUpUser()`.
    public var socketHasUserWakeCallback = false
    /// `ipconfigALLOW_SOCKET_SEND_WITHOUT_BIND` (default 1): `bind()` with a NULL address picks an ephemeral port.
    public var allowSendWithoutBind = true
    /// `ipconfigFORCE_IP_DONT_FRAGMENT` (default 0): set DF on every IP packet.
    public var forceDontFragment = false
    /// `ipconfigREPLY_TO_INCOMING_PINGS` (default 1): answer ICMP echo requests.
    public var replyToIncomingPings = true
    /// `ipconfigZERO_COPY_TX_DRIVER` (default 0). No protocol effect; kept for reporting.
    public var zeroCopyTxDriver = false
    /// `ipconfigDRIVER_INCLUDED_TX_IP_CHECKSUM` (default 0). No protocol effect; kept for reporting.
    public var driverIncludedTxIPChecksum = false

    // MARK: - Constants from the FreeRTOS+TCP sources

    /// `tcpMAXIMUM_TCP_WAKEUP_TIME_MS` (default 20000 ms): an idle socket's wake-up interval, which sets the
    /// granularity of hang protection and the first keep-alive probe. `#ifndef`-guarded upstream.
    public var maximumWakeupTime = 20_000
    /// `ipTCP_TIMER_PERIOD_MS` (default 1000 ms): the global TCP timer period. `#ifndef`-guarded upstream.
    public var tcpTimerPeriod = 1000
    /// `SEND_REPEATED_COUNT` (default 8): segments sent per wake-up or received segment. `#ifndef`-guarded
    /// upstream.
    public var sendRepeatedCount = 8
    /// `tcpDELAYED_ACK_SHORT_DELAY_MS` (default 2): the delayed-ACK delay after a short segment. Despite its name,
    /// FreeRTOS+TCP uses it as a raw tick count.
    public var delayedAckShortDelay = 2
    /// `tcpDELAYED_ACK_LONGER_DELAY_MS` (default 20 ms): the delayed-ACK delay after a full-sized segment.
    public var delayedAckLongerDelay = 20
    /// `tcpREDUCED_MSS_THROUGH_INTERNET` (default 1400 bytes): our MSS towards an off-subnet peer.
    public var reducedMSSThroughInternet = 1400
    /// `tcpMINIMUM_SEGMENT_LENGTH` (default 536 bytes): the smallest peer MSS we adopt.
    public var minimumSegmentLength = 536
    /// `DUPLICATE_ACKS_BEFORE_FAST_RETRANSMIT` (default 3): SACKs above a segment before it is resent early.
    public var duplicateAcksBeforeFastRetransmit = 3
    /// `MAX_TRANSMIT_COUNT_USING_LARGE_WINDOW` (default 4): on this transmission of a segment the TX window
    /// shrinks to 2 × MSS for good.
    public var maxTransmitCountUsingLargeWindow = 4
    /// `socketAUTO_PORT_ALLOCATION_START_NUMBER` (default 0x0400): the lowest ephemeral port. `#ifndef`-guarded
    /// upstream.
    public var autoPortAllocationStart: UInt16 = 0x0400

    /// FreeRTOS+TCP's defaults (`FreeRTOSIPConfigDefaults.h`, `configTICK_RATE_HZ` = 1000).
    public init() {}

    /// FreeRTOS+TCP's defaults (`FreeRTOSIPConfigDefaults.h`, `configTICK_RATE_HZ` = 1000).
    public static let defaults = IPConfig()

    /// `portMAX_DELAY` on a port with a 32-bit `TickType_t`: a block time that never expires.
    public static let portMaxDelay = UInt32.max

    /// Reads a `FreeRTOSIPConfig.h` (or a `NAME = value` dump); see `IPConfigHeader`. Never fails: what cannot
    /// be used is skipped and reported.
    public static func parse(header text: String, fileName: String)
        -> (config: IPConfig, diagnostics: [IPConfigDiagnostic])
    {
        let header = IPConfigHeader(parsing: text, fileName: fileName)
        return (header.config, header.diagnostics)
    }
}
