import CPcap
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads pcap and pcapng files through libpcap (`pcap_fopen_offline`, `pcap_next_ex`), with
/// nanosecond timestamps, optional BPF filtering and IPv4 extraction for the link types in `PcapLinkType`.
///
/// Damaged files never crash the reader: every problem becomes a `PcapError` that names the file.
/// Not thread-safe: use one reader from one task at a time.
public final class PcapFileReader {
    public let path: String
    /// The file's link layer. Files with other link types are rejected by `init`.
    public let linkType: PcapLinkType
    /// The snapshot length recorded in the file header (for pcapng, of the first interface).
    public let snapLength: Int

    private var handle: OpaquePointer?
    private var filter = bpf_program()
    private var hasFilter = false
    /// Once reading has failed, every later `next()` reports the same error.
    private var failure: PcapError?

    /// Opens `path`, reads its file header and checks the link type.
    public init(path: String) throws(PcapError) {
        self.path = path
        // Opening the file ourselves gives errno for the message and lets us look at the magic on failure.
        guard let file = fopen(path, "rb") else {
            throw .cannotOpen(path: path, reason: systemErrorText(errno))
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        let opened = pcap_fopen_offline_with_tstamp_precision(
            file, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer)
        guard let handle = opened else {
            // On failure libpcap leaves the FILE open.
            let error = Self.headerError(path: path, file: file, message: string(fromErrorBuffer: errorBuffer))
            fclose(file)
            throw error
        }
        let dlt = pcap_datalink(handle)
        guard let linkType = PcapLinkType(dlt: dlt) else {
            pcap_close(handle)
            throw .unsupportedLinkType(path: path, linkType: dlt)
        }
        self.handle = handle
        self.linkType = linkType
        self.snapLength = Int(pcap_snapshot(handle))
    }

    deinit {
        close()
    }

    /// Closes the file; later `next()` calls return nil. Safe to call more than once.
    public func close() {
        if hasFilter {
            pcap_freecode(&filter)
            hasFilter = false
        }
        if let handle { pcap_close(handle) }  // also closes the FILE
        handle = nil
    }

    /// Keeps only records matching the BPF `expression` (tcpdump syntax, e.g. "tcp port 80") from now on,
    /// replacing any earlier filter. An empty expression matches everything.
    public func setFilter(_ expression: String) throws(PcapError) {
        guard let handle else { return }
        var program = bpf_program()
        let status = compileLock.withLock { _ in
            pcap_compile(handle, &program, expression, 1, bpf_u_int32(PCAP_NETMASK_UNKNOWN))
        }
        guard status == 0 else {
            throw .badFilter(path: path, expression: expression, message: lastError(of: handle))
        }
        if hasFilter { pcap_freecode(&filter) }
        filter = program
        hasFilter = true
    }

    /// The next record (that passes the filter), or nil at the end of the file.
    public func next() throws(PcapError) -> PcapRecord? {
        if let failure { throw failure }
        guard let handle else { return nil }
        while true {
            let file = pcap_file(handle)
            let offset = file.map { Int64(ftell($0)) } ?? -1
            var header: UnsafeMutablePointer<pcap_pkthdr>?
            var data: UnsafePointer<UInt8>?
            let status = pcap_next_ex(handle, &header, &data)
            if status == PCAP_ERROR_BREAK { return nil }  // end of file
            guard status == 1 else {
                let error: PcapError =
                    if let file, feof(file) != 0 {
                        .truncatedRecord(path: path, offset: offset)
                    } else {
                        .corruptRecord(path: path, offset: offset, message: lastError(of: handle))
                    }
                failure = error
                throw error
            }
            guard let header else { return nil }
            if hasFilter, let data, pcap_offline_filter(&filter, header, data) == 0 { continue }
            let capturedLength = Int(header.pointee.caplen)
            let bytes: [UInt8] =
                if let data, capturedLength > 0 {
                    Array(UnsafeBufferPointer(start: data, count: capturedLength))
                } else {
                    []
                }
            let timestamp = PcapTimestamp(
                seconds: Int64(header.pointee.ts.tv_sec),
                nanoseconds: Int32(truncatingIfNeeded: header.pointee.ts.tv_usec))
            return PcapRecord(
                timestamp: timestamp, capturedLength: capturedLength,
                originalLength: Int(header.pointee.len), data: bytes)
        }
    }

    /// Every remaining record (that passes the filter).
    public func readAll() throws(PcapError) -> [PcapRecord] {
        var records: [PcapRecord] = []
        while let record = try next() { records.append(record) }
        return records
    }

    /// The IPv4 datagram inside `record` (link header stripped), or nil if it carries something else.
    /// See `PcapLinkType.ipv4Packet(in:)`.
    public func ipv4Payload(of record: PcapRecord) -> ArraySlice<UInt8>? {
        linkType.ipv4Packet(in: record.data)
    }

    /// Turns a failed `pcap_fopen_offline` into an error: empty file, unknown magic, or libpcap's message.
    private static func headerError(path: String, file: UnsafeMutablePointer<FILE>, message: String) -> PcapError {
        var magic = [UInt8](repeating: 0, count: 4)
        rewind(file)
        let count = magic.withUnsafeMutableBytes { fread($0.baseAddress, 1, 4, file) }
        if ferror(file) != 0 { return .cannotOpen(path: path, reason: systemErrorText(errno)) }  // e.g. a directory
        if count == 0 { return .emptyFile(path: path) }
        if count == 4 {
            let value = magic.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            if !knownMagics.contains(value) && !knownMagics.contains(value.byteSwapped) {
                return .badMagic(path: path, magic: value)
            }
        }
        return .badHeader(path: path, message: message)
    }

    /// pcap (µs, ns, Kuznetzov's modified format) and pcapng section header magics, as written big-endian.
    private static let knownMagics: Set<UInt32> = [0xa1b2_c3d4, 0xa1b2_3c4d, 0xa1b2_cd34, 0x0a0d_0d0a]
}

/// Serialises `pcap_compile` across readers: libpcap before 1.10.5 kept some compiler state in statics.
private let compileLock = Mutex<Void>(())
