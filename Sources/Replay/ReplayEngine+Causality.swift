import SimClock
import Simulation
import TCPWire

/// A peer segment that answered within 1 ms a segment the device sent on a timer (the Linux peer's ACK of a
/// keep-alive probe, of a retransmission) is played once the model has sent that segment too, so an answer
/// never overtakes what it answers when the two clocks differ by a few milliseconds; after `Cause.wait` it is
/// played anyway.
extension ReplayEngine {
    /// A device segment as both sides can name it: flags, sequence number relative to the ISN, and length.
    struct SegmentKey: Hashable {
        var flags: UInt8
        var seq: Int
        var length: Int

        init(_ segment: TCPSegment, isn: SeqNumber?) {
            flags = segment.flags.intersection([.syn, .fin, .rst, .ack]).rawValue
            seq = isn.map { segment.seq - $0 } ?? Int(segment.seq.rawValue)
            length = segment.payload.count
        }
    }

    /// The device segment a peer segment answered: which one (the n-th with this key), and how soon after.
    struct Cause {
        var key: SegmentKey
        var occurrence: Int
        var gap: SimDuration
        /// How long to wait for the model's segment: 50 ms, or the 3 % a device clock may be off over the
        /// timer's span (the time the device had no input before it sent the segment), at most 1 s.
        var wait: SimDuration
    }

    static let causalWait = SimDuration.milliseconds(50)

    /// The causes of the peer segments (by position in the capture) that followed a device segment within 1 ms.
    static func causes(_ capture: Capture, _ conversations: Conversations) -> [Int: Cause] {
        var causes: [Int: Cause] = [:]
        for conversation in conversations.list {
            var counts: [SegmentKey: Int] = [:]
            var last: (time: SimDuration, key: SegmentKey, occurrence: Int, idle: SimDuration)?
            var lastPeer: SimDuration?
            for position in conversation.segments {
                let segment = capture.segments[position]
                let tcp = segment.packet.tcp
                if segment.packet.ip.source == conversation.device.address {
                    let key = SegmentKey(tcp, isn: conversation.deviceISN)
                    counts[key, default: 0] += 1
                    // Only a segment the device sent on a timer, after 50 ms without input from the peer.
                    let idle = lastPeer.map { segment.time - $0 } ?? .zero
                    last = idle > .milliseconds(50) ? (segment.time, key, counts[key]!, idle) : nil
                } else {
                    if let cause = last, !tcp.flags.contains(.syn), segment.time - cause.time <= .milliseconds(1) {
                        let wait = min(.seconds(1), max(causalWait, SimDuration(nanoseconds: cause.idle.nanoseconds * 3 / 100)))
                        causes[position] = Cause(key: cause.key, occurrence: cause.occurrence, gap: segment.time - cause.time, wait: wait)
                    }
                    lastPeer = segment.time
                    last = nil
                }
            }
        }
        return causes
    }

    /// When the model sent the `occurrence`-th segment with `key` to `conversation`'s peer, if it has.
    func modelSent(_ key: SegmentKey, occurrence: Int, in conversation: Conversation) -> SimInstant? {
        let isn = modelISN(of: conversation)
        var seen = 0
        for (time, packet) in modelSegments(of: conversation).lazy where SegmentKey(packet.tcp, isn: isn) == key {
            seen += 1
            if seen == occurrence { return modelTime(time) }
        }
        return nil
    }

    /// Plays `segment` `cause.gap` after the model sent the segment it answers; until `deadline`, waits for it.
    func injectAfter(_ cause: Cause, _ segment: CapturedSegment, of conversation: Conversation, deadline: SimInstant) {
        if let sent = modelSent(cause.key, occurrence: cause.occurrence, in: conversation) {
            let at = sent + cause.gap
            if at > network.now {
                network.at(at) { [self] in inject(segment, of: conversation) }
            } else {
                inject(segment, of: conversation)
            }
        } else if network.now >= deadline {
            inject(segment, of: conversation)
        } else {
            network.at(network.now + .microseconds(100)) { [self] in
                injectAfter(cause, segment, of: conversation, deadline: deadline)
            }
        }
    }

    /// Peer segments the device log shows the stack processing later than the model would (its process did not
    /// run for a few milliseconds): by capture position, when they reached the stack, and the log line.
    static func processingTimes(_ capture: Capture, _ conversations: Conversations, _ log: DeviceLog?) -> [Int: (time: SimDuration, line: Int)] {
        guard let processed = log?.facts.processed, !processed.isEmpty else { return [:] }
        var times: [Int: (time: SimDuration, line: Int)] = [:]
        for entry in processed {
            guard let time = capture.offset(ofWallClock: entry.time) else { continue }
            // The last segment from that peer port sent before the line, up to 50 ms before.
            let candidates = conversations.list.filter { $0.device.port == entry.port && $0.peer.port == entry.remotePort }
                .flatMap(\.segments).filter { position in
                    let segment = capture.segments[position]
                    return segment.packet.ip.source != conversations.device.address && segment.time <= time
                        && time - segment.time <= .milliseconds(50)
                }
            if let position = candidates.max(), time - capture.segments[position].time > .milliseconds(1) {
                times[position] = (time, entry.line)
            }
        }
        return times
    }
}
