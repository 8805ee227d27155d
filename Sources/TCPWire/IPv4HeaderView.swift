/// A checked view of an IPv4 datagram (RFC 791 §3.1): the "packet" level of smoltcp's two-level design.
///
/// `init(validating:verifyChecksum:)` checks everything the accessors rely on, once; afterwards no accessor
/// can trap. The view does not copy: `bytes`, `options` and `payload` are slices of the caller's buffer.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// |Version|  IHL  |Type of Service|          Total Length         |
/// |         Identification        |Flags|      Fragment Offset    |
/// |  Time to Live |    Protocol   |         Header Checksum       |
/// |                       Source Address                          |
/// |                    Destination Address                        |
/// |                    Options                    |    Padding    |
/// ```
public struct IPv4HeaderView: Sendable {
    /// The datagram, `totalLength` bytes long: bytes past the total length (Ethernet padding) are cut off.
    public let bytes: ArraySlice<UInt8>

    /// Byte offsets of the fixed header fields.
    private enum Field {
        static let versionAndIHL = 0
        static let typeOfService = 1
        static let totalLength = 2
        static let identification = 4
        static let flagsAndFragmentOffset = 6
        static let ttl = 8
        static let protocolNumber = 9
        static let checksum = 10
        static let source = 12
        static let destination = 16
    }

    /// Length of a header without options.
    public static let minimumHeaderLength = 20

    /// Checks version, IHL, total length and (unless `verifyChecksum` is false) the header checksum.
    ///
    /// Fragments are accepted here; `TCPPacket(parsing:)` rejects them.
    public init(validating bytes: ArraySlice<UInt8>, verifyChecksum: Bool = true) throws(WireError) {
        let captured = bytes.count
        guard captured >= Self.minimumHeaderLength else {
            throw .truncated(layer: "ipv4 header", needed: Self.minimumHeaderLength, have: captured)
        }
        let start = bytes.startIndex
        let version = bytes[start] >> 4
        guard version == 4 else { throw .notIPv4(version: version) }
        let ihl = bytes[start] & 0x0F
        guard ihl >= 5 else { throw .badHeaderLength(ihl: ihl) }
        let headerLength = Int(ihl) * 4
        guard headerLength <= captured else {
            throw .headerLongerThanPacket(headerLength: headerLength, captured: captured)
        }
        let totalLength = Int(bytes[start + 2]) << 8 | Int(bytes[start + 3])
        guard totalLength >= headerLength, totalLength <= captured else {
            throw .badTotalLength(totalLength: totalLength, headerLength: headerLength, captured: captured)
        }
        let header = bytes[start..<start + headerLength]
        if verifyChecksum, InternetChecksum.checksum(header) != 0 {
            let found = UInt16(header[start + Field.checksum]) << 8 | UInt16(header[start + Field.checksum + 1])
            // Sum around the checksum field; the field starts at an even offset, so the word pairing holds.
            let before = InternetChecksum.sum(header[start..<start + Field.checksum])
            let expected = ~UInt16(
                truncatingIfNeeded: InternetChecksum.sum(header[(start + Field.checksum + 2)...], initial: before))
            throw .badIPChecksum(found: found, expected: expected)
        }
        self.bytes = bytes[start..<start + totalLength]
    }

    // MARK: - Fields

    @inline(__always)
    private func byte(_ offset: Int) -> UInt8 { bytes[bytes.startIndex + offset] }

    @inline(__always)
    private func word16(_ offset: Int) -> UInt16 { UInt16(byte(offset)) << 8 | UInt16(byte(offset + 1)) }

    @inline(__always)
    private func word32(_ offset: Int) -> UInt32 { UInt32(word16(offset)) << 16 | UInt32(word16(offset + 2)) }

    /// Always 4 once validated.
    public var version: UInt8 { byte(Field.versionAndIHL) >> 4 }

    /// Header length in bytes (IHL × 4), 20...60.
    public var headerLength: Int { Int(byte(Field.versionAndIHL) & 0x0F) * 4 }

    /// Type of service / DSCP+ECN byte.
    public var typeOfService: UInt8 { byte(Field.typeOfService) }

    /// Header plus payload in bytes; equals `bytes.count`.
    public var totalLength: Int { Int(word16(Field.totalLength)) }

    public var identification: UInt16 { word16(Field.identification) }

    /// The reserved ("evil") flag bit; must be zero by RFC 791, kept here for diagnostics only.
    public var reservedFlag: Bool { byte(Field.flagsAndFragmentOffset) & 0x80 != 0 }

    /// DF.
    public var dontFragment: Bool { byte(Field.flagsAndFragmentOffset) & 0x40 != 0 }

    /// MF.
    public var moreFragments: Bool { byte(Field.flagsAndFragmentOffset) & 0x20 != 0 }

    /// Fragment offset in bytes (the 13-bit field times 8).
    public var fragmentOffset: Int { Int(word16(Field.flagsAndFragmentOffset) & 0x1FFF) * 8 }

    public var ttl: UInt8 { byte(Field.ttl) }

    public var protocolNumber: UInt8 { byte(Field.protocolNumber) }

    /// The header checksum field as found on the wire.
    public var headerChecksum: UInt16 { word16(Field.checksum) }

    public var source: IPv4Address { IPv4Address(rawValue: word32(Field.source)) }

    public var destination: IPv4Address { IPv4Address(rawValue: word32(Field.destination)) }

    /// Raw option bytes, including any padding (`headerLength - 20` bytes).
    public var options: ArraySlice<UInt8> {
        bytes[(bytes.startIndex + Self.minimumHeaderLength)..<(bytes.startIndex + headerLength)]
    }

    /// The bytes after the header, up to the total length.
    public var payload: ArraySlice<UInt8> { bytes[(bytes.startIndex + headerLength)...] }

    /// The typed header value. Fragmentation fields and the reserved flag are not part of `IPv4Header`.
    public var header: IPv4Header {
        IPv4Header(
            source: source, destination: destination, ttl: ttl, identification: identification,
            dontFragment: dontFragment, typeOfService: typeOfService, protocolNumber: protocolNumber,
            options: headerLength == Self.minimumHeaderLength ? [] : Array(options))
    }
}
