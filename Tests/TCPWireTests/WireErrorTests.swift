import TCPWire
import Testing

/// Each error is produced from real bytes, compared exactly, and its message checked: one line, lowercase
/// start, no trailing period, and both the expected and the found value named.
@Suite("Wire errors")
struct WireErrorTests {
    static func checkMessage(
        _ error: WireError, mentions fragments: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let text = error.description
        #expect(!text.contains("\n"), "one line: \(text)", sourceLocation: sourceLocation)
        #expect(text.first?.isLowercase == true, "lowercase start: \(text)", sourceLocation: sourceLocation)
        #expect(text.last != ".", "no trailing period: \(text)", sourceLocation: sourceLocation)
        #expect(text.contains("expected") || text.contains("need"), "\(text)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(text.contains(fragment), "'\(text)' mentions '\(fragment)'", sourceLocation: sourceLocation)
        }
    }

    /// Parses and returns the error (or records a failure when parsing succeeds).
    static func parseError(_ data: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> WireError? {
        do {
            _ = try TCPPacket(parsing: data[...])
            Issue.record("expected a WireError", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    @Test func truncated() {
        let error = WireError.truncated(layer: "tcp header", needed: 20, have: 13)
        #expect(throws: error) { try TCPHeaderView(validating: linuxSyn[20..<33]) }
        #expect(error.description == "tcp header truncated: need 20 bytes, have 13")
        Self.checkMessage(error, mentions: ["20", "13"])
        #expect(throws: WireError.truncated(layer: "ipv4 header", needed: 20, have: 3)) {
            try TCPPacket(parsing: linuxSyn[..<3])
        }
    }

    @Test func notIPv4() {
        var data = linuxSyn
        data[0] = 0x65
        let error = Self.parseError(data)
        #expect(error == .notIPv4(version: 6))
        if let error { Self.checkMessage(error, mentions: ["version 4", "version 6"]) }
    }

    @Test func badHeaderLength() {
        var data = linuxSyn
        data[0] = 0x44
        let error = Self.parseError(data)
        #expect(error == .badHeaderLength(ihl: 4))
        if let error { Self.checkMessage(error, mentions: ["5", "found 4"]) }
    }

    @Test func headerLongerThanPacket() {
        var data = Array(linuxSyn[..<40])
        data[0] = 0x4F
        let error = Self.parseError(data)
        #expect(error == .headerLongerThanPacket(headerLength: 60, captured: 40))
        if let error { Self.checkMessage(error, mentions: ["60 bytes", "have 40"]) }
    }

    @Test func badTotalLength() {
        var data = linuxSyn
        store16(10, into: &data, at: 2)
        let error = Self.parseError(data)
        #expect(error == .badTotalLength(totalLength: 10, headerLength: 20, captured: 60))
        if let error { Self.checkMessage(error, mentions: ["expected 20...60", "found 10"]) }
        store16(61, into: &data, at: 2)
        #expect(Self.parseError(data) == .badTotalLength(totalLength: 61, headerLength: 20, captured: 60))
    }

    @Test func badIPChecksum() {
        var data = linuxSyn
        store16(0x1234, into: &data, at: 10)
        let error = Self.parseError(data)
        #expect(error == .badIPChecksum(found: 0x1234, expected: 0x0A74))
        if let error { Self.checkMessage(error, mentions: ["expected 0x0a74", "found 0x1234"]) }
        #expect(
            throws: WireError.badIPChecksum(found: 0x1234, expected: 0x0A74),
            performing: { try IPv4Datagram(parsing: data[...]) })
        #expect((try? IPv4Datagram(parsing: data[...], verifyChecksum: false)) != nil)
    }

    @Test func notTCP() {
        var data = linuxSyn
        data[9] = 17
        fixIPChecksum(&data)
        let error = Self.parseError(data)
        #expect(error == .notTCP(protocol: 17))
        if let error { Self.checkMessage(error, mentions: ["protocol 6", "protocol 17"]) }
    }

    @Test func fragment() {
        var data = linuxSyn
        store16(0x2000 | 185, into: &data, at: 6)  // MF, offset 1480 bytes
        fixIPChecksum(&data)
        let error = Self.parseError(data)
        #expect(error == .fragment(offset: 1480, moreFragments: true))
        if let error { Self.checkMessage(error, mentions: ["offset 0", "offset 1480", "more-fragments set"]) }
        store16(0x0000 | 185, into: &data, at: 6)  // last fragment: MF clear, offset non-zero
        fixIPChecksum(&data)
        #expect(Self.parseError(data) == .fragment(offset: 1480, moreFragments: false))
        store16(0x2000, into: &data, at: 6)  // first fragment: MF set, offset zero
        fixIPChecksum(&data)
        #expect(Self.parseError(data) == .fragment(offset: 0, moreFragments: true))
    }

    @Test func badDataOffsetBelowFive() {
        var data = linuxSyn
        data[32] = 0x40
        fixTCPChecksum(&data)
        let error = Self.parseError(data)
        #expect(error == .badDataOffset(4, segmentLength: 40))
        if let error { Self.checkMessage(error, mentions: ["5...15", "found 4"]) }
    }

    @Test func badDataOffsetBeyondSegment() {
        var data = linuxSyn
        data[32] = 0xF0
        fixTCPChecksum(&data)
        let error = Self.parseError(data)
        #expect(error == .badDataOffset(15, segmentLength: 40))
        if let error { Self.checkMessage(error, mentions: ["at most 10 words", "40-byte", "found 15"]) }
    }

    @Test func badTCPChecksum() {
        var data = linuxSyn
        store16(0xBEEF, into: &data, at: 36)
        let error = Self.parseError(data)
        #expect(error == .badTCPChecksum(found: 0xBEEF, expected: 0xC924))
        if let error { Self.checkMessage(error, mentions: ["expected 0xc924", "found 0xbeef"]) }
    }

    /// The Linux SYN with its options area replaced (20 bytes, offsets 20..<40 of the TCP header).
    static func synWithOptions(_ options: String) -> [UInt8] {
        var data = Array(linuxSyn[..<40]) + bytes(options)
        fixTCPChecksum(&data)
        return data
    }

    @Test(arguments: [
        // MSS with length 3: the message names the option, offset, found and expected lengths.
        ("01 01 02 03 05 b4 01 01 01 01 01 01 01 01 01 01 01 01 01 01", 2, 3, 22, "length 3, expected 4"),
        ("03 04 07 00 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01", 3, 4, 20, "length 4, expected 3"),
        ("04 03 00 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01", 4, 3, 20, "length 3, expected 2"),
        ("08 08 00 00 00 01 00 00 01 01 01 01 01 01 01 01 01 01 01 01", 8, 8, 20, "length 8, expected 10"),
        ("01 05 0b 00 00 00 01 00 00 00 02 00 01 01 01 01 01 01 01 01", 5, 11, 21,
         "length 11, expected 2 + 8n (2, 10, 18, 26 or 34)"),
        ("02 00 05 b4 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01", 2, 0, 20, "length 0, expected at least 2"),
        ("01 01 01 1e 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01", 30, 1, 23, "length 1, expected at least 2"),
        ("01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 08 0a 00 00", 8, 10, 36,
         "length 10, expected at most 4 (end of options)"),
        ("01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 02", 2, 1, 39,
         "expected a length byte, found end of options"),
    ] as [(String, UInt8, Int, Int, String)])
    func badOption(options: String, kind: UInt8, length: Int, offset: Int, reason: String) {
        let error = Self.parseError(Self.synWithOptions(options))
        #expect(error == .badOption(kind: kind, length: length, offset: offset, reason: reason))
        if let error { Self.checkMessage(error, mentions: ["tcp option \(kind) at offset \(offset): \(reason)"]) }
    }

    @Test func mssWithLengthThreeMessage() {
        let error = Self.parseError(Self.synWithOptions("01 01 02 03 05 b4 01 01 01 01 01 01 01 01 01 01 01 01 01 01"))
        #expect(error?.description == "tcp option 2 at offset 22: length 3, expected 4")
    }
}
