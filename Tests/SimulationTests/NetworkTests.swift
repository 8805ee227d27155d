import Devices
import Foundation
import PcapIO
import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire
import Testing

@Suite("stacks on a network")
struct NetworkTests {
    static let a = IPv4Address(192, 0, 2, 1)
    static let b = IPv4Address(192, 0, 2, 2)

    /// Two hosts on one link; returns the network and both hosts.
    static func pair(seed: UInt64 = 1, stages: [LinkStage] = [], parameters: TCPParameters = .rfc9293)
        -> (Network, Simulation.Host, Simulation.Host)
    {
        let network = Network(seed: seed)
        let client = network.addHost("client", address: a, parameters: parameters)
        let server = network.addHost("server", address: b, parameters: parameters)
        network.connect(client, server, delay: .milliseconds(1), stages: stages)
        return (network, client, server)
    }

    static func segments(_ network: Network, from host: String) -> [TCPPacket] {
        network.trace.compactMap {
            if case .segment(_, let from, _, let packet) = $0, from == host { return packet }
            return nil
        }
    }

    @Test func aSynToAPortWithNoListenerIsAnsweredWithRstAck() {
        let (network, client, _) = Self.pair()
        let failure = ReplyBox()
        client.spawn("connect") {
            let socket = client.socket()
            do {
                try await client.connect(socket, to: Endpoint(Self.b, 9))
            } catch {
                failure.set("error", "\(error)")
            }
        }
        network.runUntilIdle(limit: .zero + .seconds(10))
        let syn = Self.segments(network, from: "client")[0].tcp
        let reply = Self.segments(network, from: "server")
        // RFC 9293 §3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
        #expect(reply.count == 1)
        #expect(reply.first?.tcp.flags == TCPFlags([.rst, .ack]))
        #expect(reply.first?.tcp.seq == SeqNumber(0))
        #expect(reply.first?.tcp.ackNumber == syn.seq + 1)
        #expect(failure.values["error"]?.hasPrefix("ECONNREFUSED") == true)
        #expect(client.stack.state(of: SocketID(3)) == .closed)
    }

    @Test func aPeerThatVanishesAbortsTheConnectionAfterTheRetransmissionLimit() {
        var plan = FaultPlan()
        plan.partitions = [(SimInstant.zero + .seconds(1))..<SimInstant.distantFuture]
        let (network, client, server) = Self.pair(stages: [FaultInjector(plan: plan, seed: 1)])
        let outcome = ReplyBox()
        server.spawn("server") {
            let listener = server.socket()
            try server.bind(listener, port: 80)
            try server.listen(listener, backlog: 1)
            _ = try await server.accept(listener)
        }
        client.spawn("client") {
            let socket = client.socket()
            try await client.connect(socket, to: Endpoint(Self.b, 80))
            await client.sleep(for: .seconds(2))
            try await client.send(socket, Array(repeating: 0x61, count: 100))
            do {
                _ = try await client.recv(socket)
            } catch {
                outcome.set("recv", "\(error)")
            }
        }
        network.runUntilIdle(limit: .zero + .seconds(3600))
        let parameters = TCPParameters.rfc9293
        let data = Self.segments(network, from: "client").filter { !$0.tcp.payload.isEmpty }
        #expect(data.count == 1 + parameters.maximumRetransmissions)
        #expect(outcome.values["recv"]?.hasPrefix("ETIMEDOUT") == true)
        let aborted = network.trace.contains {
            if case .transition(_, "client", let t) = $0 { return t.to == .closed && "\(t.cause)".contains("retransmission limit") }
            return false
        }
        #expect(aborted)
    }

    @Test func retransmissionsBackOffExponentiallyUpToTheCap() {
        var plan = FaultPlan()
        plan.partitions = [(SimInstant.zero + .seconds(1))..<SimInstant.distantFuture]
        let (network, client, server) = Self.pair(stages: [FaultInjector(plan: plan, seed: 1)])
        server.spawn("server") {
            let listener = server.socket()
            try server.bind(listener, port: 80)
            try server.listen(listener, backlog: 1)
            _ = try await server.accept(listener)
        }
        let sendTimes = ReplyBox()
        client.spawn("client") {
            let socket = client.socket()
            try await client.connect(socket, to: Endpoint(Self.b, 80))
            await client.sleep(for: .seconds(2))
            try await client.send(socket, [1, 2, 3])
            _ = try? await client.recv(socket)
            sendTimes.set("done", "yes")
        }
        network.runUntilIdle(limit: .zero + .seconds(3600))
        var times: [SimInstant] = []
        for event in network.trace {
            if case .segment(let time, "client", _, let packet) = event, !packet.tcp.payload.isEmpty { times.append(time) }
        }
        let gaps = zip(times.dropFirst(), times).map { ($0.0 - $0.1).nanoseconds / 1_000_000_000 }
        // The RTO before the first transmission was measured on a 2 ms RTT, so it is the 1 s floor.
        #expect(gaps == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60])
    }

    @Test func aCorruptedPacketIsCountedTracedAndDropped() {
        var plan = FaultPlan()
        plan.corruptProbability = 1
        plan.direction = .forward
        let injector = FaultInjector(plan: plan, seed: 3)
        let (network, client, server) = Self.pair(stages: [injector])
        client.spawn("client") {
            let socket = client.socket()
            try? await client.connect(socket, to: Endpoint(Self.b, 80), timeout: .seconds(5))
        }
        network.run(until: .zero + .seconds(5))
        #expect(server.stack.malformedPackets > 0)
        let traced = network.trace.contains { if case .malformed(_, "server", _) = $0 { true } else { false } }
        #expect(traced)
        #expect(Self.segments(network, from: "server").isEmpty)
    }

    @Test func theSameSeedGivesAnIdenticalTraceAndByteIdenticalPcap() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tcpsim-determinism-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func run(_ name: String, seed: UInt64) throws -> (Data, [String]) {
            let path = directory.appendingPathComponent(name).path
            let capture = try PcapFileWriter(path: path)
            var plan = FaultPlan()
            plan.dropProbability = 0.05
            plan.reorderProbability = 0.05
            let demo = DemoScenario(seed: seed) { [PcapRecorder(sink: capture), FaultInjector(plan: plan, seed: seed)] }
            demo.run()
            try capture.close()
            var formatter = TimelineFormatter()
            return (try Data(contentsOf: URL(fileURLWithPath: path)), demo.network.trace.map { formatter.format($0) })
        }
        let first = try run("a.pcap", seed: 7)
        let second = try run("b.pcap", seed: 7)
        let other = try run("c.pcap", seed: 8)
        #expect(first.0 == second.0)
        #expect(first.1 == second.1)
        #expect(first.0 != other.0)
        #expect(first.0.count > 24)
    }
}
