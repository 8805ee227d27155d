import Foundation
import SimClock
import Testing

@testable import PcapIO

@Suite("PcapFileReader errors and filters")
struct PcapReaderErrorTests {
    static let packets: [[UInt8]] = [
        TestPackets.tcp(destinationPort: 80, flags: 0x02, identification: 1),
        TestPackets.tcp(destinationPort: 443, flags: 0x02, identification: 2),
        TestPackets.tcp(destinationPort: 80, flags: 0x18, identification: 3, payload: Array("GET / HTTP/1.0\r\n\r\n".utf8)),
        TestPackets.tcp(sourcePort: 80, destinationPort: 40000, flags: 0x12, identification: 4),
        TestPackets.tcp(destinationPort: 22, flags: 0x10, identification: 5),
    ]

    static func writePackets(to path: String, linkType: PcapLinkType = .rawIPv4, frames: [[UInt8]] = packets) throws {
        let writer = try PcapFileWriter(path: path, linkType: linkType)
        for (index, frame) in frames.enumerated() {
            writer.write(frame, at: SimInstant(nanoseconds: Int64(index) * 1_000_000))
        }
        try writer.close()
    }

    @Test func aBPFFilterSelectsOnlyMatchingPackets() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/filter.pcap"
            try Self.writePackets(to: path)

            let reader = try PcapFileReader(path: path)
            try reader.setFilter("tcp dst port 80")
            #expect(try reader.readAll().map(\.data) == [Self.packets[0], Self.packets[2]])

            let syns = try PcapFileReader(path: path)
            try syns.setFilter("tcp[tcpflags] & tcp-syn != 0")
            #expect(try syns.readAll().map(\.data) == Array(Self.packets[0...1]) + [Self.packets[3]])

            let replaced = try PcapFileReader(path: path)
            try replaced.setFilter("port 22")
            try replaced.setFilter("port 443")
            #expect(try replaced.readAll().map(\.data) == [Self.packets[1]])

            let everything = try PcapFileReader(path: path)
            try everything.setFilter("")
            #expect(try everything.readAll().count == Self.packets.count)

            let none = try PcapFileReader(path: path)
            try none.setFilter("udp")
            #expect(try none.next() == nil)
        }
    }

    @Test func aBadFilterReportsLibpcapsMessage() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/filter.pcap"
            try Self.writePackets(to: path)
            let reader = try PcapFileReader(path: path)
            for expression in ["tcp port", "ether host 01:02:03:04:05:06", "port 99999999"] {
                do throws(PcapError) {
                    try reader.setFilter(expression)
                    Issue.record("filter '\(expression)' was accepted")
                } catch {
                    guard case let .badFilter(errorPath, errorExpression, message) = error else {
                        Issue.record("unexpected error \(error)")
                        continue
                    }
                    #expect(errorPath == path && errorExpression == expression)
                    #expect(!message.isEmpty)
                    #expect(error.description == "'\(path)': bad filter '\(expression)': \(message)")
                }
            }
            // A failed filter leaves the reader usable, without a filter.
            #expect(try reader.readAll().count == Self.packets.count)
        }
    }

    @Test func aMissingFileCannotBeOpened() {
        let path = "/nonexistent-dir-for-pcapio/x.pcap"
        #expect(throws: PcapError.cannotOpen(path: path, reason: "No such file or directory")) {
            try PcapFileReader(path: path)
        }
        #expect(PcapError.cannotOpen(path: "x.pcap", reason: "No such file or directory").description
            == "cannot open 'x.pcap': No such file or directory")
    }

    @Test func aDirectoryIsNotAPcapFile() throws {
        try withTemporaryDirectory { dir in
            #expect(throws: PcapError.cannotOpen(path: dir, reason: "Is a directory")) { try PcapFileReader(path: dir) }
        }
    }

    @Test func anEmptyFileIsReported() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/empty.pcap"
            try writeBytes([], to: path)
            #expect(throws: PcapError.emptyFile(path: path)) { try PcapFileReader(path: path) }
        }
    }

    @Test func garbageHasABadMagic() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/garbage.pcap"
            var generator = SeededRandom(seed: 42)
            try writeBytes([0x12, 0x34, 0x56, 0x78] + (0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) }, to: path)
            #expect(throws: PcapError.badMagic(path: path, magic: 0x1234_5678)) { try PcapFileReader(path: path) }
            #expect(PcapError.badMagic(path: "x.pcap", magic: 0x1234_5678).description
                == "'x.pcap' is not a pcap or pcapng file (bad magic 0x12345678)")
            #expect(PcapError.badMagic(path: "x.pcap", magic: 0x0a).description
                == "'x.pcap' is not a pcap or pcapng file (bad magic 0x0000000a)")

            let tiny = dir + "/tiny.pcap"
            try writeBytes([0x41, 0x42], to: tiny)
            #expect(throws: PcapError.self) { try PcapFileReader(path: tiny) }
        }
    }

    @Test func randomGarbageNeverCrashes() throws {
        try withTemporaryDirectory { dir in
            var generator = SeededRandom(seed: 7)
            for round in 0..<200 {
                // A valid header then random bytes, so libpcap has to parse random records.
                var bytes = handBuiltPcapHeader(linkType: 1)
                bytes += (0..<(round * 7 % 300)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                let path = dir + "/random\(round).pcap"
                try writeBytes(bytes, to: path)
                let reader = try PcapFileReader(path: path)
                do throws(PcapError) {
                    while let record = try reader.next() { _ = reader.ipv4Payload(of: record) }
                } catch {
                    #expect(error.description.contains(path))
                }
            }
        }
    }

    @Test func aShortHeaderIsReportedWithLibpcapsMessage() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/short.pcap"
            try writeBytes(Array(handBuiltPcapHeader(linkType: 101).prefix(10)), to: path)
            #expect {
                try PcapFileReader(path: path)
            } throws: { error in
                guard let error = error as? PcapError, case let .badHeader(errorPath, message) = error else { return false }
                return errorPath == path && !message.isEmpty
            }
        }
    }

    @Test func aFileCutInsideARecordReportsTheRecordOffset() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/whole.pcap"
            try Self.writePackets(to: path)
            let bytes = try readBytes(path)
            let thirdRecord = 24 + 16 + Self.packets[0].count + 16 + Self.packets[1].count
            for cut in [thirdRecord + 16 + 5, thirdRecord + 8] {
                let truncated = dir + "/cut\(cut).pcap"
                try writeBytes(Array(bytes.prefix(cut)), to: truncated)
                let reader = try PcapFileReader(path: truncated)
                #expect(try reader.next()?.data == Self.packets[0])
                #expect(try reader.next()?.data == Self.packets[1])
                let expected = PcapError.truncatedRecord(path: truncated, offset: Int64(thirdRecord))
                #expect(throws: expected) { try reader.next() }
                #expect(throws: expected) { try reader.next() }  // the error sticks
                #expect(expected.description == "'\(truncated)': truncated record at offset \(thirdRecord)")
            }
            // A cut exactly between records is a clean end of file.
            let clean = dir + "/clean.pcap"
            try writeBytes(Array(bytes.prefix(thirdRecord)), to: clean)
            #expect(try PcapFileReader(path: clean).readAll().count == 2)
        }
    }

    @Test func anImpossibleCaptureLengthIsACorruptRecord() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/whole.pcap"
            try Self.writePackets(to: path)
            var bytes = try readBytes(path)
            let secondRecord = 24 + 16 + Self.packets[0].count
            for index in 8..<12 { bytes[secondRecord + index] = 0x7f }  // caplen 0x7f7f7f7f
            let corrupt = dir + "/corrupt.pcap"
            try writeBytes(bytes, to: corrupt)
            let reader = try PcapFileReader(path: corrupt)
            #expect(try reader.next()?.data == Self.packets[0])
            #expect {
                try reader.next()
            } throws: { error in
                guard let error = error as? PcapError,
                    case let .corruptRecord(errorPath, offset, message) = error
                else { return false }
                return errorPath == corrupt && offset == Int64(secondRecord) && !message.isEmpty
            }
        }
    }

    @Test func anUnsupportedLinkTypeIsRejectedAtOpen() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/user0.pcap"
            try writeBytes(handBuiltPcapHeader(linkType: 147), to: path)
            #expect(throws: PcapError.unsupportedLinkType(path: path, linkType: 147)) { try PcapFileReader(path: path) }
            #expect(PcapError.unsupportedLinkType(path: "x.pcap", linkType: 147).description
                == "'x.pcap': unsupported link type 147 (expected Ethernet, raw IPv4, Linux SLL/SLL2 or loopback)")
        }
    }
}

