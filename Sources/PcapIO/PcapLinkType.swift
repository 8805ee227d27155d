import CPcap

/// The link layers tcpsim writes and reads. Raw values are the LINKTYPE_ numbers stored in pcap files,
/// which are the same on every OS; `dlt` is the (sometimes OS-specific) DLT_ value libpcap's API uses.
///
/// libpcap maps between the two: writing with `DLT_RAW` (12 on Linux, 14 on some BSDs) stores
/// LINKTYPE_RAW 101, and `pcap_datalink` on a file that stores 101 returns `DLT_RAW` again.
public enum PcapLinkType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    /// BSD loopback (LINKTYPE_NULL): a 4-byte address family in the capturing host's byte order.
    case null = 0
    /// Ethernet II (LINKTYPE_ETHERNET), optionally with 802.1Q / 802.1ad VLAN tags.
    case ethernet = 1
    /// Raw IP, IPv4 or IPv6 told apart by the version nibble (LINKTYPE_RAW, DLT_RAW). tcpsim's default.
    case rawIPv4 = 101
    /// OpenBSD loopback (LINKTYPE_LOOP): a 4-byte address family in network byte order.
    case loop = 108
    /// Linux "cooked" capture v1 (LINKTYPE_LINUX_SLL), 16-byte header.
    case linuxSLL = 113
    /// IPv4 only, no link header (LINKTYPE_IPV4).
    case ipv4 = 228
    /// Linux "cooked" capture v2 (LINKTYPE_LINUX_SLL2), 20-byte header.
    case linuxSLL2 = 276

    /// The DLT_ value to hand to libpcap (`pcap_open_dead`).
    public var dlt: Int32 {
        switch self {
        case .null: DLT_NULL
        case .ethernet: DLT_EN10MB
        case .rawIPv4: DLT_RAW
        case .loop: DLT_LOOP
        case .linuxSLL: DLT_LINUX_SLL
        case .ipv4: DLT_IPV4
        case .linuxSLL2: DLT_LINUX_SLL2
        }
    }

    /// The link type for a DLT_ value as returned by `pcap_datalink`; nil for link types tcpsim cannot use.
    public init?(dlt: Int32) {
        guard let type = Self.allCases.first(where: { $0.dlt == dlt }) else { return nil }
        self = type
    }

    public var description: String {
        switch self {
        case .null: "null/loopback"
        case .ethernet: "Ethernet"
        case .rawIPv4: "raw IP"
        case .loop: "OpenBSD loopback"
        case .linuxSLL: "Linux SLL"
        case .ipv4: "raw IPv4"
        case .linuxSLL2: "Linux SLL2"
        }
    }

    /// The IPv4 datagram inside one captured frame of this link type, or nil when the frame carries
    /// something else (ARP, IPv6, ...) or is too short to hold its link header.
    ///
    /// For Ethernet and Linux SLL/SLL2 frames, bytes after the IPv4 total length (Ethernet padding of
    /// short frames) are dropped. The IPv4 header itself is not validated beyond its version nibble.
    public func ipv4Packet(in frame: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        switch self {
        case .rawIPv4, .ipv4:
            return Self.versionFour(frame)
        case .null:
            // AF_INET is 2 on every OS; the family is in the capturing host's byte order.
            guard frame.count >= 4 else { return nil }
            let family = Array(frame.prefix(4))
            guard family == [2, 0, 0, 0] || family == [0, 0, 0, 2] else { return nil }
            return Self.versionFour(frame.dropFirst(4))
        case .loop:
            guard frame.count >= 4, Array(frame.prefix(4)) == [0, 0, 0, 2] else { return nil }
            return Self.versionFour(frame.dropFirst(4))
        case .ethernet:
            var offset = 12  // destination and source MAC addresses
            var etherType = Self.uint16(frame, at: offset)
            // 802.1Q (0x8100), 802.1ad (0x88a8) and the older QinQ 0x9100: a 2-byte tag, then the next type.
            while let type = etherType, type == 0x8100 || type == 0x88a8 || type == 0x9100 {
                offset += 4
                etherType = Self.uint16(frame, at: offset)
            }
            guard etherType == 0x0800 else { return nil }
            return Self.trimmedToTotalLength(Self.versionFour(frame.dropFirst(offset + 2)))
        case .linuxSLL:
            // packet type, ARPHRD type, address length, 8 address bytes, then the protocol.
            guard Self.uint16(frame, at: 14) == 0x0800 else { return nil }
            return Self.trimmedToTotalLength(Self.versionFour(frame.dropFirst(16)))
        case .linuxSLL2:
            // protocol first, then reserved, interface index, ARPHRD type, packet type, address length, address.
            guard Self.uint16(frame, at: 0) == 0x0800, frame.count >= 20 else { return nil }
            return Self.trimmedToTotalLength(Self.versionFour(frame.dropFirst(20)))
        }
    }

    /// `ipv4Packet(in:)` for a whole array.
    public func ipv4Packet(in frame: [UInt8]) -> ArraySlice<UInt8>? {
        ipv4Packet(in: frame[...])
    }

    /// The big-endian 16-bit value at `offset` bytes into `bytes`, or nil past the end.
    private static func uint16(_ bytes: ArraySlice<UInt8>, at offset: Int) -> UInt16? {
        guard offset >= 0, offset + 2 <= bytes.count else { return nil }
        let index = bytes.startIndex + offset
        return UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
    }

    /// `packet` if it is non-empty and starts with IP version 4.
    private static func versionFour(_ packet: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard let first = packet.first, first >> 4 == 4 else { return nil }
        return packet
    }

    /// Drops link-layer padding after the IPv4 datagram when its total length is plausible.
    private static func trimmedToTotalLength(_ packet: ArraySlice<UInt8>?) -> ArraySlice<UInt8>? {
        guard let packet, let totalLength = uint16(packet, at: 2) else { return packet }
        let length = Int(totalLength)
        guard length >= 20, length < packet.count else { return packet }
        return packet.prefix(length)
    }
}
