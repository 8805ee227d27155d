import Foundation
import SimClock
import Testing

@testable import PcapIO

@Suite("Link layers and ipv4Payload")
struct LinkLayerTests {
    static let ip1 = TestPackets.tcp(identification: 1, payload: Array("one".utf8))
    static let ip2 = TestPackets.tcp(identification: 2, payload: Array("two".utf8))
    static let ip3 = TestPackets.tcp(identification: 3, payload: Array("three".utf8))
    static let small = TestPackets.tcp(flags: 0x10, identification: 4)  // 40 bytes: padded in Ethernet

    @Test func ethernetFramesIncludingVLANTagsAndARP() throws {
        try withTemporaryDirectory { dir in
            let padded = TestPackets.ethernet(Self.small) + [UInt8](repeating: 0, count: 6)  // 54 -> 60 bytes
            let frames: [[UInt8]] = [
                TestPackets.ethernet(Self.ip1),
                TestPackets.ethernet(Self.ip2, vlans: [100]),
                TestPackets.ethernet(Self.ip3, vlans: [100, 200]),
                TestPackets.arpFrame(),
                padded,
                TestPackets.ethernet([0x60] + [UInt8](repeating: 0, count: 39), etherType: 0x86dd),
                TestPackets.ethernet([], vlans: [7]),
                Array(TestPackets.ethernet(Self.ip1).prefix(13)),
            ]
            let path = dir + "/ethernet.pcap"
            let writer = try PcapFileWriter(path: path, linkType: .ethernet)
            for (index, frame) in frames.enumerated() { writer.write(frame, at: SimInstant(nanoseconds: Int64(index) * 1_000)) }
            try writer.close()

            let reader = try PcapFileReader(path: path)
            #expect(reader.linkType == .ethernet)
            let records = try reader.readAll()
            #expect(records.map(\.data) == frames)
            let payloads = records.map { reader.ipv4Payload(of: $0).map(Array.init) }
            #expect(payloads == [Self.ip1, Self.ip2, Self.ip3, nil, Self.small, nil, nil, nil])

            // BPF sees the same structure: "ip" skips ARP and IPv6, "vlan" matches tagged frames.
            let ipOnly = try PcapFileReader(path: path)
            try ipOnly.setFilter("ip")
            #expect(try ipOnly.readAll().count == 2)  // untagged IPv4 only: BPF "ip" does not look inside VLANs
            let arpOnly = try PcapFileReader(path: path)
            try arpOnly.setFilter("arp")
            #expect(try arpOnly.readAll().map(\.data) == [TestPackets.arpFrame()])
        }
    }

    @Test func otherLinkTypesRoundTripAndStrip() throws {
        let ip = Self.ip1
        let cases: [(PcapLinkType, [UInt8])] = [
            (.rawIPv4, ip),
            (.ipv4, ip),
            (.null, [2, 0, 0, 0] + ip),
            (.null, [0, 0, 0, 2] + ip),
            (.loop, [0, 0, 0, 2] + ip),
            (.linuxSLL, TestPackets.linuxSLL(ip)),
            (.linuxSLL, TestPackets.linuxSLL(ip + [0, 0, 0, 0])),  // trailing padding is dropped
            (.linuxSLL2, TestPackets.linuxSLL2(ip)),
        ]
        try withTemporaryDirectory { dir in
            for (index, (linkType, frame)) in cases.enumerated() {
                let path = dir + "/link\(index).pcap"
                let writer = try PcapFileWriter(path: path, linkType: linkType)
                writer.write(frame, at: .zero)
                try writer.close()
                let reader = try PcapFileReader(path: path)
                #expect(reader.linkType == linkType)
                let record = try #require(try reader.next())
                #expect(record.data == frame)
                #expect(reader.ipv4Payload(of: record).map(Array.init) == ip, "\(linkType)")
            }
        }
    }

    @Test func framesThatCarryNoIPv4GiveNil() {
        let ipv6 = [0x60] + [UInt8](repeating: 0, count: 39)
        #expect(PcapLinkType.rawIPv4.ipv4Packet(in: ipv6) == nil)
        #expect(PcapLinkType.rawIPv4.ipv4Packet(in: []) == nil)
        #expect(PcapLinkType.ipv4.ipv4Packet(in: [0x00, 1, 2]) == nil)
        #expect(PcapLinkType.null.ipv4Packet(in: [24, 0, 0, 0] + ipv6) == nil)  // AF_INET6 on BSD
        #expect(PcapLinkType.null.ipv4Packet(in: [2, 0, 0]) == nil)
        #expect(PcapLinkType.loop.ipv4Packet(in: [2, 0, 0, 0] + Self.ip1) == nil)  // LOOP is big-endian
        #expect(PcapLinkType.linuxSLL.ipv4Packet(in: TestPackets.linuxSLL([0, 1, 2], protocolType: 0x0806)) == nil)
        #expect(PcapLinkType.linuxSLL.ipv4Packet(in: Array(TestPackets.linuxSLL(Self.ip1).prefix(15))) == nil)
        #expect(PcapLinkType.linuxSLL2.ipv4Packet(in: TestPackets.linuxSLL2(ipv6, protocolType: 0x86dd)) == nil)
        #expect(PcapLinkType.linuxSLL2.ipv4Packet(in: [0x08, 0x00, 0, 0]) == nil)
        #expect(PcapLinkType.ethernet.ipv4Packet(in: TestPackets.ethernet([0x45])).map(Array.init) == [0x45])
        #expect(PcapLinkType.ethernet.ipv4Packet(in: TestPackets.ethernet([0x55, 0, 0, 20])) == nil)
        // Works on slices that do not start at index 0.
        let framed = [0xee, 0xee] + TestPackets.ethernet(Self.ip2, vlans: [5])
        #expect(PcapLinkType.ethernet.ipv4Packet(in: framed.dropFirst(2)).map(Array.init) == Self.ip2)
    }

    @Test func dltValuesMapBothWays() {
        for linkType in PcapLinkType.allCases {
            #expect(PcapLinkType(dlt: linkType.dlt) == linkType)
        }
        #expect(PcapLinkType(dlt: 147) == nil)
        #expect(PcapLinkType(dlt: 101) == nil)  // 101 is a file value; libpcap's API says DLT_RAW
    }
}
