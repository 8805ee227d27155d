import SimClock
import Simulation
import TCPSockets
import TCPWire
import Testing

/// An app task whose calls never block cannot hold virtual time still for ever.
@Suite("livelock guard")
struct LivelockTests {
    @Test func aTaskThatNeverBlocksStopsTheRunWithTheCallNamed() {
        let network = Network(seed: 1)
        let device = network.addHost("device", address: IPv4Address(192, 0, 2, 2), parameters: .freeRTOS())
        let socket = device.rtosSocket()  // never bound nor listening: accept() fails at once
        device.spawn("spin") {
            while true { _ = await device.rtosAccept(socket) }
        }
        network.run(until: .zero + .seconds(1))
        #expect(network.haltReason == "livelock at t=0.000000 s: task \"device/spin\" called FreeRTOS_accept(\(socket)) 100000 times without blocking; virtual time cannot advance")
        // The run stopped where it was; the trace holds the calls made until then, bounded.
        #expect(network.now == .zero)
        #expect(network.trace.count <= 100_010)
    }

    @Test func callsThatBlockInBetweenAreNoLivelock() {
        let network = Network(seed: 1)
        let device = network.addHost("device", address: IPv4Address(192, 0, 2, 2), parameters: .freeRTOS())
        network.recordsTrace = false
        let socket = device.rtosSocket()
        device.spawn("poll") {
            // 200,000 immediate calls, but a 1 ms sleep after every 1,000 lets time advance.
            for round in 0..<200_000 {
                _ = await device.rtosAccept(socket)
                if round % 1_000 == 999 { await device.sleep(for: .milliseconds(1)) }
            }
        }
        network.run(until: .zero + .seconds(1))
        #expect(network.haltReason == nil)
        #expect(network.now == .zero + .seconds(1))
    }
}
