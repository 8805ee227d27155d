import CPcap
import Devices
import SimClock

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes packets to a classic pcap file (microsecond timestamps) through libpcap's dump API.
///
/// Record times are `epochSeconds` plus the virtual time, rounded to the nearest microsecond (halves
/// round up), so the same packets at the same instants always give a byte-identical file. The pcap format
/// stores seconds as an unsigned 32-bit number, so times must lie in 1970...2106.
///
/// Not thread-safe: use one writer from one task at a time.
public final class PcapFileWriter: PacketSink {
    /// libpcap's largest snapshot length (MAXIMUM_SNAPLEN).
    public static let maximumSnapLength = 262_144

    public let path: String
    public let linkType: PcapLinkType
    public let snapLength: Int
    public let epochSeconds: Int64
    /// Packets written so far.
    public private(set) var packetCount = 0

    private var handle: OpaquePointer?
    private var dumper: OpaquePointer?
    /// The first write error seen; reported by `flush()` and `close()`.
    private var pendingError: PcapError?

    /// Creates (or truncates) `path` and writes the pcap file header. A `path` of "-" writes to standard
    /// output (libpcap's convention).
    public init(
        path: String, linkType: PcapLinkType = .rawIPv4, snapLength: Int = 65535, epochSeconds: Int64 = 0
    ) throws(PcapError) {
        guard (1...Self.maximumSnapLength).contains(snapLength) else {
            throw .invalidSnapLength(path: path, snapLength: snapLength)
        }
        self.path = path
        self.linkType = linkType
        self.snapLength = snapLength
        self.epochSeconds = epochSeconds
        guard
            let handle = pcap_open_dead_with_tstamp_precision(
                linkType.dlt, Int32(snapLength), UInt32(PCAP_TSTAMP_PRECISION_MICRO))
        else {
            throw .cannotCreate(path: path, reason: "libpcap could not allocate a handle")
        }
        guard let dumper = pcap_dump_open(handle, path) else {
            let reason = removingPathPrefix(lastError(of: handle), path: path)
            pcap_close(handle)
            throw .cannotCreate(path: path, reason: reason)
        }
        self.handle = handle
        self.dumper = dumper
    }

    deinit {
        closeQuietly()
    }

    /// Appends one record: `packet` (starting at the link header of `linkType`; for `.rawIPv4`, the IP
    /// header) captured at virtual `time`. Bytes beyond `snapLength` are cut, with the original length
    /// kept. After `close()` this does nothing.
    public func write(_ packet: [UInt8], at time: SimInstant) {
        guard let dumper else { return }
        var header = pcap_pkthdr()
        let (seconds, microseconds) = Self.split(time, epochSeconds: epochSeconds)
        header.ts.tv_sec = .init(truncatingIfNeeded: seconds)
        header.ts.tv_usec = .init(truncatingIfNeeded: microseconds)
        header.caplen = UInt32(truncatingIfNeeded: min(packet.count, snapLength))
        header.len = UInt32(clamping: packet.count)
        let user = UnsafeMutablePointer<UInt8>(dumper)
        if packet.isEmpty {
            var placeholder: UInt8 = 0  // an empty record still needs a valid data pointer
            pcap_dump(user, &header, &placeholder)
        } else {
            packet.withUnsafeBufferPointer { bytes in pcap_dump(user, &header, bytes.baseAddress) }
        }
        packetCount += 1
        if pendingError == nil, let file = pcap_dump_file(dumper), ferror(file) != 0 {
            pendingError = .writeFailed(path: path, reason: systemErrorText(errno))
        }
    }

    /// Pushes buffered records to the file, reporting any write error seen since the file was opened.
    public func flush() throws(PcapError) {
        guard let dumper else { return }
        if pcap_dump_flush(dumper) != 0, pendingError == nil {
            pendingError = .writeFailed(path: path, reason: systemErrorText(errno))
        }
        if let pendingError { throw pendingError }
    }

    /// Flushes and closes the file. Safe to call more than once; only the first call can throw, and the
    /// file is closed even when it does.
    public func close() throws(PcapError) {
        guard dumper != nil else { return }
        var failure: PcapError?
        do { try flush() } catch { failure = error }
        closeQuietly()
        if let failure { throw failure }
    }

    private func closeQuietly() {
        if let dumper { pcap_dump_close(dumper) }
        if let handle { pcap_close(handle) }
        dumper = nil
        handle = nil
    }

    // MARK: PacketSink

    public func record(_ packet: [UInt8], at time: SimInstant) {
        write(packet, at: time)
    }

    /// `epochSeconds + time` as whole seconds and microseconds (0..<1_000_000), rounding the nanoseconds to
    /// the nearest microsecond with halves rounded up (towards the future). Never traps.
    static func split(_ time: SimInstant, epochSeconds: Int64) -> (seconds: Int64, microseconds: Int64) {
        var micros = time.nanoseconds / 1_000
        var remainder = time.nanoseconds % 1_000
        if remainder < 0 {
            micros -= 1
            remainder += 1_000
        }
        if remainder >= 500 { micros += 1 }
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 {
            seconds -= 1
            fraction += 1_000_000
        }
        return (epochSeconds &+ seconds, fraction)
    }
}
