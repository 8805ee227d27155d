// Test helpers: hand-built IPv4/TCP packets with correct checksums, link-layer framing, temp files.
// Deliberately independent of TCPWire so PcapIO's tests check bytes against an independent encoder.
import Foundation

enum TestPackets {
    /// The Internet checksum (RFC 1071) of `bytes`.
    static func internetChecksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }
    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }

    /// A complete IPv4 datagram carrying a TCP segment (20-byte headers, no options), checksums filled in.
    static func tcp(
        source: [UInt8] = [192, 0, 2, 1], destination: [UInt8] = [192, 0, 2, 2],
        sourcePort: UInt16 = 40000, destinationPort: UInt16 = 80,
        sequence: UInt32 = 1000, acknowledgment: UInt32 = 0, flags: UInt8 = 0x02,
        window: UInt16 = 65535, identification: UInt16 = 1, payload: [UInt8] = []
    ) -> [UInt8] {
        var segment = be16(sourcePort) + be16(destinationPort) + be32(sequence) + be32(acknowledgment)
        segment += [0x50, flags] + be16(window) + [0, 0] + [0, 0]  // offset 5, checksum, urgent pointer
        segment += payload
        let pseudoHeader = source + destination + [0, 6] + be16(UInt16(segment.count))
        let tcpChecksum = internetChecksum(pseudoHeader + segment)
        segment[16] = UInt8(tcpChecksum >> 8)
        segment[17] = UInt8(tcpChecksum & 0xff)

        var ip: [UInt8] = [0x45, 0] + be16(UInt16(20 + segment.count)) + be16(identification) + [0x40, 0]
        ip += [64, 6, 0, 0] + source + destination
        let ipChecksum = internetChecksum(ip)
        ip[10] = UInt8(ipChecksum >> 8)
        ip[11] = UInt8(ipChecksum & 0xff)
        return ip + segment
    }

    static let macA: [UInt8] = [0x02, 0, 0, 0, 0, 0x01]
    static let macB: [UInt8] = [0x02, 0, 0, 0, 0, 0x02]

    /// An Ethernet II frame; each entry of `vlans` adds an 802.1Q tag (TPID 0x8100) with that VLAN id.
    static func ethernet(_ payload: [UInt8], etherType: UInt16 = 0x0800, vlans: [UInt16] = []) -> [UInt8] {
        var frame = macB + macA
        for vlan in vlans { frame += be16(0x8100) + be16(vlan) }
        return frame + be16(etherType) + payload
    }

    /// An ARP request "who has 192.0.2.2? tell 192.0.2.1" in an Ethernet frame.
    static func arpFrame() -> [UInt8] {
        let arp: [UInt8] = be16(1) + be16(0x0800) + [6, 4] + be16(1) + macA + [192, 0, 2, 1]
            + [0, 0, 0, 0, 0, 0] + [192, 0, 2, 2]
        return [0xff, 0xff, 0xff, 0xff, 0xff, 0xff] + macA + be16(0x0806) + arp
    }

    /// A Linux SLL (v1) frame: packet type, ARPHRD_ETHER, address length 6, address padded to 8, protocol.
    static func linuxSLL(_ payload: [UInt8], protocolType: UInt16 = 0x0800) -> [UInt8] {
        be16(0) + be16(1) + be16(6) + macA + [0, 0] + be16(protocolType) + payload
    }

    /// A Linux SLL2 frame: protocol, reserved, interface index, ARPHRD_ETHER, packet type, address length, address.
    static func linuxSLL2(_ payload: [UInt8], protocolType: UInt16 = 0x0800) -> [UInt8] {
        be16(protocolType) + [0, 0] + be32(2) + be16(1) + [0, 6] + macA + [0, 0] + payload
    }
}

/// A fresh directory under the system temp dir, removed after `body`.
@discardableResult
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("pcapio-tests-" + UUID().uuidString, isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
}

func readBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

func writeBytes(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// A classic little-endian microsecond pcap file header (for hand-built damaged files in tests only).
func handBuiltPcapHeader(linkType: UInt32, snapLength: UInt32 = 65535) -> [UInt8] {
    func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * UInt32($0))) & 0xff) } }
    return le32(0xa1b2_c3d4) + [2, 0, 4, 0] + le32(0) + le32(0) + le32(snapLength) + le32(linkType)
}

/// The package root (the directory holding Package.swift), following symlinks to the real checkout.
func packageRoot(filePath: String = #filePath) -> URL {
    URL(fileURLWithPath: filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent()  // PcapIOTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
}

/// Runs `executable` with `arguments`; returns its exit status and standard output (stderr discarded).
func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
