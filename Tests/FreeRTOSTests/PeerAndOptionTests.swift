import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire
import Testing

/// A device with a REUSE echo listener on 3301 and a Linux-like host client.
private struct EchoBench {
    let network = Network(seed: 5)
    let device: Simulation.Host
    let host: Simulation.Host
    let log = Log()

    init(rules: FreeRTOSRules = .defaults) {
        device = network.addHost("device", address: IPv4Address(192, 0, 2, 2), parameters: .freeRTOS(rules))
        host = network.addHost("host", address: IPv4Address(192, 0, 2, 1), parameters: .linuxLike)
        network.connect(host, device, delay: .milliseconds(1))
        let device = self.device, log = self.log
        device.spawn("server") {
            let socket = device.rtosSocket()
            device.rtosSetOption(socket, .reuseListenSocket(true))
            device.rtosBind(socket, port: 3301)
            device.rtosListen(socket, backlog: 1)
            guard case .accepted = await device.rtosAccept(socket) else { return }
            while true {
                let (result, bytes) = await device.rtosRecv(socket)
                if result < 0 {
                    log.add(device.now, "recv \(FreeRTOSErrno.name(of: result)) in \(device.stack.state(of: socket).freeRTOSName)")
                    return
                }
                if result > 0 { _ = await device.rtosSend(socket, bytes) }
            }
        }
    }

    /// The host connects at 100 ms and exchanges one line; returns its socket (once the run passes 200 ms).
    func connect() -> SocketID {
        let box = Box<SocketID>()
        host.startNeverClosingClient(at: .ms(100), server: Endpoint(IPv4Address(192, 0, 2, 2), 3301), line: "hi\n") {
            _, socket in box.value = socket
        }
        network.run(until: .ms(200))
        return box.value ?? SocketID(-1)
    }
}

@Suite("host peers")
struct HostPeerTests {
    @Test func aCrashedHostSendsNothingAndKeepAliveDropsIt() {
        var rules = FreeRTOSRules.defaults
        rules.keepAliveInterval = .seconds(20)
        let bench = EchoBench(rules: rules)
        _ = bench.connect()
        bench.host.crash(at: .ms(300))
        bench.network.run(until: .zero + .seconds(200))
        // Nothing left the host after the crash, although the device probed it four times.
        let fromHost = bench.network.trace.filter {
            if case .segment(let time, "host", _, _) = $0 { return time > .ms(300) }
            return false
        }
        #expect(fromHost.isEmpty)
        let probes = bench.network.trace.filter {
            if case .segment(let time, "device", _, let packet) = $0 { return time > .ms(300) && packet.tcp.payload.isEmpty }
            return false
        }
        #expect(probes.count == 4)
        // The device gave up (eCLOSE_WAIT, nothing sent) and its recv() reports it.
        #expect(bench.log.first("recv")?.text == "recv -pdFREERTOS_ERRNO_ENOTCONN in eCLOSE_WAIT")
    }

    @Test func aResetFromTheHostClosesTheDeviceSocket() {
        let bench = EchoBench()
        let socket = bench.connect()
        bench.host.sendReset(at: .ms(500), on: socket)
        bench.network.run(until: .ms(600))
        #expect(bench.log.first("recv")?.text == "recv -pdFREERTOS_ERRNO_ENOTCONN in eCLOSED")
        #expect(bench.log.first("recv")?.time == .ms(501))
    }
}

@Suite("socket options")
struct SocketOptionTests {
    @Test func buffersCannotBeResizedOnceTheStreamsExistAndSmallBuffersLimitSend() {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        #expect(bench.device.rtosSetOption(socket, .sendBuffer(1000)) == 0)
        #expect(bench.device.rtosSetOption(socket, .receiveBuffer(2000)) == 0)
        bench.handshake(seq: 100, at: .ms(10))
        _ = bench.accept(socket)
        #expect(bench.device.rtosSetOption(socket, .sendBuffer(4000)) == -22)
        #expect(bench.device.rtosSetOption(socket, .receiveBuffer(4000)) == -22)
        // FreeRTOS rounds the 1000-byte send buffer up to one MSS (prvSockopt_so_buffer()); a non-blocking send
        // queues only what those 1460 bytes hold.
        #expect(bench.send(socket, String(repeating: "x", count: 3000)) == 1460)
    }

    @Test func sndtimeoBoundsABlockedSend() {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        bench.device.rtosSetOption(socket, .sendBuffer(1000))
        bench.handshake(seq: 100, at: .ms(10))
        _ = bench.accept(socket)
        bench.device.rtosSetTimeouts(socket, send: .after(.milliseconds(300)))
        bench.start("send") { [device = bench.device] in
            FreeRTOSErrno.name(of: await device.rtosSend(socket, Array(repeating: 0x78, count: 3000)))
        }
        bench.network.run(until: .ms(1000))
        // The peer never ACKs: 1460 bytes queued (the 1000-byte buffer rounded up to one MSS), then SNDTIMEO ends
        // the wait; the count queued is returned.
        #expect(bench.log.first("send")?.text == "send 1460")
        #expect(bench.log.first("send")?.time == .ms(313))
    }

    @Test func peekLeavesTheDataAndDontWaitReturnsZeroWhenEmpty() {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        let isn = bench.handshake(seq: 100, at: .ms(10))
        _ = bench.accept(socket)
        bench.inject(at: .ms(50), DeviceBench.segment(seq: 101, ack: isn + 1, flags: [.psh, .ack], payload: Array("abc".utf8)))
        bench.network.run(until: .ms(60))
        var buffer: [UInt8] = []
        let peeked = bench.call { [device = bench.device] () -> BaseType_t in
            var local: [UInt8] = []
            let result = await device.FreeRTOS_recv(socket, &local, 10, FREERTOS_MSG_PEEK | FREERTOS_MSG_DONTWAIT)
            return result
        }
        #expect(peeked == 3)
        #expect(bench.recv(socket) == 3)  // still there after the peek
        let empty = bench.call { [device = bench.device] () -> BaseType_t in
            var local: [UInt8] = []
            return await device.FreeRTOS_recv(socket, &local, 10, FREERTOS_MSG_DONTWAIT)
        }
        #expect(empty == 0)  // never -EWOULDBLOCK
        buffer.removeAll()
    }

    @Test func fdClrRemovesASocketFromItsSet() {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        let set = bench.device.rtosCreateSocketSet()
        bench.device.rtosFDSet(socket, set, [.read, .except, .write])
        bench.device.rtosFDClear(socket, set, [.write])
        #expect(bench.device.stack.selectMask(of: socket) == [.read, .except])
        bench.device.rtosFDClear(socket, set, [.read, .except])
        #expect(bench.device.stack.selectMask(of: socket) == [])
        #expect(bench.device.rtosFDIsSet(socket, set) == [])
    }
}
