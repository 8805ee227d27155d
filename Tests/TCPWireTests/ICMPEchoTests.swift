import TCPWire
import Testing

/// ICMP echo replies as FreeRTOS+TCP builds them (ipconfigREPLY_TO_INCOMING_PINGS).
@Suite("ICMP echo")
struct ICMPEchoTests {
    /// `ping -c 1 -s 8 192.0.2.2` from 192.0.2.1: id 0x1234, sequence 1, 8 data bytes.
    static func request(type: UInt8 = 8, data: [UInt8] = Array("abcdefgh".utf8)) -> [UInt8] {
        var message: [UInt8] = [type, 0, 0, 0, 0x12, 0x34, 0x00, 0x01] + data
        store16(referenceChecksum(message), into: &message, at: 2)
        var header: [UInt8] = [0x45, 0, 0, UInt8(20 + message.count), 0xAB, 0xCD, 0x40, 0, 64, 1, 0, 0,
                               192, 0, 2, 1, 192, 0, 2, 2]
        store16(referenceChecksum(header), into: &header, at: 10)
        return header + message
    }

    @Test func theReplySwapsAddressesKeepsIdSequenceAndDataAndChecksumsVerify() throws {
        let reply = try ICMPEcho.reply(to: Self.request()[...])
        let view = try IPv4HeaderView(validating: reply[...])
        #expect(view.source == IPv4Address(192, 0, 2, 2))
        #expect(view.destination == IPv4Address(192, 0, 2, 1))
        #expect(view.ttl == 64)
        #expect(view.protocolNumber == 1)
        #expect(view.identification == 0xABCD)
        let message = Array(view.payload)
        #expect(message[0] == 0 && message[1] == 0)  // echo reply
        #expect(Array(message[4..<8]) == [0x12, 0x34, 0x00, 0x01])
        #expect(String(decoding: message[8...], as: UTF8.self) == "abcdefgh")
        #expect(referenceChecksum(message) == 0)
    }

    @Test func aBadChecksumIsRejected() {
        var request = Self.request()
        request[request.count - 1] ^= 0xFF
        #expect(throws: ICMPEcho.Problem.self) { try ICMPEcho.reply(to: request[...]) }
    }

    @Test func repliesAndOtherTypesAreNotAnswered() {
        #expect(throws: ICMPEcho.Problem.notEchoRequest(type: 0, code: 0)) { try ICMPEcho.reply(to: Self.request(type: 0)[...]) }
    }

    @Test func truncatedMessagesAndOtherProtocolsAreRejected() {
        var short = Array(Self.request().prefix(24))
        short[3] = 24
        store16(0, into: &short, at: 10)
        store16(referenceChecksum(Array(short[0..<20])), into: &short, at: 10)
        #expect(throws: ICMPEcho.Problem.truncated(have: 4)) { try ICMPEcho.reply(to: short[...]) }
        var tcp = Self.request()
        tcp[9] = 6
        store16(0, into: &tcp, at: 10)
        store16(referenceChecksum(Array(tcp[0..<20])), into: &tcp, at: 10)
        #expect(throws: ICMPEcho.Problem.notICMP(protocol: 6)) { try ICMPEcho.reply(to: tcp[...]) }
    }
}
