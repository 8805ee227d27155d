import Devices
import SimClock
import TCPCore
import TCPSockets
import TCPWire

/// The echo-server demo ("The Socket API, Part 3: Concurrent Servers") as a scenario: a concurrent case-flipping echo server on port 1205 and three clients that
/// connect at staggered times, each send a line, read it back case-flipped and close.
public struct DemoScenario {
    public static let serverAddress = IPv4Address(192, 0, 2, 2)
    public static let port: UInt16 = 1205
    public static let clientStarts: [SimDuration] = [.milliseconds(0), .milliseconds(150), .milliseconds(300)]

    public let network: Network
    public let server: Host
    public let clients: [Host]
    /// Lines the clients read back, keyed by client name.
    public let replies = ReplyBox()

    /// Builds the network; `stages` are link middleware (pcap recorder, tracer, faults) put on every link.
    public init(
        seed: UInt64 = 1, parameters: TCPParameters = .rfc9293, linkDelay: SimDuration = .microseconds(500),
        stages: () -> [LinkStage] = { [] }
    ) {
        network = Network(seed: seed)
        server = network.addHost("server", address: Self.serverAddress, parameters: parameters)
        var clients: [Host] = []
        for index in 1...3 {
            let client = network.addHost(
                "client-\(index)", address: IPv4Address(192, 0, 2, UInt8(10 + index)), parameters: parameters)
            network.connect(client, server, delay: linkDelay, stages: stages())
            clients.append(client)
        }
        self.clients = clients
    }

    /// The line client `index` (1-based) sends.
    public static func line(for index: Int) -> String { "Hello from client \(index), over TCP!\n" }

    /// Starts the apps and runs until every connection has closed (including TIME-WAIT).
    public func run() {
        server.startCaseFlipEchoServer(port: Self.port)
        for (offset, client) in clients.enumerated() {
            let name = client.name
            client.startLineClient(
                at: .zero + Self.clientStarts[offset], server: Endpoint(Self.serverAddress, Self.port),
                line: Self.line(for: offset + 1)
            ) { [replies] text in replies.set(name, text) }
        }
        network.runUntilIdle(limit: .zero + .seconds(600))
    }
}

/// Collects values written by app tasks (all on the simulation's thread).
public final class ReplyBox: @unchecked Sendable {
    public private(set) var values: [String: String] = [:]
    public init() {}
    public func set(_ key: String, _ value: String) { values[key] = value }
}
