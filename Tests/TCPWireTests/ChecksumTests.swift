import SimClock
import Testing

import TCPWire

@Suite("Internet checksum")
struct ChecksumTests {
    @Test func rfc1071ExampleSumsToDDF2() {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2; the checksum is its complement.
        let data = bytes("00 01 f2 03 f4 f5 f6 f7")
        #expect(InternetChecksum.sum(data[...]) == 0xDDF2)
        #expect(InternetChecksum.checksum(data[...]) == 0x220D)
    }

    @Test func ipv4HeaderExampleFromTheLiterature() {
        // A common worked example: 4500 0073 0000 4000 4011 [b861] c0a8 0001 c0a8 00c7.
        var header = bytes("45 00 00 73 00 00 40 00 40 11 00 00 c0 a8 00 01 c0 a8 00 c7")
        #expect(InternetChecksum.checksum(header[...]) == 0xB861)
        header[10] = 0xB8
        header[11] = 0x61
        #expect(InternetChecksum.checksum(header[...]) == 0)
    }

    @Test func emptyAndOddInputs() {
        #expect(InternetChecksum.checksum([]) == 0xFFFF)
        #expect(InternetChecksum.checksum([0x12]) == ~UInt16(0x1200))
        #expect(InternetChecksum.checksum([0x12, 0x34, 0x56]) == ~UInt16(0x1234 + 0x5600))
    }

    @Test func realSynHasTheRightChecksums() {
        let ipHeader = linuxSyn[0..<20]
        #expect(InternetChecksum.checksum(ipHeader) == 0)
        let segment = linuxSyn[20...]
        let pseudo = InternetChecksum.pseudoHeaderSum(
            source: IPv4Address(10, 0, 0, 1), destination: IPv4Address(10, 0, 0, 2), protocolNumber: 6,
            length: segment.count)
        #expect(InternetChecksum.checksum(segment, initial: pseudo) == 0)
        // With the field zeroed, the computed checksum is the one on the wire (0xc924).
        var zeroed = Array(segment)
        zeroed[16] = 0
        zeroed[17] = 0
        #expect(InternetChecksum.checksum(zeroed[...], initial: pseudo) == 0xC924)
        #expect(referenceChecksum(Array(ipHeader)) == 0)
    }

    @Test func pseudoHeaderSumAddsWords() {
        let sum = InternetChecksum.pseudoHeaderSum(
            source: IPv4Address(192, 168, 0, 1), destination: IPv4Address(192, 168, 0, 199), protocolNumber: 6,
            length: 40)
        #expect(sum == 0xC0A8 + 0x0001 + 0xC0A8 + 0x00C7 + 6 + 40)
    }

    @Test(arguments: 0..<20 as Range<UInt64>)
    func fastSumMatchesTheReferenceAtEveryLengthAndAlignment(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let buffer = (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for start in 0..<9 {
            for length in 0...(buffer.count - start) where length < 80 || length % 37 == 0 {
                let slice = buffer[start..<start + length]
                let initial = UInt32.random(in: 0...0x3_FFFF, using: &rng)
                let expected = referenceChecksum(Array(slice), initial: initial)
                #expect(
                    InternetChecksum.checksum(slice, initial: initial) == expected,
                    "seed \(seed) start \(start) length \(length)")
            }
        }
    }

    @Test func sumsChainOverEvenSplits() {
        var rng = SeededRandom(seed: 7)
        let data = (0..<101).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for split in stride(from: 0, through: 100, by: 2) {
            let chained = InternetChecksum.checksum(data[split...], initial: InternetChecksum.sum(data[..<split]))
            #expect(chained == InternetChecksum.checksum(data[...]), "split \(split)")
        }
    }

    @Test func largeInputDoesNotLoseCarries() {
        let data = [UInt8](repeating: 0xFF, count: 65535)
        #expect(InternetChecksum.checksum(data[...]) == referenceChecksum(data))
        let ones = [UInt8](repeating: 0x01, count: 65536)
        #expect(InternetChecksum.checksum(ones[...]) == referenceChecksum(ones))
    }
}
