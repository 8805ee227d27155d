import SimClock
import TCPWire
import Testing

/// Splitting a large TCP/IPv4 datagram as segmentation offload does.
@Suite("TCP segmentation")
struct SegmentationTests {
    private func datagram(payload: Int, flags: TCPFlags = [.ack, .psh, .fin]) -> TCPPacket {
        let segment = TCPSegment(sourcePort: 40000, destinationPort: 9, seq: SeqNumber(0xFFFF_F000), ackNumber: SeqNumber(77),
                                 flags: flags, window: 502, options: [.timestamps(value: 5, echoReply: 6)],
                                 payload: (0..<payload).map { UInt8(truncatingIfNeeded: $0 &* 13) }[...])
        return TCPPacket(ip: IPv4Header(source: IPv4Address(192, 0, 2, 1), destination: IPv4Address(192, 0, 2, 2), ttl: 64),
                         tcp: segment)
    }

    @Test func piecesCarryTheBytesInOrderWithValidChecksumsAndTheRightFlags() throws {
        let original = datagram(payload: 10_000)
        let pieces = try TCPSegmentation.split(original.encoded()[...], segmentSize: 1448)
        #expect(pieces.count == 7)
        var payload: [UInt8] = []
        for (index, bytes) in pieces.enumerated() {
            let packet = try TCPPacket(parsing: bytes[...])  // verifies both checksums
            #expect(packet.tcp.seq == original.tcp.seq + payload.count)  // wraps past 2^32
            #expect(packet.tcp.payload.count == (index < 6 ? 1448 : 10_000 - 6 * 1448))
            #expect(packet.tcp.flags.contains(.fin) == (index == 6))
            #expect(packet.tcp.flags.contains(.psh) == (index == 6))
            #expect(packet.tcp.flags.contains(.ack))
            #expect(packet.tcp.options == original.tcp.options)
            payload += packet.tcp.payload
        }
        #expect(payload == Array(original.tcp.payload))
    }

    @Test func aSmallDatagramComesBackAloneWithChecksumsFilledIn() throws {
        var bytes = datagram(payload: 100).encoded()
        bytes[36] = 0x12  // a partial checksum, as the kernel leaves it with checksum offload
        let pieces = try TCPSegmentation.split(bytes[...], segmentSize: 1448)
        #expect(pieces.count == 1)
        #expect(throws: Never.self) { try TCPPacket(parsing: pieces[0][...]) }
    }

    @Test func badInputIsAProblemNotATrap() {
        let bytes = datagram(payload: 100).encoded()
        #expect(throws: TCPSegmentation.Problem.badSegmentSize(0)) { try TCPSegmentation.split(bytes[...], segmentSize: 0) }
        #expect(throws: TCPSegmentation.Problem.self) { try TCPSegmentation.split(bytes.prefix(30), segmentSize: 1448) }
        var udp = bytes
        udp[9] = 17
        #expect(throws: TCPSegmentation.Problem.notTCP(protocol: 17)) { try TCPSegmentation.split(udp[...], segmentSize: 1448) }
        var badOffset = bytes
        badOffset[32] = 0xF0  // data offset 60 bytes, more than there is
        #expect(throws: TCPSegmentation.Problem.self) { try TCPSegmentation.split(badOffset.prefix(60), segmentSize: 1448) }
    }
}
