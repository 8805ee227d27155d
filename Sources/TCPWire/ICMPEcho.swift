/// ICMP echo (ping) as FreeRTOS+TCP answers it with `ipconfigREPLY_TO_INCOMING_PINGS`
/// (FreeRTOS_IPv4.c / FreeRTOS_ICMP.c: `prvProcessICMPEchoRequest()`): the request is turned around in place —
/// addresses swapped, type 0, TTL `ipconfigICMP_TIME_TO_LIVE`, identifier, sequence and data kept — and the
/// checksums are recomputed.
public enum ICMPEcho {
    /// The IP protocol number of ICMP.
    public static let protocolNumber: UInt8 = 1
    /// FreeRTOS's `ipconfigICMP_TIME_TO_LIVE` default.
    public static let defaultTTL: UInt8 = 64

    /// Why a datagram that claims to be ICMP is not a request this device answers.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case wire(WireError)
        case notICMP(protocol: UInt8)
        case truncated(have: Int)
        case badChecksum(found: UInt16)
        case notEchoRequest(type: UInt8, code: UInt8)

        public var description: String {
            switch self {
            case .wire(let error): "\(error)"
            case .notICMP(let number): "not icmp: expected ip protocol 1, found protocol \(number)"
            case .truncated(let have): "icmp message truncated: need 8 bytes, have \(have)"
            case .badChecksum(let found):
                "bad icmp checksum: found 0x\(String(found, radix: 16)), the message does not sum to zero"
            case .notEchoRequest(let type, let code):
                "not an echo request: expected icmp type 8 code 0, found type \(type) code \(code)"
            }
        }
    }

    /// The reply to `datagram` (an IPv4 datagram carrying an ICMP echo request), or why there is none.
    ///
    /// Fragments are not reassembled (FreeRTOS+TCP drops them unless `ipconfigCAN_FRAG_OUTGOING_PACKETS`).
    public static func reply(to datagram: ArraySlice<UInt8>, ttl: UInt8 = defaultTTL) throws(Problem) -> [UInt8] {
        let view: IPv4HeaderView
        do {
            view = try IPv4HeaderView(validating: datagram)
        } catch {
            throw .wire(error)
        }
        guard view.protocolNumber == protocolNumber else { throw .notICMP(protocol: view.protocolNumber) }
        if view.moreFragments || view.fragmentOffset != 0 {
            throw .wire(.fragment(offset: view.fragmentOffset, moreFragments: view.moreFragments))
        }
        let message = view.payload
        guard message.count >= 8 else { throw .truncated(have: message.count) }
        guard InternetChecksum.checksum(message) == 0 else {
            let at = message.startIndex + 2
            throw .badChecksum(found: UInt16(message[at]) << 8 | UInt16(message[at + 1]))
        }
        let type = message[message.startIndex]
        let code = message[message.startIndex + 1]
        guard type == 8, code == 0 else { throw .notEchoRequest(type: type, code: code) }

        // The message turned into a reply (type 0, checksum recomputed) behind a fresh header without options.
        var reply = Array(message)
        reply[0] = 0
        reply[2] = 0
        reply[3] = 0
        let checksum = InternetChecksum.checksum(reply[...])
        reply[2] = UInt8(truncatingIfNeeded: checksum >> 8)
        reply[3] = UInt8(truncatingIfNeeded: checksum)
        let header = IPv4Header(
            source: view.destination, destination: view.source, ttl: ttl, identification: view.identification,
            dontFragment: view.dontFragment, typeOfService: view.typeOfService, protocolNumber: protocolNumber)
        return IPv4Datagram(header: header, payload: reply[...]).encoded()
    }
}
