import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire
import Testing

/// A device task written with the C spellings, as a FreeRTOS+TCP user writes it.
@Suite("FreeRTOS C API facade")
struct CFacadeTests {
    @Test func anEchoTaskWrittenWithTheCNamesServesAClient() {
        let network = Network(seed: 3)
        let device = network.addHost("device", address: IPv4Address(192, 0, 2, 2), parameters: .freeRTOS())
        let host = network.addHost("host", address: IPv4Address(192, 0, 2, 1), parameters: .linuxLike)
        network.connect(host, device, delay: .milliseconds(1))
        let log = Log()
        device.spawn("echo") {
            let xListener = device.FreeRTOS_socket(FREERTOS_AF_INET, FREERTOS_SOCK_STREAM, FREERTOS_IPPROTO_TCP)
            log.add(device.now, "setsockopt \(device.FreeRTOS_setsockopt(xListener, 0, FREERTOS_SO_RCVTIMEO, 5000))")
            log.add(device.now, "bind \(device.FreeRTOS_bind(xListener, 7))")
            log.add(device.now, "listen \(device.FreeRTOS_listen(xListener, 2))")
            guard let xClient = await device.FreeRTOS_accept(xListener) else {
                log.add(device.now, "accept NULL")
                return
            }
            log.add(device.now, "connected \(device.FreeRTOS_issocketconnected(xClient))")
            var buffer: [UInt8] = []
            while true {
                let received = await device.FreeRTOS_recv(xClient, &buffer, 512, 0)
                log.add(device.now, "recv \(received)")
                if received < 0 { break }
                if received > 0 { _ = await device.FreeRTOS_send(xClient, buffer, 0) }
            }
            log.add(device.now, "status \(device.FreeRTOS_connstatus(xClient))")
            log.add(device.now, "close \(device.FreeRTOS_closesocket(xClient))")
        }
        let reply = ReplyBoxForTests()
        host.spawn("client") {
            let socket = host.socket()
            try await host.connect(socket, to: Endpoint(IPv4Address(192, 0, 2, 2), 7))
            try await host.send(socket, Array("ping".utf8))
            reply.value = String(decoding: try await host.recv(socket), as: UTF8.self)
            try host.close(socket)
        }
        network.run(until: .zero + .seconds(10))
        #expect(reply.value == "ping")
        let texts = log.entries.map(\.text)
        #expect(texts.prefix(4) == ["setsockopt 0", "bind 0", "listen 0", "connected 1"])
        #expect(texts.contains("recv 4"))
        // The peer closed: FIN+ACK at once, eLAST_ACK → eCLOSE_WAIT, then recv() < 0.
        #expect(texts.contains("recv -\(pdFREERTOS_ERRNO_ENOTCONN)"))
        #expect(texts.contains("status \(TCPState.closeWait.rawValue)"))
        #expect(texts.last == "close 1")
    }

    @Test func unsupportedSocketKindsAndOptionsAreRefusedWithFreeRTOSValues() {
        let network = Network(seed: 1)
        let device = network.addHost("device", address: IPv4Address(192, 0, 2, 2), parameters: .freeRTOS())
        let udp = device.FreeRTOS_socket(FREERTOS_AF_INET, 2, 17)
        #expect(udp == FREERTOS_INVALID_SOCKET)
        let socket = device.FreeRTOS_socket(FREERTOS_AF_INET, FREERTOS_SOCK_STREAM, FREERTOS_IPPROTO_TCP)
        #expect(device.FreeRTOS_setsockopt(socket, 0, 99, 1) == -pdFREERTOS_ERRNO_ENOPROTOOPT)
        #expect(device.FreeRTOS_shutdown(socket, FREERTOS_SHUT_RDWR) == -pdFREERTOS_ERRNO_EOPNOTSUPP)
        #expect(device.FreeRTOS_listen(socket, 1) == -pdFREERTOS_ERRNO_EOPNOTSUPP)
        #expect(device.FreeRTOS_bind(socket, 80) == 0)
        #expect(device.FreeRTOS_bind(socket, 81) == -pdFREERTOS_ERRNO_EINVAL)
        #expect(device.FreeRTOS_connstatus(socket) == BaseType_t(TCPState.closed.rawValue))
        #expect(device.FreeRTOS_issocketconnected(socket) == pdFALSE)
        #expect(device.FreeRTOS_closesocket(socket) == 1)
        #expect(device.FreeRTOS_closesocket(socket) == 0)
    }
}

final class ReplyBoxForTests: @unchecked Sendable {
    var value: String?
}

@Suite("README FreeRTOS example")
struct ReadmeFreeRTOSExampleTests {
    /// The FreeRTOS example of README.md, verbatim apart from the client and the assertions.
    @Test func theReuseEchoExampleEchoesAndEndsWhenThePeerCloses() {
        let network = Network(seed: 1)
        let host = network.addHost("host", address: IPv4Address(192, 0, 2, 1), parameters: .linuxLike)
        let device = network.addHost("device", address: IPv4Address(192, 0, 2, 2), parameters: .freeRTOS())
        network.connect(host, device, delay: .milliseconds(1))
        device.spawn("echo") {
            let xSocket = device.FreeRTOS_socket(FREERTOS_AF_INET, FREERTOS_SOCK_STREAM, FREERTOS_IPPROTO_TCP)
            _ = device.FreeRTOS_setsockopt(xSocket, 0, FREERTOS_SO_REUSE_LISTEN_SOCKET, 1)
            _ = device.FreeRTOS_bind(xSocket, 3301)
            _ = device.FreeRTOS_listen(xSocket, 1)
            guard let xClient = await device.FreeRTOS_accept(xSocket) else { return }   // NULL on timeout
            var buffer: [UInt8] = []
            while await device.FreeRTOS_recv(xClient, &buffer, 512, 0) >= 0 {        // -pdFREERTOS_ERRNO_ENOTCONN ends it
                _ = await device.FreeRTOS_send(xClient, buffer, 0)
            }
            _ = device.FreeRTOS_closesocket(xClient)
        }
        let reply = ReplyBoxForTests()
        host.spawn("client") {
            let socket = host.socket()
            try await host.connect(socket, to: Endpoint(IPv4Address(192, 0, 2, 2), 3301))
            try await host.send(socket, Array("hi".utf8))
            reply.value = String(decoding: try await host.recv(socket), as: UTF8.self)
            try host.close(socket)
        }
        network.run(until: .zero + .seconds(5))
        #expect(reply.value == "hi")
        #expect(device.stack.netstat().isEmpty)  // the echo task closed its socket
        #expect(network.taskFailures.isEmpty)
    }
}
