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
        let layout = WireLayout(self)
        return [UInt8](unsafeUninitializedCapacity: layout.totalLength) { buffer, initializedCount in
            write(into: UnsafeMutableRawBufferPointer(buffer), layout: layout)
            initializedCount = layout.totalLength
        }
    }

    /// Appends the encoded datagram to `out`, growing it at most once.
    ///
    /// The IPv4 header's `protocolNumber` is written as is (normally 6); the TCP checksum always uses 6.
    public func encode(into out: inout [UInt8]) {
        let layout = WireLayout(self)
        appendZeros(&out, count: layout.totalLength) { raw in write(into: raw, layout: layout) }
    }

    /// Writes every byte of `raw`, which is exactly `layout.totalLength` bytes long.
    private func write(into raw: UnsafeMutableRawBufferPointer, layout: WireLayout) {
        var writer = ByteWriter(raw)
        ip.write(
            into: &writer, headerLength: layout.ipHeaderLength, totalLength: layout.totalLength, moreFragments: false,
            fragmentOffset: 0)
        tcp.write(into: &writer, layout: layout, source: ip.source, destination: ip.destination)
        writer.finish()
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

    /// Parses an array; the payload is a slice of `bytes`.
    public init(parsing bytes: [UInt8], verifyChecksum: Bool = true) throws(WireError) {
        try self.init(parsing: bytes[...], verifyChecksum: verifyChecksum)
    }

    /// Bytes `encoded()` produces.
    public var encodedLength: Int {
        let headerLength = header.encodedHeaderLength
        return headerLength + min(payload.count, maximumTotalLength - headerLength)
    }

    /// The datagram as it goes on the wire, with its header checksum set. The payload is written as is.
    public func encoded() -> [UInt8] {
        let totalLength = encodedLength
        return [UInt8](unsafeUninitializedCapacity: totalLength) { buffer, initializedCount in
            write(into: UnsafeMutableRawBufferPointer(buffer))
            initializedCount = totalLength
        }
    }

    /// Appends the encoded datagram to `out`, growing it at most once.
    public func encode(into out: inout [UInt8]) {
        appendZeros(&out, count: encodedLength) { raw in write(into: raw) }
    }

    /// Writes every byte of `raw`, which is exactly `encodedLength` bytes long.
    private func write(into raw: UnsafeMutableRawBufferPointer) {
        var writer = ByteWriter(raw)
        let headerLength = header.encodedHeaderLength
        header.write(
            into: &writer, headerLength: headerLength, totalLength: raw.count, moreFragments: moreFragments,
            fragmentOffset: fragmentOffset)
        writer.append(payload.prefix(raw.count - headerLength))
        writer.finish()
    }
}

// MARK: - Encoding

/// The IPv4 total length field is 16 bits.
private let maximumTotalLength = 65535

/// The options area of both headers is at most 40 bytes (IHL and data offset are 4-bit word counts).
private let maximumOptionsLength = 40

/// Sizes of one encoded `TCPPacket`, computed once so that the buffer is sized once.
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

/// Appends `count` zero bytes to `out`, then lets `write` fill exactly those bytes.
///
/// Capacity grows geometrically, so that appending many packets to one buffer stays linear.
private func appendZeros(_ out: inout [UInt8], count: Int, _ write: (UnsafeMutableRawBufferPointer) -> Void) {
    let start = out.count
    if out.capacity < start + count { out.reserveCapacity(max(start + count, 2 * out.capacity)) }
    out.append(contentsOf: repeatElement(0, count: count))
    out.withUnsafeMutableBytes { raw in write(UnsafeMutableRawBufferPointer(rebasing: raw[start..<(start + count)])) }
}

/// Writes big-endian fields front to back into a buffer sized by the caller.
///
/// Every write is bounds-checked (a failure is a bug in the length computation above, never a property of
/// the packet), and `finish()` checks that the buffer was filled exactly, so no byte is left uninitialized.
private struct ByteWriter {
    let raw: UnsafeMutableRawBufferPointer
    private(set) var offset = 0

    init(_ raw: UnsafeMutableRawBufferPointer) { self.raw = raw }

    @inline(__always)
    private func check(_ count: Int) {
        precondition(count <= raw.count - offset, "ByteWriter: write past the computed packet length")
    }

    @inline(__always)
    mutating func append(_ value: UInt8) {
        check(1)
        raw.storeBytes(of: value, toByteOffset: offset, as: UInt8.self)
        offset += 1
    }

    @inline(__always)
    mutating func append(_ value: UInt16) {
        check(2)
        raw.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
        offset += 2
    }

    @inline(__always)
    mutating func append(_ value: UInt32) {
        check(4)
        raw.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
        offset += 4
    }

    @inline(__always)
    mutating func append(_ bytes: ArraySlice<UInt8>) {
        check(bytes.count)
        let destination = UnsafeMutableRawBufferPointer(rebasing: raw[offset..<(offset + bytes.count)])
        bytes.withUnsafeBytes { destination.copyMemory(from: $0) }
        offset += bytes.count
    }

    @inline(__always)
    mutating func append(_ bytes: [UInt8]) { append(bytes[...]) }

    mutating func appendZeros(_ count: Int) {
        guard count > 0 else { return }
        check(count)
        let destination = UnsafeMutableRawBufferPointer(rebasing: raw[offset..<(offset + count)])
        destination.initializeMemory(as: UInt8.self, repeating: 0)
        offset += count
    }

    /// Overwrites a 16-bit field written earlier (a checksum).
    @inline(__always)
    func store(_ value: UInt16, at position: Int) {
        precondition(position >= 0 && position + 2 <= offset, "ByteWriter: checksum outside the written bytes")
        raw.storeBytes(of: value.bigEndian, toByteOffset: position, as: UInt16.self)
    }

    /// The bytes written from `position` on.
    func written(from position: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: raw[position..<offset])
    }

    func finish() {
        precondition(offset == raw.count, "ByteWriter: packet shorter than its computed length")
    }
}

extension IPv4Header {
    /// Header length on the wire: 20 plus the options cut to 40 bytes and padded to a multiple of 4.
    fileprivate var encodedHeaderLength: Int {
        IPv4HeaderView.minimumHeaderLength + min(maximumOptionsLength, (options.count + 3) & ~3)
    }

    /// Writes the header with its checksum. `headerLength` is `encodedHeaderLength`.
    fileprivate func write(
        into writer: inout ByteWriter, headerLength: Int, totalLength: Int, moreFragments: Bool, fragmentOffset: Int
    ) {
        let start = writer.offset
        writer.append(0x40 | UInt8(truncatingIfNeeded: headerLength / 4))
        writer.append(typeOfService)
        writer.append(UInt16(truncatingIfNeeded: totalLength))
        writer.append(identification)
        var flagsAndOffset = UInt16(truncatingIfNeeded: max(0, min(fragmentOffset, 65528)) / 8)
        if dontFragment { flagsAndOffset |= 0x4000 }
        if moreFragments { flagsAndOffset |= 0x2000 }
        writer.append(flagsAndOffset)
        writer.append(ttl)
        writer.append(protocolNumber)
        writer.append(UInt16(0))  // Checksum, set below.
        writer.append(source.rawValue)
        writer.append(destination.rawValue)
        let optionsWritten = min(options.count, maximumOptionsLength)
        writer.append(options.prefix(optionsWritten))
        writer.appendZeros(headerLength - IPv4HeaderView.minimumHeaderLength - optionsWritten)
        writer.store(InternetChecksum.checksum(writer.written(from: start)), at: start + 10)
    }
}

extension TCPSegment {
    /// Writes header, options, padding and payload, then sets the checksum over the pseudo-header.
    fileprivate func write(
        into writer: inout ByteWriter, layout: WireLayout, source: IPv4Address, destination: IPv4Address
    ) {
        let start = writer.offset
        writer.append(sourcePort)
        writer.append(destinationPort)
        writer.append(seq.rawValue)
        writer.append(ackNumber.rawValue)
        writer.append(UInt8(truncatingIfNeeded: layout.tcpHeaderLength / 4) << 4)
        writer.append(flags.rawValue)
        writer.append(window)
        writer.append(UInt16(0))  // Checksum, set below.
        writer.append(urgentPointer)
        for option in options.prefix(layout.optionCount) { option.write(into: &writer) }
        writer.appendZeros(layout.tcpHeaderLength - TCPHeaderView.minimumHeaderLength - layout.optionBytes)
        writer.append(payload.prefix(layout.payloadCount))
        let segment = writer.written(from: start)
        let pseudo = InternetChecksum.pseudoHeaderSum(
            source: source, destination: destination, protocolNumber: IPv4Header.protocolTCP, length: segment.count)
        writer.store(InternetChecksum.checksum(segment, initial: pseudo), at: start + 16)
    }
}

extension TCPOption {
    /// Writes kind, length and data. The caller has checked that the option fits in 40 bytes, so the
    /// length byte cannot overflow.
    fileprivate func write(into writer: inout ByteWriter) {
        switch self {
        case .endOfList:
            writer.append(UInt8(0))
        case .noOperation:
            writer.append(UInt8(1))
        case .maximumSegmentSize(let value):
            writer.append(UInt8(2))
            writer.append(UInt8(4))
            writer.append(value)
        case .windowScale(let shift):
            writer.append(UInt8(3))
            writer.append(UInt8(3))
            writer.append(shift)
        case .sackPermitted:
            writer.append(UInt8(4))
            writer.append(UInt8(2))
        case .sack(let blocks):
            writer.append(UInt8(5))
            writer.append(UInt8(truncatingIfNeeded: 2 + 8 * blocks.count))
            for block in blocks {
                writer.append(block.left.rawValue)
                writer.append(block.right.rawValue)
            }
        case .timestamps(let value, let echoReply):
            writer.append(UInt8(8))
            writer.append(UInt8(10))
            writer.append(value)
            writer.append(echoReply)
        case .unknown(let kind, let data):
            writer.append(kind)
            writer.append(UInt8(truncatingIfNeeded: 2 + data.count))
            writer.append(data)
        }
    }
}
