import Devices
import SimClock
import TCPCore
import TCPSockets
import TCPWire

/// Two hosts exchange `size` bytes in each direction at once over one connection, then close; used by the
/// tests (byte-exact transfer under loss, duplication and reordering) and by the benchmark.
public final class BulkTransferScenario {
    public let network: Network
    public let client: Host
    public let server: Host
    public let link: InMemoryLink
    public let size: Int
    /// What each side sent (seeded pseudo-random bytes).
    public let clientData: [UInt8]
    public let serverData: [UInt8]
    /// What each side read, filled in as the run goes.
    public private(set) var receivedByServer: [UInt8] = []
    public private(set) var receivedByClient: [UInt8] = []
    public private(set) var clientFinished = false
    public private(set) var serverFinished = false
    public static let port: UInt16 = 5001

    /// `duplex: false` sends only client → server.
    public init(
        size: Int, seed: UInt64 = 1, parameters: TCPParameters = .linuxLike, delay: SimDuration = .microseconds(100),
        faults: FaultPlan? = nil, duplex: Bool = true, extraStages: [LinkStage] = []
    ) {
        network = Network(seed: seed)
        client = network.addHost("client", address: IPv4Address(192, 0, 2, 1), parameters: parameters)
        server = network.addHost("server", address: IPv4Address(192, 0, 2, 2), parameters: parameters)
        var random = network.makeRandom()
        var stages = extraStages
        if let faults { stages.append(FaultInjector(plan: faults, seed: random.next())) }
        link = network.connect(client, server, delay: delay, stages: stages)
        self.size = size
        clientData = Self.bytes(size, &random)
        serverData = duplex ? Self.bytes(size, &random) : []
        receivedByServer.reserveCapacity(size)
        receivedByClient.reserveCapacity(size)
    }

    private static func bytes(_ count: Int, _ random: inout SeededRandom) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(count + 8)
        while out.count < count {
            var word = random.next()
            for _ in 0..<8 {
                out.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return Array(out.prefix(count))
    }

    /// Runs until both sides have read everything and closed, or `limit` of virtual time passes.
    /// Each side reads in one task and writes in another; whichever finishes last closes the socket.
    /// With `receiveHandlers`, the readers are handlers (`Host.onReceive`) instead of tasks.
    public func run(limit: SimDuration = .seconds(3600), receiveHandlers: Bool = false) {
        if receiveHandlers {
            runWithHandlers(limit: limit)
            return
        }
        let server = self.server, client = self.client
        server.spawn("bulk-server") { [self] in
            let listener = server.socket()
            try server.bind(listener, port: Self.port)
            try server.listen(listener, backlog: 1)
            let connection = try await server.accept(listener)
            let done = Countdown(2) { try? server.close(connection) }
            server.spawn("bulk-server-writer") { [self] in
                try await server.send(connection, serverData)
                try server.shutdown(connection)
                done.tick()
            }
            while true {
                let chunk = try await server.recv(connection, upTo: 65536)
                if chunk.isEmpty { break }
                receivedByServer += chunk
            }
            serverFinished = true
            done.tick()
        }
        client.spawn("bulk-client") { [self] in
            let socket = client.socket()
            try await client.connect(socket, to: Endpoint(server.address, Self.port))
            let done = Countdown(2) { try? client.close(socket) }
            client.spawn("bulk-client-reader") { [self] in
                while true {
                    let chunk = try await client.recv(socket, upTo: 65536)
                    if chunk.isEmpty { break }
                    receivedByClient += chunk
                }
                clientFinished = true
                done.tick()
            }
            try await client.send(socket, clientData)
            try client.shutdown(socket)
            done.tick()
        }
        network.run(until: { [self] in clientFinished && serverFinished }, limit: .zero + limit)
    }

    private func runWithHandlers(limit: SimDuration) {
        let server = self.server, client = self.client
        server.spawn("bulk-server") { [self] in
            let listener = server.socket()
            try server.bind(listener, port: Self.port)
            try server.listen(listener, backlog: 1)
            let connection = try await server.accept(listener)
            let done = Countdown(2) { try? server.close(connection) }
            server.onReceive(connection) { [self] bytes in
                if bytes.isEmpty {
                    serverFinished = true
                    done.tick()
                } else {
                    receivedByServer += bytes
                }
            }
            try await server.send(connection, serverData)
            try server.shutdown(connection)
            done.tick()
        }
        client.spawn("bulk-client") { [self] in
            let socket = client.socket()
            try await client.connect(socket, to: Endpoint(server.address, Self.port))
            let done = Countdown(2) { try? client.close(socket) }
            client.onReceive(socket) { [self] bytes in
                if bytes.isEmpty {
                    clientFinished = true
                    done.tick()
                } else {
                    receivedByClient += bytes
                }
            }
            try await client.send(socket, clientData)
            try client.shutdown(socket)
            done.tick()
        }
        network.run(until: { [self] in clientFinished && serverFinished }, limit: .zero + limit)
    }

    /// Both directions arrived complete and byte-exact.
    public var isExact: Bool { receivedByServer == clientData && receivedByClient == serverData }

    /// Segments that crossed the link, both directions.
    public var segmentsDelivered: Int { link.delivered.values.reduce(0, +) }
}

/// Runs `action` when `tick()` has been called `count` times (app tasks share one thread).
final class Countdown: @unchecked Sendable {
    private var remaining: Int
    private let action: () -> Void
    init(_ count: Int, _ action: @escaping () -> Void) {
        remaining = count
        self.action = action
    }
    func tick() {
        remaining -= 1
        if remaining == 0 { action() }
    }
}
