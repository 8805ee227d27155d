import Foundation
import SimClock
import Testing

@testable import PcapIO

/// A capture of the real FreeRTOS+TCP stack kept in the repository (`pcaps/`).
private let s1BasicPath: String? = {
    let path = packageRoot().appendingPathComponent("pcaps/S1-basic.pcap").path
    return FileManager.default.fileExists(atPath: path) ? path : nil
}()

private let tsharkPath = "/usr/bin/tshark"
private let editcapPath = "/usr/bin/editcap"
private let hasTshark = FileManager.default.isExecutableFile(atPath: tsharkPath)
private let hasEditcap = FileManager.default.isExecutableFile(atPath: editcapPath)

@Suite("Real captures and Wireshark's tools")
struct ExternalCaptureTests {
    @Test func theS1BasicCaptureReads() throws {
        let path = try #require(s1BasicPath)
        let reader = try PcapFileReader(path: path)
        #expect(reader.linkType == .ethernet)
        let records = try reader.readAll()
        #expect(records.count >= 10)
        var ipv4Count = 0
        for record in records {
            #expect(record.capturedLength == record.data.count)
            let etherType = record.data.count >= 14 ? UInt16(record.data[12]) << 8 | UInt16(record.data[13]) : 0
            guard let ip = reader.ipv4Payload(of: record) else {
                #expect(etherType != 0x0800)
                continue
            }
            ipv4Count += 1
            #expect(etherType == 0x0800 || etherType == 0x8100)
            #expect(ip.first.map { $0 >> 4 } == 4)
            let totalLength = Int(ip[ip.startIndex + 2]) << 8 | Int(ip[ip.startIndex + 3])
            #expect(totalLength == ip.count)
        }
        #expect(ipv4Count >= 8)
        #expect(zip(records, records.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp })

        let tcpOnly = try PcapFileReader(path: path)
        try tcpOnly.setFilter("tcp")
        #expect(try tcpOnly.readAll().count == ipv4Count)  // the capture's IPv4 is all TCP
    }

    @Test(.enabled(if: hasTshark, "tshark is not installed"))
    func tsharkFindsNoMalformedPacketsOrBadChecksums() throws {
        try withTemporaryDirectory { dir in
            let raw = dir + "/raw.pcap"
            let packets = [
                TestPackets.tcp(flags: 0x02),
                TestPackets.tcp(source: [192, 0, 2, 2], destination: [192, 0, 2, 1], sourcePort: 80,
                                destinationPort: 40000, sequence: 9, acknowledgment: 1001, flags: 0x12),
                TestPackets.tcp(sequence: 1001, acknowledgment: 10, flags: 0x18, payload: Array("odd".utf8)),
                TestPackets.tcp(sequence: 1004, acknowledgment: 10, flags: 0x10, payload: [UInt8](repeating: 1, count: 1460)),
            ]
            let writer = try PcapFileWriter(path: raw, epochSeconds: 1_700_000_000)
            for (index, packet) in packets.enumerated() { writer.write(packet, at: SimInstant(nanoseconds: Int64(index) * 1_000_000)) }
            try writer.close()

            let ethernet = dir + "/ethernet.pcap"
            let frames = [
                TestPackets.arpFrame(), TestPackets.ethernet(packets[0]),
                TestPackets.ethernet(packets[1], vlans: [42]),
            ]
            let ethernetWriter = try PcapFileWriter(path: ethernet, linkType: .ethernet)
            for frame in frames { ethernetWriter.write(frame, at: .zero) }
            try ethernetWriter.close()

            for (path, count) in [(raw, packets.count), (ethernet, frames.count)] {
                let result = try run(tsharkPath, [
                    "-n", "-r", path, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                    "-T", "fields", "-e", "frame.number", "-e", "ip.checksum.status", "-e", "tcp.checksum.status",
                    "-e", "_ws.malformed",
                ])
                #expect(result.status == 0)
                let lines = result.output.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
                #expect(lines.count == count, "\(path)")
                for fields in lines {
                    #expect(fields.count == 4 && fields[3].isEmpty, "malformed: \(fields)")
                    if fields.count == 4, !fields[1].isEmpty {  // IPv4 frames: checksum status 1 means good
                        #expect(fields[1] == "1" && fields[2] == "1", "bad checksum: \(fields)")
                    }
                }
            }
            let times = try run(tsharkPath, ["-r", raw, "-T", "fields", "-e", "frame.time_epoch"])
            #expect(times.output.split(separator: "\n").first?.hasPrefix("1700000000.000000") == true)
        }
    }

    @Test(.enabled(if: hasEditcap, "editcap is not installed"))
    func pcapngFilesReadLikePcapFiles() throws {
        try withTemporaryDirectory { dir in
            let pcap = dir + "/in.pcap"
            let packets = (0..<4).map { TestPackets.tcp(identification: UInt16($0), payload: [UInt8](repeating: UInt8($0), count: $0 * 10)) }
            let writer = try PcapFileWriter(path: pcap, epochSeconds: 1_000)
            for (index, packet) in packets.enumerated() { writer.write(packet, at: SimInstant(nanoseconds: Int64(index) * 1_234_567_000)) }
            try writer.close()

            let pcapng = dir + "/out.pcapng"
            #expect(try run(editcapPath, ["-F", "pcapng", pcap, pcapng]).status == 0)
            let reader = try PcapFileReader(path: pcapng)
            #expect(reader.linkType == .rawIPv4)
            let records = try reader.readAll()
            #expect(records.map(\.data) == packets)
            #expect(records.map(\.timestamp) == (try PcapFileReader(path: pcap).readAll().map(\.timestamp)))
            #expect(records.last?.timestamp.simInstant(epochSeconds: 1_000) == SimInstant(nanoseconds: 3 * 1_234_567_000))

            let bytes = try readBytes(pcapng)
            let cut = dir + "/cut.pcapng"
            try writeBytes(Array(bytes.dropLast(10)), to: cut)
            let truncated = try PcapFileReader(path: cut)
            #expect(try truncated.next()?.data == packets[0])
            #expect {
                try truncated.readAll()
            } throws: { error in
                guard let error = error as? PcapError, case let .truncatedRecord(path, offset) = error else { return false }
                return path == cut && offset > 0 && offset < Int64(bytes.count)
            }
        }
    }
}
