import TCPWire
import Testing

@Suite("Parsing real packets")
struct ParseTests {
    @Test func linuxSynFieldByField() throws {
        let packet = try TCPPacket(parsing: linuxSyn[...])
        #expect(packet.ip.source == IPv4Address(10, 0, 0, 1))
        #expect(packet.ip.destination == IPv4Address(10, 0, 0, 2))
        #expect(packet.ip.ttl == 64)
        #expect(packet.ip.identification == 0x1C46)
        #expect(packet.ip.dontFragment)
        #expect(packet.ip.typeOfService == 0)
        #expect(packet.ip.protocolNumber == 6)
        #expect(packet.ip.options.isEmpty)
        #expect(packet.tcp.sourcePort == 54321)
        #expect(packet.tcp.destinationPort == 80)
        #expect(packet.tcp.seq == SeqNumber(3_080_971_201))
        #expect(packet.tcp.ackNumber == SeqNumber(0))
        #expect(packet.tcp.ack == nil)
        #expect(packet.tcp.flags == .syn)
        #expect(packet.tcp.window == 64240)
        #expect(packet.tcp.urgentPointer == 0)
        #expect(
            packet.tcp.options == [
                .maximumSegmentSize(1460), .sackPermitted, .timestamps(value: 1, echoReply: 0), .noOperation,
                .windowScale(7),
            ])
        #expect(packet.tcp.options.maximumSegmentSize == 1460)
        #expect(packet.tcp.options.windowScale == 7)
        #expect(packet.tcp.options.sackPermitted)
        #expect(packet.tcp.payload.isEmpty)
        #expect(
            packet.summary
                == "10.0.0.1.54321 > 10.0.0.2.80: S seq 3080971201:3080971201(0) win 64240 "
                + "<mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>, length 0")
    }

    @Test func linuxSynReencodesByteForByte() throws {
        let packet = try TCPPacket(parsing: linuxSyn[...])
        #expect(packet.encoded() == linuxSyn)
        #expect(packet.encodedLength == linuxSyn.count)
    }

    @Test func viewsExposeTheRawFields() throws {
        let ip = try IPv4HeaderView(validating: linuxSyn[...])
        #expect(ip.version == 4)
        #expect(ip.headerLength == 20)
        #expect(ip.totalLength == 60)
        #expect(ip.headerChecksum == 0x0A74)
        #expect(!ip.moreFragments)
        #expect(ip.fragmentOffset == 0)
        #expect(!ip.reservedFlag)
        #expect(ip.payload.count == 40)
        #expect(ip.payload.startIndex == 20)
        let tcp = try TCPHeaderView(validating: ip.payload)
        #expect(tcp.dataOffset == 10)
        #expect(tcp.headerLength == 40)
        #expect(tcp.checksum == 0xC924)
        #expect(tcp.reservedBits == 0)
        #expect(tcp.optionBytes.count == 20)
        #expect(tcp.payload.isEmpty)
        try tcp.verifyChecksum(source: ip.source, destination: ip.destination)
    }

    @Test func ethernetPaddingPastTotalLengthIsIgnored() throws {
        // A 40-byte bare ACK arrives in a 60-byte Ethernet minimum frame with 6 bytes of trailer.
        let ack = TCPPacket(
            ip: IPv4Header(source: IPv4Address(10, 0, 0, 2), destination: IPv4Address(10, 0, 0, 1)),
            tcp: TCPSegment(
                sourcePort: 80, destinationPort: 54321, seq: SeqNumber(1), ackNumber: SeqNumber(2), flags: .ack,
                window: 502))
        let padded = ack.encoded() + [0, 0, 0, 0, 0, 0]
        let parsed = try TCPPacket(parsing: padded[...])
        #expect(parsed == ack)
        #expect(parsed.tcp.payload.isEmpty)
        #expect(try IPv4HeaderView(validating: padded[...]).bytes.count == 40)
    }

    @Test func sliceWithNonZeroStartIndexParses() throws {
        let framed = [0xAA, 0xBB, 0xCC] + linuxSyn + [0xDD]
        let packet = try TCPPacket(parsing: framed[3...])
        #expect(packet == (try TCPPacket(parsing: linuxSyn[...])))
    }

    @Test func payloadIsASliceOfTheInput() throws {
        let data: [UInt8] = Array("hello, world".utf8)
        let packet = TCPPacket(
            ip: IPv4Header(source: IPv4Address(192, 0, 2, 1), destination: IPv4Address(192, 0, 2, 2)),
            tcp: TCPSegment(
                sourcePort: 40000, destinationPort: 7, seq: SeqNumber(100), ackNumber: SeqNumber(200),
                flags: [.psh, .ack], window: 1000, payload: data[...]))
        let wire = packet.encoded()
        let parsed = try TCPPacket(parsing: wire[...])
        #expect(parsed.tcp.payload.startIndex == 40)
        #expect(Array(parsed.tcp.payload) == data)
    }

    @Test func eolEndsTheOptionListAndIsNotKept() throws {
        // mss 1460, eol, then garbage that must be treated as padding.
        var segment = bytes(
            """
            04 00 00 50 00 00 00 01 00 00 00 00 70 02 10 00 00 00 00 00
            02 04 05 b4 00 ff 01 00
            """)
        let view = try TCPHeaderView(validating: segment[...])
        #expect(view.options == [.maximumSegmentSize(1460)])
        segment[24] = 1  // NOP instead of EOL: now the bad length 1 after 0xff is reached.
        let expected = WireError.badOption(kind: 255, length: 1, offset: 25, reason: "length 1, expected at least 2")
        #expect(throws: expected) { try TCPHeaderView(validating: segment[...]) }
    }

    @Test func unknownOptionsAreKeptWithTheirData() throws {
        let segment = bytes(
            """
            04 00 00 50 00 00 00 01 00 00 00 00 70 02 10 00 00 00 00 00
            1e 04 ab cd 22 02 01 00
            """)
        let view = try TCPHeaderView(validating: segment[...])
        #expect(view.options == [.unknown(kind: 30, data: [0xAB, 0xCD]), .unknown(kind: 34, data: []), .noOperation])
    }

    @Test func sackBlocksDecode() throws {
        let segment = bytes(
            """
            04 00 00 50 00 00 00 01 00 00 00 01 a0 10 10 00 00 00 00 00
            01 01 05 12 00 00 03 e8 00 00 07 d0 00 00 0b b8 00 00 0f a0
            """)
        let view = try TCPHeaderView(validating: segment[...])
        #expect(
            view.options == [
                .noOperation, .noOperation,
                .sack([
                    SACKBlock(left: SeqNumber(1000), right: SeqNumber(2000)),
                    SACKBlock(left: SeqNumber(3000), right: SeqNumber(4000)),
                ]),
            ])
        #expect(view.options.sackBlocks.count == 2)
    }

    @Test func ipOptionsAreKeptRaw() throws {
        // Router alert (94 04 00 00) in the IPv4 header.
        let packet = TCPPacket(
            ip: IPv4Header(
                source: IPv4Address(192, 0, 2, 1), destination: IPv4Address(192, 0, 2, 2), ttl: 1,
                identification: 77, typeOfService: 0xB8, options: [0x94, 0x04, 0x00, 0x00]),
            tcp: TCPSegment(sourcePort: 1, destinationPort: 2, seq: SeqNumber(3), flags: .rst))
        let wire = packet.encoded()
        #expect(wire[0] == 0x46)
        #expect(Array(wire[20..<24]) == [0x94, 0x04, 0x00, 0x00])
        #expect(try TCPPacket(parsing: wire[...]) == packet)
    }

    @Test func checksumsCanBeSkipped() throws {
        var wire = linuxSyn
        wire[10] ^= 0xFF
        wire[36] ^= 0xFF
        #expect(throws: WireError.self) { try TCPPacket(parsing: wire[...]) }
        let packet = try TCPPacket(parsing: wire[...], verifyChecksums: false)
        #expect(packet.tcp.options.count == 5)
    }

    @Test func datagramCarriesAnyProtocolAndFragments() throws {
        let echo = IPv4Datagram(
            header: IPv4Header(
                source: IPv4Address(192, 0, 2, 1), destination: IPv4Address(192, 0, 2, 2),
                protocolNumber: IPv4Header.protocolICMP),
            payload: [8, 0, 0xF7, 0xFF, 0, 0, 0, 0], moreFragments: true, fragmentOffset: 1480)
        let wire = echo.encoded()
        #expect(wire.count == echo.encodedLength)
        #expect(wire[6] == 0x20)  // MF, offset 185 words = 0x00b9
        #expect(wire[7] == 0xB9)
        let parsed = try IPv4Datagram(parsing: wire[...])
        #expect(parsed == echo)
        #expect(throws: WireError.fragment(offset: 1480, moreFragments: true)) { try TCPPacket(parsing: wire[...]) }
        #expect(throws: WireError.fragment(offset: 1480, moreFragments: true)) { try TCPPacket(parsed) }
        var whole = parsed
        whole.moreFragments = false
        whole.fragmentOffset = 0
        #expect(throws: WireError.notTCP(protocol: 1)) { try TCPPacket(whole) }
    }
}
