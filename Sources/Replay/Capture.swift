import PcapIO
import SimClock
import TCPWire

/// One TCP segment of a capture, with its frame number and its time since the capture's first frame.
public struct CapturedSegment: Sendable {
    /// The frame number as Wireshark shows it (1 = the first frame of the file, filtered or not).
    public var frame: Int
    public var time: SimDuration
    public var packet: TCPPacket
}

/// The TCP/IPv4 segments of a pcap or pcapng file (read through libpcap), with what was skipped and why.
public struct Capture: Sendable {
    public var path: String
    public var linkType: PcapLinkType
    /// The first frame's wall-clock second, and its nanoseconds within that second: the capture's times count
    /// from there, and a model run's pcap is placed on the same clock.
    public var epochSeconds: Int64
    public var startNanoseconds: Int64 = 0
    public var segments: [CapturedSegment] = []
    /// Frames read (after the BPF filter, if any).
    public var frames = 0
    /// Frames that were not TCP over IPv4: ARP, IPv6, UDP, ICMP, other link-layer types.
    public var skippedNotTCP = 0
    /// IPv4 fragments (not reassembled).
    public var skippedFragments = 0
    /// TCP/IPv4 frames that do not parse (truncated by the snapshot length, bad header lengths).
    public var skippedMalformed = 0

    /// The capture time of a wall-clock second (a device log's time stamp); nil when it is not a number or
    /// more than 10^6 s away from the capture's first frame (a log of another run, or a damaged line).
    public func offset(ofWallClock seconds: Double) -> SimDuration? {
        let delta = seconds - (Double(epochSeconds) + Double(startNanoseconds) / 1e9)
        guard delta.isFinite, abs(delta) < 1e6 else { return nil }
        return SimDuration(nanoseconds: Int64((delta * 1e9).rounded()))
    }

    /// Reads `path`; `filter` is a BPF expression compiled by libpcap (e.g. `tcp port 3301`).
    ///
    /// Checksums are not verified: captures taken on the sending host carry partial checksums when the
    /// NIC computes them (checksum offload).
    public init(path: String, filter: String? = nil) throws(PcapError) {
        let reader = try PcapFileReader(path: path)
        defer { reader.close() }
        if let filter { try reader.setFilter(filter) }
        self.path = path
        linkType = reader.linkType
        epochSeconds = 0
        var first: PcapTimestamp?
        var frame = 0
        while let record = try reader.next() {
            frame += 1
            frames += 1
            if first == nil {
                first = record.timestamp
                epochSeconds = record.timestamp.seconds
                startNanoseconds = Int64(record.timestamp.nanoseconds)
            }
            guard let datagram = reader.ipv4Payload(of: record) else {
                skippedNotTCP += 1
                continue
            }
            guard let time = Self.duration(from: first!, to: record.timestamp) else {
                skippedMalformed += 1  // a timestamp years away from the first frame's: a damaged record
                continue
            }
            do {
                let packet = try TCPPacket(parsing: datagram, verifyChecksums: false)
                segments.append(CapturedSegment(frame: frame, time: time, packet: packet))
            } catch .notTCP {
                skippedNotTCP += 1
            } catch .fragment {
                skippedFragments += 1
            } catch {
                skippedMalformed += 1
            }
        }
    }

    /// Segments given directly (tests, conversions).
    public init(path: String, segments: [CapturedSegment]) {
        self.path = path
        linkType = .rawIPv4
        epochSeconds = 0
        self.segments = segments
        frames = segments.count
    }

    /// Captures longer than this (about three years) are not replayed: a frame further from the first is damaged.
    static let longestSpan: Int64 = 100_000_000_000_000_000

    /// The time from `start` to `time`, or nil when it is out of range (damaged timestamp fields).
    private static func duration(from start: PcapTimestamp, to time: PcapTimestamp) -> SimDuration? {
        let (seconds, overflow) = time.seconds.subtractingReportingOverflow(start.seconds)
        guard !overflow, abs(seconds) < longestSpan / 1_000_000_000 else { return nil }
        let nanoseconds = seconds * 1_000_000_000 + (Int64(time.nanoseconds) - Int64(start.nanoseconds))
        guard abs(nanoseconds) < longestSpan else { return nil }
        return SimDuration(nanoseconds: nanoseconds)
    }

    /// `12 frames: 10 TCP segments, 2 skipped (not TCP over IPv4)`.
    public var summary: String {
        var skipped: [String] = []
        if skippedNotTCP > 0 { skipped.append("\(skippedNotTCP) not TCP over IPv4") }
        if skippedFragments > 0 { skipped.append("\(skippedFragments) IP fragments") }
        if skippedMalformed > 0 { skipped.append("\(skippedMalformed) malformed") }
        return "\(frames) frames: \(segments.count) TCP segments" + (skipped.isEmpty ? "" : ", skipped \(skipped.joined(separator: ", "))")
    }
}
