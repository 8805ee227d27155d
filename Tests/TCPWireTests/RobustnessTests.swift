import SimClock
import TCPWire
import Testing

/// The "never traps" promise: any byte string either parses or throws a `WireError`. A trap ends the test run,
/// so reaching the end of these tests is itself the check; the expectations add what must hold on top.
@Suite("Malformed input")
struct RobustnessTests {
    /// Valid packets to cut and mutate: the Linux SYN plus seeded random packets with TCP options and payload.
    /// None has IPv4 options, so the TCP header starts at byte 20 and its data offset is byte 32.
    static func samples() -> [[UInt8]] {
        var rng = SeededRandom(seed: 2024)
        var result = [linuxSyn]
        for size in [0, 1, 7, 100, 1460] {
            var packet = Generate.packet(&rng, payloadSize: size)
            packet.ip.options = []
            if size == 0 { packet.tcp.options = [.maximumSegmentSize(1460), .noOperation, .windowScale(2)] }
            result.append(packet.encoded())
        }
        return result
    }

    /// A sample with IPv4 options, for the prefix test.
    static func sampleWithIPOptions() -> [UInt8] {
        var rng = SeededRandom(seed: 2025)
        var packet = Generate.packet(&rng, payloadSize: 33)
        packet.ip.options = [0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00]
        return packet.encoded()
    }

    /// Parses `data`; when that works, checks that the value re-encodes to something that parses to itself.
    @discardableResult
    static func parseAndCheck(_ data: ArraySlice<UInt8>, verify: Bool, _ note: String) -> WireError? {
        do {
            let packet = try TCPPacket(parsing: data, verifyChecksums: verify)
            let again = try TCPPacket(parsing: packet.encoded()[...])
            #expect(again == packet, "re-encode of an accepted packet differs: \(note)")
            return nil
        } catch {
            return error
        }
    }

    @Test func everyPrefixOfAValidPacketIsRejected() {
        for (index, sample) in (Self.samples() + [Self.sampleWithIPOptions()]).enumerated() {
            #expect((try? TCPPacket(parsing: sample[...])) != nil, "sample \(index) is valid")
            for length in 0..<sample.count {
                #expect(throws: WireError.self, "sample \(index) prefix \(length)") {
                    try TCPPacket(parsing: sample[..<length])
                }
                #expect(throws: WireError.self, "sample \(index) prefix \(length) without checksums") {
                    try TCPPacket(parsing: sample[..<length], verifyChecksums: false)
                }
            }
            for length in 0..<20 {
                #expect(throws: WireError.self) { try IPv4HeaderView(validating: sample[..<length]) }
            }
        }
    }

    @Test func everyPrefixOfATCPHeaderIsRejected() throws {
        for sample in Self.samples() {
            let segment = try IPv4HeaderView(validating: sample[...]).payload
            let headerLength = try TCPHeaderView(validating: segment).headerLength
            for length in 0..<headerLength {
                let prefix = segment.prefix(length)
                #expect(throws: WireError.self, "prefix \(length)") { try TCPHeaderView(validating: prefix) }
            }
            for length in headerLength...segment.count {
                #expect((try? TCPHeaderView(validating: segment.prefix(length))) != nil)
            }
        }
    }

    @Test(arguments: 0..<40 as Range<UInt64>)
    func randomByteFlipsNeverTrap(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        for sample in Self.samples() {
            for _ in 0..<50 {
                var mutated = sample
                for _ in 0...Int.random(in: 0...3, using: &rng) {
                    let index = Int.random(in: 0..<mutated.count, using: &rng)
                    mutated[index] = UInt8.random(in: 0...255, using: &rng)
                }
                Self.parseAndCheck(mutated[...], verify: true, "seed \(seed)")
                Self.parseAndCheck(mutated[...], verify: false, "seed \(seed)")
                // With checksums repaired, the mutation reaches the deeper checks.
                fixIPChecksum(&mutated)
                fixTCPChecksum(&mutated)
                Self.parseAndCheck(mutated[...], verify: true, "seed \(seed), checksums fixed")
            }
        }
    }

    @Test(arguments: 0..<20 as Range<UInt64>)
    func randomBytesNeverTrap(seed: UInt64) {
        var rng = SeededRandom(seed: seed &+ 500)
        for _ in 0..<200 {
            let count = Int.random(in: 0...80, using: &rng)
            var data = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if count > 0, Bool.random(using: &rng) { data[0] = 0x40 | (data[0] & 0x0F) }
            if count > 9 { data[9] = 6 }
            fixIPChecksum(&data)
            fixTCPChecksum(&data)
            Self.parseAndCheck(data[...], verify: true, "seed \(seed)")
            Self.parseAndCheck(data[...], verify: false, "seed \(seed)")
            _ = try? TCPHeaderView(validating: data[...])
        }
    }

    @Test func everyIHLValue() {
        for sample in Self.samples() {
            for ihl in UInt8(0)...15 {
                var mutated = sample
                mutated[0] = 0x40 | ihl
                fixIPChecksum(&mutated)
                let error = Self.parseAndCheck(mutated[...], verify: true, "ihl \(ihl)")
                if ihl < 5 { #expect(error == .badHeaderLength(ihl: ihl)) }
                if ihl == 5 { #expect(error == nil) }
                if ihl > 5 { #expect(error != nil) }
            }
        }
    }

    @Test func everyDataOffsetValue() {
        for sample in Self.samples() {
            let length = sample.count - 20
            for dataOffset in UInt8(0)...15 {
                var mutated = sample
                mutated[32] = dataOffset << 4 | (mutated[32] & 0x0F)
                fixTCPChecksum(&mutated)
                let error = Self.parseAndCheck(mutated[...], verify: true, "data offset \(dataOffset)")
                if dataOffset < 5 || Int(dataOffset) * 4 > length {
                    #expect(error == .badDataOffset(dataOffset, segmentLength: length))
                }
            }
        }
    }

    @Test func oddTotalLengths() {
        for sample in Self.samples() {
            for totalLength in [0, 1, 19, 20, 39, sample.count - 1, sample.count + 1, 0xFFFF] {
                var mutated = sample
                store16(UInt16(totalLength), into: &mutated, at: 2)
                fixIPChecksum(&mutated)
                fixTCPChecksum(&mutated)
                let error = Self.parseAndCheck(mutated[...], verify: true, "total length \(totalLength)")
                if totalLength < 20 || totalLength > sample.count {
                    #expect(
                        error == .badTotalLength(totalLength: totalLength, headerLength: 20, captured: sample.count))
                } else if totalLength < 40 {
                    #expect(error == .truncated(layer: "tcp header", needed: 20, have: totalLength - 20))
                }
            }
        }
    }

    @Test func oddOptionLengthsAtEveryPosition() {
        for sample in Self.samples() {
            let dataOffset = Int(sample[32] >> 4)
            for position in 40..<(20 + dataOffset * 4) {
                for value: UInt8 in [0, 1, 2, 3, 4, 10, 255] {
                    var mutated = sample
                    mutated[position] = value
                    fixTCPChecksum(&mutated)
                    Self.parseAndCheck(mutated[...], verify: true, "option byte \(position) = \(value)")
                }
            }
        }
    }

    @Test func optionLengthZeroOneAndHugeAreBadOptions() {
        for (length, reason) in [
            (0, "length 0, expected at least 2"), (1, "length 1, expected at least 2"),
            (255, "length 255, expected at most 20 (end of options)"),
        ] {
            var syn = linuxSyn
            syn[41] = UInt8(length)  // the MSS option's length byte
            fixTCPChecksum(&syn)
            #expect(throws: WireError.badOption(kind: 2, length: length, offset: 20, reason: reason)) {
                try TCPPacket(parsing: syn[...])
            }
        }
    }
}
