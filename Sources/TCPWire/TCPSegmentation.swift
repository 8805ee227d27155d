/// Splits one large TCP/IPv4 datagram into segments of at most `segmentSize` payload bytes — what a NIC does
/// for TCP segmentation offload (TSO), and what the kernel leaves to a TUN reader that accepts GSO packets.
///
/// Each piece gets the original IP and TCP headers with its own IP total length and identification (+1 per
/// piece), sequence number (+ offset), and freshly computed IP and TCP checksums; FIN and PSH stay only on
/// the last piece, CWR only on the first.
public enum TCPSegmentation {
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case wire(WireError)
        case notTCP(protocol: UInt8)
        case badSegmentSize(Int)
        case badDataOffset(Int)

        public var description: String {
            switch self {
            case .wire(let error): "\(error)"
            case .notTCP(let number): "segmentation offload: expected a TCP datagram, found ip protocol \(number)"
            case .badSegmentSize(let size): "segmentation offload: expected a segment size of 1...65535, found \(size)"
            case .badDataOffset(let offset): "segmentation offload: tcp header length \(offset) does not fit the datagram"
            }
        }
    }

    /// The pieces of `datagram`; a datagram whose payload fits in one piece comes back alone, with its
    /// checksums recomputed (the kernel hands such packets over with a partial checksum).
    public static func split(_ datagram: ArraySlice<UInt8>, segmentSize: Int) throws(Problem) -> [[UInt8]] {
        guard (1...65535).contains(segmentSize) else { throw .badSegmentSize(segmentSize) }
        let view: IPv4HeaderView
        do {
            view = try IPv4HeaderView(validating: datagram, verifyChecksum: false)
        } catch {
            throw .wire(error)
        }
        guard view.protocolNumber == 6 else { throw .notTCP(protocol: view.protocolNumber) }
        let bytes = Array(view.bytes)
        let ipLength = view.headerLength
        guard bytes.count >= ipLength + 20 else { throw .badDataOffset(0) }
        let tcpLength = Int(bytes[ipLength + 12] >> 4) * 4
        guard tcpLength >= 20, ipLength + tcpLength <= bytes.count else { throw .badDataOffset(tcpLength) }
        let headers = ipLength + tcpLength
        let payload = bytes[headers...]
        let sequence = UInt32(bytes[ipLength + 4]) << 24 | UInt32(bytes[ipLength + 5]) << 16
            | UInt32(bytes[ipLength + 6]) << 8 | UInt32(bytes[ipLength + 7])
        let flags = bytes[ipLength + 13]
        let identification = view.identification
        var pieces: [[UInt8]] = []
        var offset = 0
        repeat {
            let end = min(payload.count, offset + segmentSize)
            var piece = Array(bytes[0..<headers])
            piece.append(contentsOf: payload[(payload.startIndex + offset)..<(payload.startIndex + end)])
            let first = offset == 0
            let last = end == payload.count
            // IP: total length, identification, checksum.
            let total = piece.count
            piece[2] = UInt8(truncatingIfNeeded: total >> 8)
            piece[3] = UInt8(truncatingIfNeeded: total)
            let id = identification &+ UInt16(truncatingIfNeeded: pieces.count)
            piece[4] = UInt8(truncatingIfNeeded: id >> 8)
            piece[5] = UInt8(truncatingIfNeeded: id)
            piece[10] = 0
            piece[11] = 0
            let ipChecksum = InternetChecksum.checksum(piece[0..<ipLength])
            piece[10] = UInt8(truncatingIfNeeded: ipChecksum >> 8)
            piece[11] = UInt8(truncatingIfNeeded: ipChecksum)
            // TCP: sequence number, flags, checksum.
            let seq = sequence &+ UInt32(truncatingIfNeeded: offset)
            piece[ipLength + 4] = UInt8(truncatingIfNeeded: seq >> 24)
            piece[ipLength + 5] = UInt8(truncatingIfNeeded: seq >> 16)
            piece[ipLength + 6] = UInt8(truncatingIfNeeded: seq >> 8)
            piece[ipLength + 7] = UInt8(truncatingIfNeeded: seq)
            var pieceFlags = flags
            if !last { pieceFlags &= ~(0x01 | 0x08) }  // FIN, PSH
            if !first { pieceFlags &= ~0x80 }  // CWR
            piece[ipLength + 13] = pieceFlags
            piece[ipLength + 16] = 0
            piece[ipLength + 17] = 0
            let pseudo = InternetChecksum.pseudoHeaderSum(
                source: view.source, destination: view.destination, protocolNumber: 6, length: piece.count - ipLength)
            let tcpChecksum = InternetChecksum.checksum(piece[ipLength...], initial: pseudo)
            piece[ipLength + 16] = UInt8(truncatingIfNeeded: tcpChecksum >> 8)
            piece[ipLength + 17] = UInt8(truncatingIfNeeded: tcpChecksum)
            pieces.append(piece)
            offset = end
        } while offset < payload.count
        return pieces
    }
}
