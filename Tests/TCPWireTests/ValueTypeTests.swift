import TCPWire
import Testing

@Suite("SeqNumber serial arithmetic")
struct SeqNumberTests {
    @Test func additionWraps() {
        #expect(SeqNumber(UInt32.max) + 1 == SeqNumber(0))
        #expect(SeqNumber(UInt32.max - 9) + 20 == SeqNumber(10))
        #expect(SeqNumber(5) - 10 == SeqNumber(UInt32.max - 4))
        #expect(SeqNumber(5) + (-10) == SeqNumber(UInt32.max - 4))
        var seq = SeqNumber(UInt32.max)
        seq += 2
        #expect(seq == SeqNumber(1))
    }

    @Test func distanceIsSignedAcrossTheWrap() {
        #expect(SeqNumber(10) - SeqNumber(UInt32.max - 9) == 20)
        #expect(SeqNumber(UInt32.max - 9) - SeqNumber(10) == -20)
        #expect(SeqNumber(1000) - SeqNumber(1000) == 0)
        #expect(SeqNumber(0x8000_0000) - SeqNumber(0) == Int(Int32.min))
    }

    @Test func comparisonFollowsSerialOrder() {
        #expect(SeqNumber(UInt32.max) < SeqNumber(0))
        #expect(SeqNumber(UInt32.max - 100) < SeqNumber(100))
        #expect(!(SeqNumber(100) < SeqNumber(UInt32.max - 100)))
        #expect(SeqNumber(1) < SeqNumber(2))
        #expect(!(SeqNumber(7) < SeqNumber(7)))
        #expect(SeqNumber(7) <= SeqNumber(7))
        #expect(SeqNumber(0) > SeqNumber(UInt32.max))
        // Less than half the space ahead is "after"; exactly half is neither before nor after by `<` from 0.
        #expect(SeqNumber(0) < SeqNumber(0x7FFF_FFFF))
        #expect(!(SeqNumber(0) < SeqNumber(0x8000_0000)))
    }

    @Test func windowMembershipAcrossTheWrap() {
        let low = SeqNumber(UInt32.max - 5)
        let high = low + 10
        #expect(SeqNumber(UInt32.max).isIn(low, high))
        #expect(SeqNumber(0).isIn(low, high))
        #expect(SeqNumber(3).isIn(low, high))
        #expect(!SeqNumber(4).isIn(low, high))  // high is exclusive
        #expect(low.isIn(low, high))
        #expect(!(low - 1).isIn(low, high))
    }

    @Test func descriptionIsTheRawValue() {
        #expect(SeqNumber(3_080_971_201).description == "3080971201")
    }
}

@Suite("TCP flags")
struct TCPFlagsTests {
    @Test(arguments: [
        (TCPFlags.syn, "S"), ([.syn, .ack], "S."), ([.fin, .ack], "F."), ([.rst, .ack], "R."), (.rst, "R"),
        ([.psh, .ack], "P."), (.ack, "."), ([], "none"), ([.fin, .psh, .ack], "FP."),
        ([.syn, .ece, .cwr], "SEW"), ([.urg, .ack], "U."),
    ] as [(TCPFlags, String)])
    func tcpdumpSpelling(flags: TCPFlags, text: String) {
        #expect(flags.description == text)
    }

    @Test func bitsMatchTheHeaderLayout() {
        #expect(TCPFlags([.syn, .ack]).rawValue == 0x12)
        #expect(TCPFlags([.fin, .syn, .rst, .psh, .ack, .urg, .ece, .cwr]).rawValue == 0xFF)
    }
}

@Suite("IPv4 addresses")
struct IPv4AddressTests {
    @Test func parsesAndPrintsDottedQuads() {
        #expect(IPv4Address("192.0.2.1") == IPv4Address(192, 0, 2, 1))
        #expect(IPv4Address("0.0.0.0")?.rawValue == 0)
        #expect(IPv4Address("255.255.255.255")?.rawValue == UInt32.max)
        #expect(IPv4Address(10, 0, 0, 1).rawValue == 0x0A00_0001)
        #expect(IPv4Address(10, 20, 30, 40).description == "10.20.30.40")
        for text in ["1.2.3.4", "127.0.0.1", "255.0.255.0"] {
            #expect(IPv4Address(text)?.description == text)
        }
    }

    @Test(arguments: ["1.2.3", "256.1.1.1", "a.b.c.d", "", "1.2.3.4.5", "1..2.3", "1.2.3.4 ", "-1.2.3.4", "1.2.3.1000"])
    func rejectsMalformedText(text: String) {
        #expect(IPv4Address(text) == nil)
    }

    @Test func endpointsPrintLikeTcpdump() {
        #expect(Endpoint(IPv4Address(192, 0, 2, 1), 40000).description == "192.0.2.1.40000")
    }

    @Test func subnets() {
        let a = IPv4Address(192, 168, 1, 10)
        #expect(a.isInSameSubnet(as: IPv4Address(192, 168, 1, 200), prefixLength: 24))
        #expect(!a.isInSameSubnet(as: IPv4Address(192, 168, 2, 10), prefixLength: 24))
        #expect(a.isInSameSubnet(as: IPv4Address(1, 2, 3, 4), prefixLength: 0))
    }
}
