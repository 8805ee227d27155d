/// Why a byte string is not an acceptable IPv4 datagram or TCP segment.
///
/// Thrown only by the checked views and parsers of this module (`IPv4HeaderView`, `TCPHeaderView`,
/// `IPv4Datagram(parsing:)`, `TCPPacket(parsing:)`); callers count, trace and drop the packet (the style guide).
/// Every `description` is one line that starts lowercase and says what was expected and what was found.
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer bytes than the fixed part of a header (`layer` is "ipv4 header" or "tcp header").
    case truncated(layer: String, needed: Int, have: Int)
    /// The IP version nibble is not 4.
    case notIPv4(version: UInt8)
    /// The IPv4 IHL field is below 5 words (20 bytes).
    case badHeaderLength(ihl: UInt8)
    /// The IPv4 IHL field claims `headerLength` bytes but only `captured` bytes are present.
    case headerLongerThanPacket(headerLength: Int, captured: Int)
    /// The IPv4 total length is below the header length or above the bytes present.
    case badTotalLength(totalLength: Int, headerLength: Int, captured: Int)
    /// The IPv4 header checksum field holds `found`; the header's contents call for `expected`.
    case badIPChecksum(found: UInt16, expected: UInt16)
    /// A TCP parser was given an IPv4 datagram carrying another protocol.
    case notTCP(protocol: UInt8)
    /// The datagram is a fragment; `offset` is in bytes (the header field times 8).
    case fragment(offset: Int, moreFragments: Bool)
    /// The TCP data offset (in 32-bit words) is below 5 or reaches past the segment of `segmentLength` bytes.
    case badDataOffset(UInt8, segmentLength: Int)
    /// The TCP checksum field holds `found`; pseudo-header, header and payload call for `expected`.
    case badTCPChecksum(found: UInt16, expected: UInt16)
    /// A malformed TCP option. `offset` counts from the start of the TCP header; `length` is the option's
    /// length byte (or the single byte left when the options area ends before the length byte);
    /// `reason` says what was expected, such as "length 3, expected 4".
    case badOption(kind: UInt8, length: Int, offset: Int, reason: String)

    public var description: String {
        switch self {
        case let .truncated(layer, needed, have):
            "\(layer) truncated: need \(needed) bytes, have \(have)"
        case let .notIPv4(version):
            "not ipv4: expected version 4, found version \(version)"
        case let .badHeaderLength(ihl):
            "bad ipv4 header length: expected ihl at least 5 words, found \(ihl)"
        case let .headerLongerThanPacket(headerLength, captured):
            "ipv4 header longer than packet: ihl needs \(headerLength) bytes, have \(captured)"
        case let .badTotalLength(totalLength, headerLength, captured):
            "bad ipv4 total length: expected \(headerLength)...\(captured) bytes, found \(totalLength)"
        case let .badIPChecksum(found, expected):
            "bad ipv4 header checksum: expected \(hex(expected)), found \(hex(found))"
        case let .notTCP(protocolNumber):
            "not tcp: expected ip protocol 6, found protocol \(protocolNumber)"
        case let .fragment(offset, moreFragments):
            "ipv4 fragment: expected offset 0 with more-fragments clear, found offset \(offset) with "
                + "more-fragments \(moreFragments ? "set" : "clear")"
        case let .badDataOffset(dataOffset, segmentLength) where dataOffset < 5:
            "bad tcp data offset: expected 5...15 words, found \(dataOffset) (segment of \(segmentLength) bytes)"
        case let .badDataOffset(dataOffset, segmentLength):
            "bad tcp data offset: expected at most \(segmentLength / 4) words for a \(segmentLength)-byte "
                + "segment, found \(dataOffset) (\(Int(dataOffset) * 4) bytes)"
        case let .badTCPChecksum(found, expected):
            "bad tcp checksum: expected \(hex(expected)), found \(hex(found))"
        case let .badOption(kind, _, offset, reason):
            "tcp option \(kind) at offset \(offset): \(reason)"
        }
    }
}

/// `0x0a1b`: four lowercase hex digits, as Wireshark prints checksums.
private func hex(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 4 - digits.count) + digits
}
