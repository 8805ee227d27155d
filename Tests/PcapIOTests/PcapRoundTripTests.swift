import Devices
import Foundation
import SimClock
import Testing

@testable import PcapIO

@Suite("PcapFileWriter and PcapFileReader round trips")
struct PcapRoundTripTests {
    static let epoch: Int64 = 1_700_000_000

    /// Five TCP packets and the virtual instants they are recorded at (including rounding edge cases).
    static let packets: [(SimInstant, [UInt8])] = [
        (.zero, TestPackets.tcp(flags: 0x02, identification: 1)),
        (SimInstant(nanoseconds: 1_499), TestPackets.tcp(
            source: [192, 0, 2, 2], destination: [192, 0, 2, 1], sourcePort: 80, destinationPort: 40000,
            sequence: 5000, acknowledgment: 1001, flags: 0x12, identification: 2)),
        (SimInstant(nanoseconds: 1_500), TestPackets.tcp(sequence: 1001, acknowledgment: 5001, flags: 0x10, identification: 3)),
        (SimInstant(nanoseconds: 999_999_600), TestPackets.tcp(
            sequence: 1001, acknowledgment: 5001, flags: 0x18, identification: 4, payload: Array("hello, pcap\n".utf8))),
        (SimInstant(nanoseconds: 12_004_311_000), TestPackets.tcp(
            sequence: 1013, acknowledgment: 5001, flags: 0x11, identification: 5, payload: [UInt8](repeating: 0xab, count: 1000))),
    ]

    /// (seconds, microseconds) each packet must carry in the file.
    static let expectedTimes: [(Int64, Int32)] = [
        (epoch, 0), (epoch, 1), (epoch, 2), (epoch + 1, 0), (epoch + 12, 4_311),
    ]

    static func writeSample(to path: String) throws {
        let writer = try PcapFileWriter(path: path, epochSeconds: epoch)
        for (time, packet) in packets { writer.write(packet, at: time) }
        try writer.close()
    }

    @Test func rawIPv4PacketsAndTimestampsSurviveARoundTrip() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/sample.pcap"
            try Self.writeSample(to: path)

            let reader = try PcapFileReader(path: path)
            #expect(reader.linkType == .rawIPv4)
            #expect(reader.snapLength == 65535)
            let records = try reader.readAll()
            #expect(records.count == Self.packets.count)
            for (index, record) in records.enumerated() where index < Self.packets.count {
                let packet = Self.packets[index].1
                #expect(record.data == packet)
                #expect(record.capturedLength == packet.count)
                #expect(record.originalLength == packet.count)
                #expect(record.timestamp.seconds == Self.expectedTimes[index].0)
                #expect(record.timestamp.microseconds == Self.expectedTimes[index].1)
                #expect(record.timestamp.nanoseconds == Self.expectedTimes[index].1 * 1_000)
                #expect(reader.ipv4Payload(of: record).map(Array.init) == packet)
            }
            #expect(records.first?.timestamp.simInstant(epochSeconds: Self.epoch) == .zero)
            #expect(records.last?.timestamp.simInstant(epochSeconds: Self.epoch) == SimInstant(nanoseconds: 12_004_311_000))
            #expect(records.last?.timestamp.description == "1700000012.004311")
            #expect(try reader.next() == nil)
            #expect(try reader.next() == nil)
        }
    }

    @Test func rawIPv4FilesStoreLinkType101() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/raw.pcap"
            try Self.writeSample(to: path)
            let bytes = try readBytes(path)
            #expect(bytes.count > 24)
            let littleEndian = bytes.prefix(4) == [0xd4, 0xc3, 0xb2, 0xa1]
            #expect(littleEndian || bytes.prefix(4) == [0xa1, 0xb2, 0xc3, 0xd4])
            let field = Array(bytes[20..<24])
            let linkType = (littleEndian ? field.reversed() : field).reduce(0) { $0 << 8 | UInt32($1) }
            #expect(linkType == 101)
            #if os(Linux)
            #expect(PcapLinkType.rawIPv4.dlt == 12)  // DLT_RAW on Linux; libpcap maps it to LINKTYPE_RAW 101
            #expect(PcapLinkType(dlt: 12) == .rawIPv4)
            #endif
        }
    }

    @Test func writingTheSamePacketsTwiceGivesIdenticalFiles() throws {
        try withTemporaryDirectory { dir in
            try Self.writeSample(to: dir + "/a.pcap")
            try Self.writeSample(to: dir + "/b.pcap")
            let a = try readBytes(dir + "/a.pcap")
            #expect(a.count == 24 + Self.packets.reduce(0) { $0 + 16 + $1.1.count })
            #expect(a == (try readBytes(dir + "/b.pcap")))
        }
    }

    @Test func packetsLongerThanTheSnapLengthAreCut() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/snap.pcap"
            let packet = TestPackets.tcp(payload: [UInt8](repeating: 7, count: 100))
            let writer = try PcapFileWriter(path: path, snapLength: 60)
            writer.write(packet, at: .zero)
            writer.write([], at: .zero)
            try writer.close()
            let reader = try PcapFileReader(path: path)
            #expect(reader.snapLength == 60)
            let record = try #require(try reader.next())
            #expect(record.capturedLength == 60)
            #expect(record.originalLength == 140)
            #expect(record.data == Array(packet.prefix(60)))
            let empty = try #require(try reader.next())
            #expect(empty.data.isEmpty && empty.originalLength == 0)
            #expect(reader.ipv4Payload(of: empty) == nil)
        }
    }

    @Test func theWriterIsAPacketSinkAndClosesOnDeinit() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/sink.pcap"
            do {
                let sink: any PacketSink = try PcapFileWriter(path: path, epochSeconds: 10)
                sink.record(TestPackets.tcp(), at: SimInstant(nanoseconds: 2_000_000_000))
            }  // deinit flushes and closes
            let records = try PcapFileReader(path: path).readAll()
            #expect(records.map(\.timestamp) == [PcapTimestamp(seconds: 12, nanoseconds: 0)])
        }
    }

    @Test func closeIsIdempotentAndLaterWritesAreIgnored() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/closed.pcap"
            let writer = try PcapFileWriter(path: path)
            writer.write(TestPackets.tcp(), at: .zero)
            try writer.flush()
            try writer.close()
            try writer.close()
            writer.write(TestPackets.tcp(), at: .zero)
            try writer.flush()
            #expect(writer.packetCount == 1)
            #expect(try PcapFileReader(path: path).readAll().count == 1)
        }
    }

    @Test func writerErrorsNameTheFile() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/missing-dir/x.pcap"
            #expect(throws: PcapError.cannotCreate(path: path, reason: "No such file or directory")) {
                try PcapFileWriter(path: path)
            }
            #expect(PcapError.cannotCreate(path: path, reason: "No such file or directory").description
                == "cannot create '\(path)': No such file or directory")
            #expect(throws: PcapError.invalidSnapLength(path: "x.pcap", snapLength: 0)) {
                try PcapFileWriter(path: "x.pcap", snapLength: 0)
            }
            #expect(throws: PcapError.invalidSnapLength(path: "x.pcap", snapLength: 300_000)) {
                try PcapFileWriter(path: "x.pcap", snapLength: 300_000)
            }
        }
    }

    @Test func timestampsRoundToTheNearestMicrosecondWithHalvesUp() {
        func split(_ nanoseconds: Int64, epoch: Int64 = 100) -> (Int64, Int64) {
            let result = PcapFileWriter.split(SimInstant(nanoseconds: nanoseconds), epochSeconds: epoch)
            return (result.seconds, result.microseconds)
        }
        #expect(split(0) == (100, 0))
        #expect(split(499) == (100, 0))
        #expect(split(500) == (100, 1))
        #expect(split(1_000_000_499) == (101, 0))
        #expect(split(999_999_500) == (101, 0))
        #expect(split(-500) == (100, 0))
        #expect(split(-501) == (99, 999_999))
        #expect(split(SimInstant.distantFuture.nanoseconds, epoch: 0).0 == SimInstant.distantFuture.nanoseconds / 1_000_000_000)
    }

    @Test func nanosecondPcapFilesKeepTheirPrecision() throws {
        try withTemporaryDirectory { dir in
            // Hand-built: nanosecond magic, one 20-byte record at 5.123456789 s (tests only; production uses libpcap).
            func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * UInt32($0))) & 0xff) } }
            let packet = Array(TestPackets.tcp().prefix(20))
            var bytes = le32(0xa1b2_3c4d) + [2, 0, 4, 0] + le32(0) + le32(0) + le32(65535) + le32(101)
            bytes += le32(5) + le32(123_456_789) + le32(20) + le32(40) + packet
            let path = dir + "/nano.pcap"
            try writeBytes(bytes, to: path)
            let record = try #require(try PcapFileReader(path: path).next())
            #expect(record.timestamp == PcapTimestamp(seconds: 5, nanoseconds: 123_456_789))
            #expect(record.timestamp.description == "5.123456789")
            #expect(record.timestamp.simInstant() == SimInstant(nanoseconds: 5_123_456_789))
            #expect(record.originalLength == 40 && record.data == packet)
        }
    }
}
