import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire
import Testing

/// The echo, discard and chargen services that `tcpsim device --app` runs, in virtual time against a
/// Linux-like client.
@Suite("Small TCP services on the FreeRTOS device")
struct ServiceTests {
    /// A FreeRTOS device running `service`, and a client that connects, sends `payload`, and reads `readLimit`
    /// bytes before it closes — or, with no limit, shuts down its side and reads until end of stream (the
    /// device refuses a FIN while its own TX data is unacknowledged, so an echo client reads first).
    private func exchange(_ service: TCPService, payload: [UInt8], readLimit: Int = .max) -> (read: [UInt8], log: [String]) {
        let network = Network(seed: 3)
        let device = network.addHost("device", address: IPv4Address(192, 0, 2, 2), parameters: .freeRTOS())
        let client = network.addHost("client", address: IPv4Address(192, 0, 2, 1), parameters: .linuxLike)
        network.connect(client, device, delay: .microseconds(200))
        device.startService(service)
        let result = ReadBuffer()
        client.spawn("client") {
            let socket = client.socket()
            try await client.connect(socket, to: Endpoint(IPv4Address(192, 0, 2, 2), service.port))
            _ = try await client.send(socket, payload)
            if readLimit == .max { try client.shutdown(socket) }
            while result.bytes.count < readLimit {
                let chunk = try await client.recv(socket)
                if chunk.isEmpty { break }
                result.bytes += chunk
            }
            try client.close(socket)
        }
        network.run(for: .seconds(30))
        let log = network.trace.compactMap { event -> String? in
            if case .app(_, "device", let text) = event { return text }
            return nil
        }
        return (result.bytes, log)
    }

    @Test func echoSendsBackEveryByte() {
        let payload = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let (read, log) = exchange(.echo, payload: payload, readLimit: payload.count)
        #expect(read == payload)
        #expect(log.contains { $0.hasPrefix("echo: client 192.0.2.1.") && $0.hasSuffix("done: 100000 bytes received, 100000 sent") }, "\(log)")
    }

    @Test func discardReadsEverythingAndSendsNothing() {
        let (read, log) = exchange(.discard, payload: [UInt8](repeating: 0x5A, count: 50_000))
        #expect(read.isEmpty)
        #expect(log.contains { $0.hasSuffix("done: 50000 bytes received, 0 sent") })
    }

    @Test func chargenSendsRFC864Lines() {
        let (read, _) = exchange(.chargen, payload: [], readLimit: 74 * 3)
        let lines = String(decoding: read.prefix(74 * 3), as: UTF8.self).split(separator: "\r\n").map(String.init)
        #expect(lines.count == 3)
        // inetd's ring of the 95 printable characters from the space: line n starts at character n.
        #expect(lines[0] == ##" !"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefg"##)
        #expect(lines[1] == ##"!"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefgh"##)
        #expect(lines.allSatisfy { $0.count == 72 })
    }

    @Test func eachServiceListensOnItsWellKnownPort() {
        #expect(TCPService.allCases.map(\.port) == [7, 9, 19])
    }
}

private final class ReadBuffer: @unchecked Sendable {
    var bytes: [UInt8] = []
}
