/// Parsing and encoding of IPv4 datagrams and of TCP packets (IPv4 + TCP) in the standard byte layout
/// (RFC 791 §3.1, RFC 9293 §3.1), so that pcaps written from `encoded()` open cleanly in Wireshark.
///
/// Round trip: `try TCPPacket(parsing: p.encoded()[...]) == p` holds for every packet that is encodable as is:
/// - TCP options: no `.endOfList` (EOL ends parsing, so it and whatever follows it are not read back), no
///   `.unknown` with a kind that has a meaning here (0, 1, 2, 3, 4, 5, 8), and at most 40 bytes in all;
/// - IPv4 options: a multiple of 4 bytes, at most 40;
/// - headers plus payload at most 65535 bytes.
///
/// Encoding never traps. What does not fit the wire format is cut, and the packet stays well formed.
/// Options from the first one that would pass 40 bytes onward are left out. IPv4 options are cut to 40 bytes
/// and padded with zeros (EOL) to a multiple of 4. The payload is cut so the total length fits in 16 bits.
extension TCPPacket {
    /// Parses an IPv4 datagram carrying one whole TCP segment.
    ///
    /// Checks the IPv4 header (and its checksum), rejects fragments and other protocols, checks the TCP header
    /// and options, and the TCP checksum over the pseudo-header. `verifyChecksums: false` skips both checksum
    /// checks (for captures from NICs with checksum offload). Bytes past the IPv4 total length are ignored.
    /// The payload is a slice of `bytes`, not a copy.
    public init(parsing bytes: ArraySlice<UInt8>, verifyChecksums: Bool = true) throws(WireError) {
        try self.init(IPv4Datagram(parsing: bytes, verifyChecksum: verifyChecksums), verifyChecksum: verifyChecksums)
    }

    /// Parses an array; the payload is a slice of `bytes`.
    public init(parsing bytes: [UInt8], verifyChecksums: Bool = true) throws(WireError) {
        try self.init(parsing: bytes[...], verifyChecksums: verifyChecksums)
    }

    /// Reads the TCP segment inside an already parsed datagram (for demultiplexing on `protocolNumber`).
    ///
    /// Rejects fragments and non-TCP protocols; verifies the TCP checksum unless `verifyChecksum` is false.
    public init(_ datagram: IPv4Datagram, verifyChecksum: Bool = true) throws(WireError) {
        guard !datagram.moreFragments, datagram.fragmentOffset == 0 else {
            throw .fragment(offset: datagram.fragmentOffset, moreFragments: datagram.moreFragments)
        }
        guard datagram.header.protocolNumber == IPv4Header.protocolTCP else {
            throw .notTCP(protocol: datagram.header.protocolNumber)
        }
        let view = try TCPHeaderView(validating: datagram.payload)
        if verifyChecksum {
            try view.verifyChecksum(source: datagram.header.source, destination: datagram.header.destination)
        }
        self.init(ip: datagram.header, tcp: view.segment)
    }

    /// Bytes `encoded()` produces.
    public var encodedLength: Int { WireLayout(self).totalLength }

    /// The datagram as it goes on the wire: IPv4 header, TCP header, options, payload; both checksums set.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    /// Appends the encoded datagram to `out`, growing it at most once.
    ///
    /// The IPv4 header's `protocolNumber` is written as is (normally 6); the TCP checksum always uses 6.
    public func encode(into out: inout [UInt8]) {
        let layout = WireLayout(self)
        reserve(&out, extra: layout.totalLength)
        ip.emit(
            into: &out, headerLength: layout.ipHeaderLength, totalLength: layout.totalLength, moreFragments: false,
            fragmentOffset: 0)
        tcp.emit(into: &out, layout: layout, source: ip.source, destination: ip.destination)
    }
}

/// An IPv4 datagram with any payload (ICMP, UDP, fragments), for what `TCPPacket` does not cover.
public struct IPv4Datagram: Hashable, Sendable {
    public var header: IPv4Header
    /// The bytes after the header up to the total length; a slice of the parsed input, not a copy.
    public var payload: ArraySlice<UInt8>
    /// MF flag.
    public var moreFragments: Bool
    /// Fragment offset in bytes; a multiple of 8 on the wire (encoding rounds down), at most 65528.
    public var fragmentOffset: Int

    public init(header: IPv4Header, payload: ArraySlice<UInt8>, moreFragments: Bool = false, fragmentOffset: Int = 0) {
        self.header = header
        self.payload = payload
        self.moreFragments = moreFragments
        self.fragmentOffset = fragmentOffset
    }

    /// Parses and checks the IPv4 header (see `IPv4HeaderView`); accepts any protocol and fragments.
    public init(parsing bytes: ArraySlice<UInt8>, verifyChecksum: Bool = true) throws(WireError) {
        let view = try IPv4HeaderView(validating: bytes, verifyChecksum: verifyChecksum)
        self.init(
            header: view.header, payload: view.payload, moreFragments: view.moreFragments,
            fragmentOffset: view.fragmentOffset)
    }

    /// Bytes `encoded()` produces.
    public var encodedLength: Int {
        let headerLength = header.encodedHeaderLength
        return headerLength + min(payload.count, maximumTotalLength - headerLength)
    }

    /// The datagram as it goes on the wire, with its header checksum set. The payload is written as is.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    /// Appends the encoded datagram to `out`, growing it at most once.
    public func encode(into out: inout [UInt8]) {
        let headerLength = header.encodedHeaderLength
        let payloadCount = min(payload.count, maximumTotalLength - headerLength)
        reserve(&out, extra: headerLength + payloadCount)
        header.emit(
            into: &out, headerLength: headerLength, totalLength: headerLength + payloadCount,
            moreFragments: moreFragments, fragmentOffset: fragmentOffset)
        out.append(contentsOf: payload.prefix(payloadCount))
    }
}

// MARK: - Encoding

/// The IPv4 total length field is 16 bits.
private let maximumTotalLength = 65535

/// The options area of both headers is at most 40 bytes (IHL and data offset are 4-bit word counts).
private let maximumOptionsLength = 40

/// Sizes of one encoded `TCPPacket`, computed once so that capacity is reserved once.
private struct WireLayout {
    var ipHeaderLength: Int
    /// How many of `tcp.options` are written (a prefix of the list).
    var optionCount: Int
    /// Bytes of those options before padding.
    var optionBytes: Int
    var tcpHeaderLength: Int
    var payloadCount: Int
    var totalLength: Int

    init(_ packet: TCPPacket) {
        ipHeaderLength = packet.ip.encodedHeaderLength
        optionCount = 0
        optionBytes = 0
        for option in packet.tcp.options {
            let length = option.encodedLength
            guard optionBytes + length <= maximumOptionsLength else { break }
            optionBytes += length
            optionCount += 1
        }
        tcpHeaderLength = TCPHeaderView.minimumHeaderLength + ((optionBytes + 3) & ~3)
        payloadCount = min(packet.tcp.payload.count, maximumTotalLength - ipHeaderLength - tcpHeaderLength)
        totalLength = ipHeaderLength + tcpHeaderLength + payloadCount
    }
}

/// Grows `out` so that `extra` more bytes fit, geometrically, so that appending many packets stays linear.
private func reserve(_ out: inout [UInt8], extra: Int) {
    let needed = out.count + extra
    if out.capacity < needed { out.reserveCapacity(max(needed, 2 * out.capacity)) }
}

extension Array where Element == UInt8 {
    fileprivate mutating func appendBigEndian(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    fileprivate mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    fileprivate mutating func appendZeros(_ count: Int) {
        for _ in 0..<Swift.max(0, count) { append(0) }
    }

    /// Stores a checksum at `index` (big-endian); `index + 1` must be in bounds.
    fileprivate mutating func storeChecksum(_ value: UInt16, at index: Int) {
        self[index] = UInt8(truncatingIfNeeded: value >> 8)
        self[index + 1] = UInt8(truncatingIfNeeded: value)
    }
}

extension IPv4Header {
    /// Header length on the wire: 20 plus the options cut to 40 bytes and padded to a multiple of 4.
    fileprivate var encodedHeaderLength: Int {
        IPv4HeaderView.minimumHeaderLength + min(maximumOptionsLength, (options.count + 3) & ~3)
    }

    /// Appends the header with its checksum. `headerLength` is `encodedHeaderLength`.
    fileprivate func emit(
        into out: inout [UInt8], headerLength: Int, totalLength: Int, moreFragments: Bool, fragmentOffset: Int
    ) {
        let start = out.count
        out.append(0x40 | UInt8(truncatingIfNeeded: headerLength / 4))
        out.append(typeOfService)
        out.appendBigEndian(UInt16(truncatingIfNeeded: totalLength))
        out.appendBigEndian(identification)
        var flagsAndOffset = UInt16(truncatingIfNeeded: max(0, min(fragmentOffset, 65528)) / 8)
        if dontFragment { flagsAndOffset |= 0x4000 }
        if moreFragments { flagsAndOffset |= 0x2000 }
        out.appendBigEndian(flagsAndOffset)
        out.append(ttl)
        out.append(protocolNumber)
        out.appendBigEndian(UInt16(0))  // Checksum, set below.
        out.appendBigEndian(source.rawValue)
        out.appendBigEndian(destination.rawValue)
        let optionsWritten = min(options.count, maximumOptionsLength)
        out.append(contentsOf: options.prefix(optionsWritten))
        out.appendZeros(headerLength - IPv4HeaderView.minimumHeaderLength - optionsWritten)
        let checksum = InternetChecksum.checksum(out[start...])
        out.storeChecksum(checksum, at: start + 10)
    }
}

extension TCPSegment {
    /// Appends header, options, padding and payload, then sets the checksum over the pseudo-header.
    fileprivate func emit(
        into out: inout [UInt8], layout: WireLayout, source: IPv4Address, destination: IPv4Address
    ) {
        let start = out.count
        out.appendBigEndian(sourcePort)
        out.appendBigEndian(destinationPort)
        out.appendBigEndian(seq.rawValue)
        out.appendBigEndian(ackNumber.rawValue)
        out.append(UInt8(truncatingIfNeeded: layout.tcpHeaderLength / 4) << 4)
        out.append(flags.rawValue)
        out.appendBigEndian(window)
        out.appendBigEndian(UInt16(0))  // Checksum, set below.
        out.appendBigEndian(urgentPointer)
        for option in options.prefix(layout.optionCount) { option.emit(into: &out) }
        out.appendZeros(layout.tcpHeaderLength - TCPHeaderView.minimumHeaderLength - layout.optionBytes)
        out.append(contentsOf: payload.prefix(layout.payloadCount))
        let pseudo = InternetChecksum.pseudoHeaderSum(
            source: source, destination: destination, protocolNumber: IPv4Header.protocolTCP,
            length: out.count - start)
        let checksum = InternetChecksum.checksum(out[start...], initial: pseudo)
        out.storeChecksum(checksum, at: start + 16)
    }
}

extension TCPOption {
    /// Appends kind, length and data. The caller has checked that the option fits in 40 bytes, so the
    /// length byte cannot overflow.
    fileprivate func emit(into out: inout [UInt8]) {
        switch self {
        case .endOfList:
            out.append(0)
        case .noOperation:
            out.append(1)
        case .maximumSegmentSize(let value):
            out.append(2)
            out.append(4)
            out.appendBigEndian(value)
        case .windowScale(let shift):
            out.append(3)
            out.append(3)
            out.append(shift)
        case .sackPermitted:
            out.append(4)
            out.append(2)
        case .sack(let blocks):
            out.append(5)
            out.append(UInt8(truncatingIfNeeded: 2 + 8 * blocks.count))
            for block in blocks {
                out.appendBigEndian(block.left.rawValue)
                out.appendBigEndian(block.right.rawValue)
            }
        case .timestamps(let value, let echoReply):
            out.append(8)
            out.append(10)
            out.appendBigEndian(value)
            out.appendBigEndian(echoReply)
        case .unknown(let kind, let data):
            out.append(kind)
            out.append(UInt8(truncatingIfNeeded: 2 + data.count))
            out.append(contentsOf: data)
        }
    }
}
