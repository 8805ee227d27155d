/// A checked view of a TCP segment (RFC 9293 §3.1): header, options and payload.
///
/// `init(validating:)` checks the length, the data offset and every option, once; afterwards no accessor can
/// trap. Options are decoded during validation (a malformed option is a validation failure) and kept.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// |          Source Port          |       Destination Port        |
/// |                        Sequence Number                        |
/// |                    Acknowledgment Number                      |
/// |  Data |       |C|E|U|A|P|R|S|F|                               |
/// | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
/// |           Checksum            |         Urgent Pointer        |
/// |                    Options                    |    Padding    |
/// ```
///
/// Option parsing: EOL (kind 0) ends the list and is not included, nor is anything after it (padding);
/// NOP is kept; MSS, window scale, SACK-permitted, SACK and timestamps must have their fixed lengths; other
/// kinds are kept as `.unknown(kind:data:)`. A length byte below 2, or an option running past the data
/// offset, is `WireError.badOption`.
public struct TCPHeaderView: Sendable {
    /// The whole segment: header, options and payload.
    public let bytes: ArraySlice<UInt8>
    /// The decoded options, in wire order, without EOL and padding.
    public let options: [TCPOption]

    /// Byte offsets of the fixed header fields.
    private enum Field {
        static let sourcePort = 0
        static let destinationPort = 2
        static let sequenceNumber = 4
        static let acknowledgmentNumber = 8
        static let dataOffset = 12
        static let flags = 13
        static let window = 14
        static let checksum = 16
        static let urgentPointer = 18
    }

    /// Length of a header without options.
    public static let minimumHeaderLength = 20

    public init(validating bytes: ArraySlice<UInt8>) throws(WireError) {
        let length = bytes.count
        guard length >= Self.minimumHeaderLength else {
            throw .truncated(layer: "tcp header", needed: Self.minimumHeaderLength, have: length)
        }
        let dataOffset = bytes[bytes.startIndex + Field.dataOffset] >> 4
        guard dataOffset >= 5, Int(dataOffset) * 4 <= length else {
            throw .badDataOffset(dataOffset, segmentLength: length)
        }
        self.bytes = bytes
        self.options = try Self.parseOptions(bytes, headerLength: Int(dataOffset) * 4)
    }

    // MARK: - Fields

    @inline(__always)
    private func byte(_ offset: Int) -> UInt8 { bytes[bytes.startIndex + offset] }

    @inline(__always)
    private func word16(_ offset: Int) -> UInt16 { UInt16(byte(offset)) << 8 | UInt16(byte(offset + 1)) }

    @inline(__always)
    private func word32(_ offset: Int) -> UInt32 { UInt32(word16(offset)) << 16 | UInt32(word16(offset + 2)) }

    public var sourcePort: UInt16 { word16(Field.sourcePort) }

    public var destinationPort: UInt16 { word16(Field.destinationPort) }

    public var sequenceNumber: SeqNumber { SeqNumber(word32(Field.sequenceNumber)) }

    /// The acknowledgment field as on the wire, meaningful only when `flags` contains `.ack`.
    public var acknowledgmentNumber: SeqNumber { SeqNumber(word32(Field.acknowledgmentNumber)) }

    /// Data offset in 32-bit words, 5...15.
    public var dataOffset: UInt8 { byte(Field.dataOffset) >> 4 }

    /// Header length in bytes (data offset × 4), 20...60.
    public var headerLength: Int { Int(dataOffset) * 4 }

    /// The four bits between data offset and CWR (three reserved bits, then the former NS / AccECN bit).
    /// Not part of `TCPSegment`; kept here for diagnostics.
    public var reservedBits: UInt8 { byte(Field.dataOffset) & 0x0F }

    public var flags: TCPFlags { TCPFlags(rawValue: byte(Field.flags)) }

    public var window: UInt16 { word16(Field.window) }

    /// The checksum field as found on the wire.
    public var checksum: UInt16 { word16(Field.checksum) }

    public var urgentPointer: UInt16 { word16(Field.urgentPointer) }

    /// Raw option bytes including padding (`headerLength - 20` bytes).
    public var optionBytes: ArraySlice<UInt8> {
        bytes[(bytes.startIndex + Self.minimumHeaderLength)..<(bytes.startIndex + headerLength)]
    }

    /// The bytes after the header.
    public var payload: ArraySlice<UInt8> { bytes[(bytes.startIndex + headerLength)...] }

    /// The typed segment; its payload is a slice of `bytes`, not a copy.
    public var segment: TCPSegment {
        TCPSegment(
            sourcePort: sourcePort, destinationPort: destinationPort, seq: sequenceNumber,
            ackNumber: acknowledgmentNumber, flags: flags, window: window, urgentPointer: urgentPointer,
            options: options, payload: payload)
    }

    // MARK: - Checksum

    /// Checks the checksum over the pseudo-header (RFC 9293 §3.1), header and payload.
    public func verifyChecksum(source: IPv4Address, destination: IPv4Address) throws(WireError) {
        let pseudo = InternetChecksum.pseudoHeaderSum(
            source: source, destination: destination, protocolNumber: IPv4Header.protocolTCP, length: bytes.count)
        guard InternetChecksum.checksum(bytes, initial: pseudo) != 0 else { return }
        // Sum around the checksum field; it starts at an even offset, so the word pairing holds.
        let start = bytes.startIndex
        let before = InternetChecksum.sum(bytes[start..<start + Field.checksum], initial: pseudo)
        let expected = InternetChecksum.checksum(bytes[(start + Field.checksum + 2)...], initial: before)
        throw .badTCPChecksum(found: checksum, expected: expected)
    }

    // MARK: - Options

    /// Decodes the options area `bytes[20 ..< headerLength]` (offsets relative to the header start).
    private static func parseOptions(
        _ bytes: ArraySlice<UInt8>, headerLength: Int
    ) throws(WireError) -> [TCPOption] {
        guard headerLength > minimumHeaderLength else { return [] }
        var options: [TCPOption] = []
        options.reserveCapacity(countOptions(bytes, headerLength: headerLength))
        let base = bytes.startIndex
        var offset = minimumHeaderLength
        while offset < headerLength {
            let kind = bytes[base + offset]
            if kind == 0 { break }  // EOL: the rest is padding.
            if kind == 1 {
                options.append(.noOperation)
                offset += 1
                continue
            }
            guard offset + 1 < headerLength else {
                throw .badOption(
                    kind: kind, length: 1, offset: offset, reason: "expected a length byte, found end of options")
            }
            let length = Int(bytes[base + offset + 1])
            guard length >= 2 else {
                throw .badOption(
                    kind: kind, length: length, offset: offset, reason: "length \(length), expected at least 2")
            }
            let left = headerLength - offset
            guard length <= left else {
                throw .badOption(
                    kind: kind, length: length, offset: offset,
                    reason: "length \(length), expected at most \(left) (end of options)")
            }
            options.append(try decodeOption(bytes, at: base + offset, kind: kind, length: length, offset: offset))
            offset += length
        }
        return options
    }

    /// How many options `parseOptions` will find if the area is well formed, so the list is allocated once.
    private static func countOptions(_ bytes: ArraySlice<UInt8>, headerLength: Int) -> Int {
        let base = bytes.startIndex
        var offset = minimumHeaderLength
        var count = 0
        while offset < headerLength, bytes[base + offset] != 0 {
            count += 1
            if bytes[base + offset] == 1 {
                offset += 1
            } else if offset + 1 < headerLength {
                offset += max(2, Int(bytes[base + offset + 1]))
            } else {
                break
            }
        }
        return count
    }

    /// Decodes one option of kind ≥ 2 starting at index `start` of `bytes`, whose length byte has been checked
    /// against the options area (so `start ..< start + length` is in bounds). `offset` is for error messages.
    private static func decodeOption(
        _ bytes: ArraySlice<UInt8>, at start: Int, kind: UInt8, length: Int, offset: Int
    ) throws(WireError) -> TCPOption {
        func read16(_ at: Int) -> UInt16 { UInt16(bytes[start + at]) << 8 | UInt16(bytes[start + at + 1]) }
        func read32(_ at: Int) -> UInt32 { UInt32(read16(at)) << 16 | UInt32(read16(at + 2)) }
        func wrongLength(_ expected: String) -> WireError {
            .badOption(kind: kind, length: length, offset: offset, reason: "length \(length), expected \(expected)")
        }
        switch kind {
        case 2:
            guard length == 4 else { throw wrongLength("4") }
            return .maximumSegmentSize(read16(2))
        case 3:
            guard length == 3 else { throw wrongLength("3") }
            return .windowScale(bytes[start + 2])
        case 4:
            guard length == 2 else { throw wrongLength("2") }
            return .sackPermitted
        case 5:
            guard (length - 2) % 8 == 0 else { throw wrongLength("2 + 8n (2, 10, 18, 26 or 34)") }
            var blocks: [SACKBlock] = []
            blocks.reserveCapacity((length - 2) / 8)
            for at in stride(from: 2, to: length, by: 8) {
                blocks.append(SACKBlock(left: SeqNumber(read32(at)), right: SeqNumber(read32(at + 4))))
            }
            return .sack(blocks)
        case 8:
            guard length == 10 else { throw wrongLength("10") }
            return .timestamps(value: read32(2), echoReply: read32(6))
        default:
            return .unknown(kind: kind, data: Array(bytes[(start + 2)..<(start + length)]))
        }
    }
}
