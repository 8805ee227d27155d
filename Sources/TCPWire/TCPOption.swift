/// A SACK block: the octets `left ..< right` were received (RFC 2018).
public struct SACKBlock: Hashable, Sendable {
    public var left: SeqNumber
    public var right: SeqNumber
    public init(left: SeqNumber, right: SeqNumber) {
        self.left = left
        self.right = right
    }
}

/// One TCP option, in the order it appears on the wire.
///
/// Options are kept as an ordered list so that a segment round-trips byte for byte and so that scripts can
/// state the exact layout a stack emits (FreeRTOS: `mss, nop, wscale, nop, nop, sackOK`).
public enum TCPOption: Hashable, Sendable, CustomStringConvertible {
    /// Kind 0. Ends the option list; the rest of the header is padding.
    case endOfList
    /// Kind 1.
    case noOperation
    /// Kind 2, length 4 (RFC 9293 §3.7.1).
    case maximumSegmentSize(UInt16)
    /// Kind 3, length 3 (RFC 7323 §2).
    case windowScale(UInt8)
    /// Kind 4, length 2 (RFC 2018).
    case sackPermitted
    /// Kind 5, length 2 + 8·n (RFC 2018).
    case sack([SACKBlock])
    /// Kind 8, length 10 (RFC 7323 §3).
    case timestamps(value: UInt32, echoReply: UInt32)
    /// Any other kind, with its data (without kind and length bytes).
    case unknown(kind: UInt8, data: [UInt8])

    /// Bytes this option occupies on the wire.
    public var encodedLength: Int {
        switch self {
        case .endOfList, .noOperation: 1
        case .maximumSegmentSize: 4
        case .windowScale: 3
        case .sackPermitted: 2
        case .sack(let blocks): 2 + 8 * blocks.count
        case .timestamps: 10
        case .unknown(_, let data): 2 + data.count
        }
    }

    /// tcpdump's spelling: `mss 1460`, `nop`, `wscale 7`, `sackOK`, `sack 1 {1:2}`, `TS val 1 ecr 0`, `eol`.
    public var description: String {
        switch self {
        case .endOfList: "eol"
        case .noOperation: "nop"
        case .maximumSegmentSize(let value): "mss \(value)"
        case .windowScale(let shift): "wscale \(shift)"
        case .sackPermitted: "sackOK"
        case .sack(let blocks):
            "sack \(blocks.count) " + blocks.map { "{\($0.left):\($0.right)}" }.joined()
        case .timestamps(let value, let echo): "TS val \(value) ecr \(echo)"
        case .unknown(let kind, let data): "opt-\(kind):\(data.count)"
        }
    }
}

extension Array where Element == TCPOption {
    /// The MSS option's value, if present.
    public var maximumSegmentSize: UInt16? {
        for case .maximumSegmentSize(let value) in self { return value }
        return nil
    }

    /// The window-scale option's shift count, if present.
    public var windowScale: UInt8? {
        for case .windowScale(let value) in self { return value }
        return nil
    }

    public var sackPermitted: Bool { contains(.sackPermitted) }

    public var sackBlocks: [SACKBlock] {
        for case .sack(let blocks) in self { return blocks }
        return []
    }

    public var timestamps: (value: UInt32, echoReply: UInt32)? {
        for case .timestamps(let value, let echo) in self { return (value, echo) }
        return nil
    }

    /// Bytes on the wire before padding to a multiple of four.
    public var encodedLength: Int { reduce(0) { $0 + $1.encodedLength } }
}
