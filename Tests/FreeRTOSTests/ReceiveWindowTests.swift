import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire
import Testing

/// The advertised window: low-water, STOP_RX and WIN_PROPERTIES.
@Suite("receive window")
struct ReceiveWindowTests {
    static let peer: UInt32 = 5000

    /// Sends `count` full segments from the peer, 10 ms apart from `time`; returns the window of the
    /// device's ACK to each.
    static func windows(_ bench: DeviceBench, isn deviceISN: UInt32, from time: SimInstant, count: Int,
                        offset: Int = 0) -> [UInt16] {
        var windows: [UInt16] = []
        for index in 0..<count {
            let at = time + .milliseconds(10 * index)
            let seq = peer + 1 + UInt32((offset + index) * 1460)
            bench.inject(at: at, DeviceBench.segment(seq: seq, ack: deviceISN + 1, flags: [.psh, .ack],
                                                     payload: Array(repeating: 0x61, count: 1460)))
            bench.network.run(until: at + .milliseconds(5))
            windows.append(bench.sent(to: 40001, after: at).last?.segment.window ?? 9999)
        }
        return windows
    }

    @Test func lowWaterClosesTheWindowOnlyBelowOneMSSAndReadingReopensIt() {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        let isn = bench.handshake(seq: Self.peer, at: .ms(10))
        _ = bench.accept(socket)
        // The app does not read: 5840-byte buffer, 2 × MSS window, uxLittleSpace 25 % = 1460.
        let windows = Self.windows(bench, isn: isn, from: .ms(100), count: 4)
        // 4380 free → 2920; 2920 free → 2920; 1460 free → low water, 0, raised to 1 MSS ⚠; 0 free → 0.
        #expect(windows == [2920, 2920, 1460, 0])
        // Reading everything frees uxEnoughSpace (100 %): the window reopens at the next tick.
        let before = bench.sent.count
        #expect(bench.recv(socket, upTo: 10_000) == 5840)
        bench.network.run(until: .ms(300))
        let update = bench.sent.dropFirst(before).last?.segment
        #expect(update?.flags == .ack)
        #expect(update?.window == 2920)
    }

    @Test func stopRxOnAnEmptyBufferStillAdvertisesOneMSS() {
        let bench = DeviceBench()
        let socket = bench.reuseListener()
        let isn = bench.handshake(seq: Self.peer, at: .ms(10))
        _ = bench.accept(socket)
        let before = bench.sent.count
        #expect(bench.device.rtosSetOption(socket, .stopReceive(true)) == 0)
        bench.network.run(until: .ms(50))
        // FREERTOS_SO_STOP_RX sends a window update; the zeroed window is raised to 1460 (5840 bytes free).
        let update = bench.sent.dropFirst(before).first?.segment
        #expect(update?.flags == .ack)
        #expect(update?.window == 1460)
        // Once less than one MSS is free the window is really 0.
        let windows = Self.windows(bench, isn: isn, from: .ms(100), count: 4)
        #expect(windows.last == 0)
    }

    @Test func winPropertiesSetTheWindowInMSSUnits() {
        let bench = DeviceBench()
        let socket = bench.device.rtosSocket()
        #expect(bench.device.rtosSetOption(socket, .windowProperties(txBuffer: 8760, txWindow: 4, rxBuffer: 8760,
                                                                     rxWindow: 4)) == 0)
        bench.device.rtosSetOption(socket, .reuseListenSocket(true))
        bench.device.rtosSetTimeouts(socket, receive: .zero)
        bench.device.rtosBind(socket, port: 3301)
        bench.device.rtosListen(socket, backlog: 1)
        let isn = bench.handshake(seq: Self.peer, at: .ms(10))
        _ = bench.accept(socket)
        let windows = Self.windows(bench, isn: isn, from: .ms(100), count: 1)
        // min(4 × 1460, 8760 − 1460 free) = 5840.
        #expect(windows == [5840])
    }

    @Test func waterMarksAreValidated() {
        let bench = DeviceBench()
        let socket = bench.device.rtosSocket()
        #expect(bench.device.rtosSetOption(socket, .lowHighWater(little: 3000, enough: 2000)) == -22)
        #expect(bench.device.rtosSetOption(socket, .lowHighWater(little: 100, enough: 9000)) == -22)
        #expect(bench.device.rtosSetOption(socket, .lowHighWater(little: 100, enough: 4000)) == 0)
    }
}
