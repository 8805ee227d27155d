import SimClock

/// A record's capture time: whole seconds since the Unix epoch plus nanoseconds.
/// Microsecond pcap files (what `PcapFileWriter` writes) always have `nanoseconds % 1000 == 0`.
public struct PcapTimestamp: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var seconds: Int64
    /// 0..<1_000_000_000.
    public var nanoseconds: Int32

    public init(seconds: Int64, nanoseconds: Int32) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// The sub-second part in microseconds (truncated).
    public var microseconds: Int32 { nanoseconds / 1_000 }

    /// Time since `epochSeconds` as a virtual instant — the inverse of `PcapFileWriter`'s mapping, exact to
    /// the file's precision. Nil when the difference does not fit in `SimInstant`.
    public func simInstant(epochSeconds: Int64 = 0) -> SimInstant? {
        let (delta, overflow1) = seconds.subtractingReportingOverflow(epochSeconds)
        let (scaled, overflow2) = delta.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow3) = scaled.addingReportingOverflow(Int64(nanoseconds))
        guard !overflow1, !overflow2, !overflow3 else { return nil }
        return SimInstant(nanoseconds: total)
    }

    public static func < (lhs: PcapTimestamp, rhs: PcapTimestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// `1700000000.004311`, or nine decimals when the time has sub-microsecond digits.
    public var description: String {
        let (digits, value) = nanoseconds % 1_000 == 0 ? (6, Int(nanoseconds / 1_000)) : (9, Int(nanoseconds))
        let fraction = String(value)
        return String(seconds) + "." + String(repeating: "0", count: max(0, digits - fraction.count)) + fraction
    }
}

/// One packet record as read from a pcap or pcapng file.
public struct PcapRecord: Hashable, Sendable {
    public var timestamp: PcapTimestamp
    /// Bytes present in the file (`data.count`).
    public var capturedLength: Int
    /// Length of the packet on the wire; larger than `capturedLength` when the capture was cut at the snap length.
    public var originalLength: Int
    /// The frame, starting at the link-layer header (for raw IPv4 files: at the IP header).
    public var data: [UInt8]

    public init(timestamp: PcapTimestamp, capturedLength: Int, originalLength: Int, data: [UInt8]) {
        self.timestamp = timestamp
        self.capturedLength = capturedLength
        self.originalLength = originalLength
        self.data = data
    }
}
