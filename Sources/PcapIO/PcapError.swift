/// PcapIO — reading and writing pcap / pcapng files through libpcap.
///
/// Every byte of the file format is produced and parsed by libpcap (`pcap_dump_open`, `pcap_open_offline`,
/// `pcap_next_ex`, `pcap_compile`); this module only adds virtual-time stamps, link-layer stripping and
/// errors that name the file (for which it looks at a rejected file's first four bytes).

/// Why a pcap file could not be written or read. Every message names the file.
public enum PcapError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened for reading (`reason` is the system's, e.g. "No such file or directory").
    case cannotOpen(path: String, reason: String)
    /// The file could not be created for writing.
    case cannotCreate(path: String, reason: String)
    /// The file has no bytes at all.
    case emptyFile(path: String)
    /// The first four bytes are not a pcap or pcapng magic number (shown big-endian, as they appear in the file).
    case badMagic(path: String, magic: UInt32)
    /// The magic number is right but libpcap rejected the file header (its message, e.g. a short header).
    case badHeader(path: String, message: String)
    /// The file ends inside a record; `offset` is where that record (or block) starts.
    case truncatedRecord(path: String, offset: Int64)
    /// libpcap rejected the record that starts at `offset` (e.g. a captured length above the maximum).
    case corruptRecord(path: String, offset: Int64, message: String)
    /// The file's link-layer type is not one tcpsim can take IPv4 out of (`linkType` as `pcap_datalink` reports
    /// it, which equals the file's LINKTYPE_ value except for a few old numbers below 104).
    case unsupportedLinkType(path: String, linkType: Int32)
    /// `pcap_compile` rejected a BPF filter expression; `message` is libpcap's.
    case badFilter(path: String, expression: String, message: String)
    /// The snapshot length given to the writer is outside 1...262144.
    case invalidSnapLength(path: String, snapLength: Int)
    /// Writing or flushing failed (disk full, I/O error).
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            "cannot open '\(path)': \(reason)"
        case let .cannotCreate(path, reason):
            "cannot create '\(path)': \(reason)"
        case let .emptyFile(path):
            "'\(path)' is empty (expected a pcap or pcapng file header)"
        case let .badMagic(path, magic):
            "'\(path)' is not a pcap or pcapng file (bad magic \(hex32(magic)))"
        case let .badHeader(path, message):
            "'\(path)': bad pcap file header: \(message)"
        case let .truncatedRecord(path, offset):
            "'\(path)': truncated record at offset \(offset)"
        case let .corruptRecord(path, offset, message):
            "'\(path)': bad record at offset \(offset): \(message)"
        case let .unsupportedLinkType(path, linkType):
            "'\(path)': unsupported link type \(linkType) (expected Ethernet, raw IPv4, Linux SLL/SLL2 or loopback)"
        case let .badFilter(path, expression, message):
            "'\(path)': bad filter '\(expression)': \(message)"
        case let .invalidSnapLength(path, snapLength):
            "'\(path)': snap length \(snapLength) is out of range (expected 1...\(PcapFileWriter.maximumSnapLength))"
        case let .writeFailed(path, reason):
            "cannot write '\(path)': \(reason)"
        }
    }
}

/// `0x0a0d0d0a`: eight lowercase hex digits.
func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
