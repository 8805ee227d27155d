import SimClock

/// The rules and numbers that differ between TCP implementations.
///
/// A personality is a value, not a fork of the code: the same `TCPConnection` machinery runs the textbook
/// RFC 9293 machine (used for simulated hosts and as the reference) and, with different rules, other stacks.
public struct TCPParameters: Hashable, Sendable {
    /// Which family of rules the connection follows where implementations differ.
    public var personality: PersonalityKind

    /// Our MSS, advertised in SYN and SYN+ACK (RFC 9293 §3.7.1).
    public var mss: Int
    /// Receive buffer: bounds the advertised window.
    public var receiveBufferSize: Int
    /// Send buffer: bounds how much the application can queue.
    public var sendBufferSize: Int
    /// Window-scale shift we offer (RFC 7323 §2); `nil` = do not offer the option.
    public var windowScale: UInt8?
    /// Offer SACK-permitted in the SYN (RFC 2018). Only offered; SACK blocks are not generated.
    public var offerSACKPermitted: Bool
    /// IP time to live of our segments.
    public var ttl: UInt8

    /// RFC 6298 (2.1): the RTO before any RTT sample.
    public var initialRetransmissionTimeout: SimDuration
    /// RFC 6298 (2.4): "if it is less than 1 second, then the RTO SHOULD be rounded up to 1 second."
    public var minimumRetransmissionTimeout: SimDuration
    /// RFC 6298 (2.5): an upper bound on the RTO (at least 60 s).
    public var maximumRetransmissionTimeout: SimDuration
    /// Retransmissions of one segment after which the connection is aborted (RFC 9293 §3.8.3, R2).
    public var maximumRetransmissions: Int
    /// Retransmissions of a SYN (or SYN+ACK) after which the open fails.
    public var maximumSynRetransmissions: Int

    /// RFC 9293 §3.8.6.3 / RFC 1122 4.2.3.2: the delay of a delayed ACK (at most 500 ms).
    public var delayedAckTimeout: SimDuration
    /// Acknowledge at least every this many full-sized segments without delay (RFC 1122: 2).
    public var ackEveryFullSegments: Int
    /// The maximum segment lifetime; TIME-WAIT lasts 2·MSL (RFC 9293 §3.4.2).
    public var maximumSegmentLifetime: SimDuration
    /// Set PSH only on the segment that empties the send queue (Linux) rather than on every data segment.
    public var pushOnlyAtEndOfQueue: Bool
    /// FreeRTOS+TCP's numbers, used when `personality == .freeRTOS`.
    public var freeRTOS = FreeRTOSRules.defaults

    public init(
        personality: PersonalityKind = .rfc9293, mss: Int = 1460, receiveBufferSize: Int = 65535,
        sendBufferSize: Int = 65535, windowScale: UInt8? = nil, offerSACKPermitted: Bool = false, ttl: UInt8 = 64,
        initialRetransmissionTimeout: SimDuration = .seconds(1), minimumRetransmissionTimeout: SimDuration = .seconds(1),
        maximumRetransmissionTimeout: SimDuration = .seconds(60), maximumRetransmissions: Int = 12,
        maximumSynRetransmissions: Int = 6, delayedAckTimeout: SimDuration = .milliseconds(40),
        ackEveryFullSegments: Int = 2, maximumSegmentLifetime: SimDuration = .seconds(30),
        pushOnlyAtEndOfQueue: Bool = true
    ) {
        self.personality = personality
        self.mss = mss
        self.receiveBufferSize = receiveBufferSize
        self.sendBufferSize = sendBufferSize
        self.windowScale = windowScale
        self.offerSACKPermitted = offerSACKPermitted
        self.ttl = ttl
        self.initialRetransmissionTimeout = initialRetransmissionTimeout
        self.minimumRetransmissionTimeout = minimumRetransmissionTimeout
        self.maximumRetransmissionTimeout = maximumRetransmissionTimeout
        self.maximumRetransmissions = maximumRetransmissions
        self.maximumSynRetransmissions = maximumSynRetransmissions
        self.delayedAckTimeout = delayedAckTimeout
        self.ackEveryFullSegments = ackEveryFullSegments
        self.maximumSegmentLifetime = maximumSegmentLifetime
        self.pushOnlyAtEndOfQueue = pushOnlyAtEndOfQueue
    }

    /// The textbook RFC 9293 machine with RFC 6298 timers.
    public static let rfc9293 = TCPParameters()

    /// RFC 9293 with numbers close to a Linux host: window scaling, SACK offered, 40 ms delayed ACK,
    /// a large receive buffer. Used for the simulated host peer.
    public static let linuxLike = TCPParameters(
        receiveBufferSize: 131_072, sendBufferSize: 131_072, windowScale: 7, offerSACKPermitted: true)
}

/// The family of rules a connection follows where TCP implementations differ.
public enum PersonalityKind: String, Hashable, Sendable, CaseIterable {
    /// RFC 9293 with RFC 6298 retransmission, RFC 5961 RST/SYN handling, TIME-WAIT 2·MSL.
    case rfc9293
    /// FreeRTOS+TCP as its source behaves (`the FreeRTOS+TCP model`): no FIN-WAIT-2/CLOSING/TIME-WAIT,
    /// `eCLOSE_WAIT` as "dead", timers on the IP task's tick and 20 s wake-up grid, hang protection.
    case freeRTOS
}
