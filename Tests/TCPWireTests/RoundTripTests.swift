import SimClock
import TCPWire
import Testing

@Suite("Encode and parse round trips")
struct RoundTripTests {
    @Test(arguments: 0..<300 as Range<UInt64>)
    func randomPacketsRoundTrip(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let packet = Generate.packet(&rng)
        let wire = packet.encoded()
        #expect(wire.count == packet.encodedLength, "seed \(seed)")
        let parsed = try TCPPacket(parsing: wire[...])
        #expect(parsed == packet, "seed \(seed)")
        // Re-encoding the parsed value gives the same bytes.
        #expect(parsed.encoded() == wire, "seed \(seed)")
    }

    @Test func everyPayloadSizeUpToAFullSegmentRoundTrips() throws {
        var rng = SeededRandom(seed: 1460)
        for size in 0...1460 {
            let packet = Generate.packet(&rng, payloadSize: size)
            let parsed = try TCPPacket(parsing: packet.encoded()[...])
            #expect(parsed == packet, "payload size \(size)")
        }
    }

    static let everyOptionKind: [[TCPOption]] = [
        [],
        [.noOperation],
        [.maximumSegmentSize(0)],
        [.maximumSegmentSize(65535)],
        [.windowScale(0)],
        [.windowScale(14)],
        [.sackPermitted],
        [.sack([])],
        [.sack([SACKBlock(left: SeqNumber(1), right: SeqNumber(2))])],
        [.sack((0..<4).map { SACKBlock(left: SeqNumber(UInt32($0) * 100), right: SeqNumber(UInt32.max - 1)) })],
        [.timestamps(value: 0xDEAD_BEEF, echoReply: 1)],
        [.unknown(kind: 30, data: [])],
        [.unknown(kind: 254, data: Array(0..<38))],
        [.maximumSegmentSize(1460), .noOperation, .windowScale(7), .noOperation, .noOperation, .sackPermitted],
        [.maximumSegmentSize(1460), .sackPermitted, .timestamps(value: 1, echoReply: 0), .noOperation, .windowScale(7)],
        [.noOperation, .noOperation, .timestamps(value: 5, echoReply: 6), .noOperation, .noOperation,
         .sack([SACKBlock(left: SeqNumber(10), right: SeqNumber(20)),
                SACKBlock(left: SeqNumber(30), right: SeqNumber(40)),
                SACKBlock(left: SeqNumber(50), right: SeqNumber(60))])],
    ]

    @Test(arguments: everyOptionKind)
    func optionListRoundTrips(options: [TCPOption]) throws {
        let packet = TCPPacket(
            ip: IPv4Header(source: IPv4Address(192, 0, 2, 1), destination: IPv4Address(192, 0, 2, 2)),
            tcp: TCPSegment(
                sourcePort: 49152, destinationPort: 80, seq: SeqNumber(1), flags: .syn, window: 65535,
                options: options))
        let wire = packet.encoded()
        let dataOffset = Int(wire[32] >> 4)
        #expect(dataOffset == 5 + (options.encodedLength + 3) / 4)
        #expect(wire.count == 20 + dataOffset * 4)
        // Padding after the options is zero (EOL).
        #expect(wire[(40 + options.encodedLength)...].allSatisfy { $0 == 0 })
        #expect(try TCPPacket(parsing: wire[...]) == packet)
    }

    @Test func encodeIntoAppendsPacketsBackToBack() throws {
        var rng = SeededRandom(seed: 99)
        let packets = (0..<20).map { _ in Generate.packet(&rng) }
        var buffer: [UInt8] = [0xEE]
        var ranges: [Range<Int>] = []
        for packet in packets {
            let start = buffer.count
            packet.encode(into: &buffer)
            ranges.append(start..<buffer.count)
        }
        for (packet, range) in zip(packets, ranges) {
            #expect(try TCPPacket(parsing: buffer[range]) == packet)
        }
    }

    @Test func endOfListIsNotReadBack() throws {
        let packet = TCPPacket(
            ip: IPv4Header(source: IPv4Address(192, 0, 2, 1), destination: IPv4Address(192, 0, 2, 2)),
            tcp: TCPSegment(
                sourcePort: 1, destinationPort: 2, seq: SeqNumber(3), flags: .syn,
                options: [.maximumSegmentSize(536), .endOfList, .windowScale(2)]))
        let parsed = try TCPPacket(parsing: packet.encoded()[...])
        #expect(parsed.tcp.options == [.maximumSegmentSize(536)])
    }

    @Test func optionsPastFortyBytesAreLeftOut() throws {
        let timestamps = TCPOption.timestamps(value: 1, echoReply: 2)
        let packet = TCPPacket(
            ip: IPv4Header(source: IPv4Address(192, 0, 2, 1), destination: IPv4Address(192, 0, 2, 2)),
            tcp: TCPSegment(
                sourcePort: 1, destinationPort: 2, seq: SeqNumber(3), flags: .ack,
                options: [timestamps, timestamps, timestamps, timestamps, .noOperation, .unknown(kind: 99, data: [])]))
        let wire = packet.encoded()
        #expect(wire[32] >> 4 == 15)
        let parsed = try TCPPacket(parsing: wire[...])
        #expect(parsed.tcp.options == [timestamps, timestamps, timestamps, timestamps])
        let oversized = packet.tcp.with { $0.options = [.unknown(kind: 99, data: Array(repeating: 7, count: 300))] }
        let parsedOversized = try TCPPacket(parsing: TCPPacket(ip: packet.ip, tcp: oversized).encoded()[...])
        #expect(parsedOversized.tcp.options.isEmpty)
    }

    @Test func ipOptionsArePaddedAndCut() throws {
        var header = IPv4Header(source: IPv4Address(192, 0, 2, 1), destination: IPv4Address(192, 0, 2, 2))
        header.options = [1, 1, 1]
        let segment = TCPSegment(sourcePort: 1, destinationPort: 2, seq: SeqNumber(3), flags: .ack)
        let padded = try TCPPacket(parsing: TCPPacket(ip: header, tcp: segment).encoded()[...])
        #expect(padded.ip.options == [1, 1, 1, 0])
        header.options = Array(repeating: 1, count: 50)
        let cut = try TCPPacket(parsing: TCPPacket(ip: header, tcp: segment).encoded()[...])
        #expect(cut.ip.options == Array(repeating: 1, count: 40))
    }

    @Test func oversizedPayloadIsCutToFitTheTotalLength() throws {
        let payload = [UInt8](repeating: 0x5A, count: 70000)
        let packet = TCPPacket(
            ip: IPv4Header(source: IPv4Address(192, 0, 2, 1), destination: IPv4Address(192, 0, 2, 2)),
            tcp: TCPSegment(sourcePort: 1, destinationPort: 2, seq: SeqNumber(3), flags: .ack, payload: payload[...]))
        let wire = packet.encoded()
        #expect(wire.count == 65535)
        #expect(packet.encodedLength == 65535)
        let parsed = try TCPPacket(parsing: wire[...])
        #expect(parsed.tcp.payload.count == 65535 - 40)
    }

    @Test(arguments: 0..<50 as Range<UInt64>)
    func randomDatagramsRoundTrip(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed &+ 1000)
        let template = Generate.packet(&rng)
        var header = template.ip
        header.protocolNumber = UInt8.random(in: 0...255, using: &rng)
        let datagram = IPv4Datagram(
            header: header, payload: template.tcp.payload, moreFragments: Bool.random(using: &rng),
            fragmentOffset: 8 * Int.random(in: 0...8191, using: &rng))
        let wire = datagram.encoded()
        #expect(wire.count == datagram.encodedLength)
        #expect(try IPv4Datagram(parsing: wire[...]) == datagram, "seed \(seed)")
    }
}
