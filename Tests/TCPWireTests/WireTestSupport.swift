import SimClock
import TCPWire


/// Hex text to bytes; spaces and newlines are ignored. Only for literals written in tests.
func bytes(_ hex: String) -> [UInt8] {
    let digits = hex.filter { !$0.isWhitespace }.map { UInt8(String($0), radix: 16) ?? 0 }
    return stride(from: 0, to: digits.count - 1, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
}

/// RFC 1071 the slow way: 16-bit big-endian words one at a time. The reference for the fast implementation.
func referenceChecksum(_ data: [UInt8], initial: UInt32 = 0) -> UInt16 {
    var sum = UInt64(initial)
    var index = 0
    while index + 1 < data.count {
        sum += UInt64(data[index]) << 8 | UInt64(data[index + 1])
        index += 2
    }
    if index < data.count { sum += UInt64(data[index]) << 8 }
    while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
    return ~UInt16(sum)
}

/// Writes a big-endian 16-bit value into `data` at `offset`.
func store16(_ value: UInt16, into data: inout [UInt8], at offset: Int) {
    data[offset] = UInt8(value >> 8)
    data[offset + 1] = UInt8(value & 0xFF)
}

/// Recomputes the IPv4 header checksum of `data` (IHL taken from the first byte) when the header fits.
func fixIPChecksum(_ data: inout [UInt8]) {
    guard data.count >= 20 else { return }
    let headerLength = Int(data[0] & 0x0F) * 4
    guard headerLength >= 20, headerLength <= data.count else { return }
    store16(0, into: &data, at: 10)
    store16(referenceChecksum(Array(data[0..<headerLength])), into: &data, at: 10)
}

/// Recomputes the TCP checksum of an IPv4+TCP datagram, using the total length field, when it makes sense.
func fixTCPChecksum(_ data: inout [UInt8]) {
    guard data.count >= 20 else { return }
    let headerLength = Int(data[0] & 0x0F) * 4
    let totalLength = Int(data[2]) << 8 | Int(data[3])
    guard headerLength >= 20, totalLength <= data.count, totalLength - headerLength >= 20 else { return }
    let segment = Array(data[headerLength..<totalLength])
    let pseudo = Array(data[12..<20]) + [0, 6, UInt8(segment.count >> 8), UInt8(segment.count & 0xFF)]
    var zeroed = segment
    zeroed[16] = 0
    zeroed[17] = 0
    store16(referenceChecksum(pseudo + zeroed), into: &data, at: headerLength + 16)
}

/// 10.0.0.1:54321 → 10.0.0.2:80, a Linux SYN as tcpdump shows it:
/// `Flags [S], seq 3080971201, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0`.
/// Both checksums were computed independently of the code under test (a byte-wise RFC 1071 script) and
/// tshark 4.0 reports them "correct" and the options as `MSS=1460 SACK_PERM TSval=1 TSecr=0 WS=128`.
let linuxSyn: [UInt8] = bytes(
    """
    45 00 00 3c 1c 46 40 00 40 06 0a 74 0a 00 00 01 0a 00 00 02
    d4 31 00 50 b7 a3 e3 c1 00 00 00 00 a0 02 fa f0 c9 24 00 00
    02 04 05 b4 04 02 08 0a 00 00 00 01 00 00 00 00 01 03 03 07
    """)

enum Generate {
    /// Kinds with no meaning in `TCPOption`, so `.unknown` round-trips as `.unknown`.
    static let unknownKinds: [UInt8] = [6, 7, 9, 14, 19, 27, 28, 29, 30, 34, 253, 254, 255]

    static func option(_ rng: inout SeededRandom) -> TCPOption {
        switch rng.next() % 8 {
        case 0: return .noOperation
        case 1: return .maximumSegmentSize(UInt16.random(in: .min ... .max, using: &rng))
        case 2: return .windowScale(UInt8.random(in: .min ... .max, using: &rng))
        case 3: return .sackPermitted
        case 4:
            let count = Int.random(in: 0...4, using: &rng)
            return .sack(
                (0..<count).map { _ in
                    SACKBlock(
                        left: SeqNumber(UInt32.random(in: .min ... .max, using: &rng)),
                        right: SeqNumber(UInt32.random(in: .min ... .max, using: &rng)))
                })
        case 5:
            return .timestamps(
                value: UInt32.random(in: .min ... .max, using: &rng),
                echoReply: UInt32.random(in: .min ... .max, using: &rng))
        default:
            let kind = unknownKinds[Int.random(in: 0..<unknownKinds.count, using: &rng)]
            let count = Int.random(in: 0...12, using: &rng)
            return .unknown(kind: kind, data: (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) })
        }
    }

    /// A random option list of at most 40 bytes, without `.endOfList`.
    static func options(_ rng: inout SeededRandom) -> [TCPOption] {
        var list: [TCPOption] = []
        let wanted = Int.random(in: 0...8, using: &rng)
        for _ in 0..<wanted {
            let option = option(&rng)
            if list.encodedLength + option.encodedLength <= 40 { list.append(option) }
        }
        return list
    }

    static func packet(_ rng: inout SeededRandom, payloadSize: Int? = nil) -> TCPPacket {
        let size = payloadSize ?? Int.random(in: 0...1460, using: &rng)
        let payload = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let ipOptionWords = rng.next() % 4 == 0 ? Int.random(in: 1...10, using: &rng) : 0
        let ip = IPv4Header(
            source: IPv4Address(rawValue: UInt32.random(in: .min ... .max, using: &rng)),
            destination: IPv4Address(rawValue: UInt32.random(in: .min ... .max, using: &rng)),
            ttl: UInt8.random(in: 0...255, using: &rng),
            identification: UInt16.random(in: .min ... .max, using: &rng),
            dontFragment: Bool.random(using: &rng),
            typeOfService: UInt8.random(in: 0...255, using: &rng),
            options: (0..<(4 * ipOptionWords)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let tcp = TCPSegment(
            sourcePort: UInt16.random(in: .min ... .max, using: &rng),
            destinationPort: UInt16.random(in: .min ... .max, using: &rng),
            seq: SeqNumber(UInt32.random(in: .min ... .max, using: &rng)),
            ackNumber: SeqNumber(UInt32.random(in: .min ... .max, using: &rng)),
            flags: TCPFlags(rawValue: UInt8.random(in: 0...255, using: &rng)),
            window: UInt16.random(in: .min ... .max, using: &rng),
            urgentPointer: UInt16.random(in: .min ... .max, using: &rng),
            options: options(&rng),
            payload: payload[...])
        return TCPPacket(ip: ip, tcp: tcp)
    }
}
