import Devices
import SimClock
import TCPCore
import TCPSockets
import TCPWire

/// Two hosts exchange `size` bytes in each direction at once over one connection, then close; used by the
/// tests (byte-exact transfer under loss, duplication and reordering) and by the benchmark.
public final class BulkTransferScenario: @unchecked Sendable {
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

    /// `duplex: false` sends only client → server; `serverParameters` (default: `parameters`) give the server
    /// another stack (a FreeRTOS+TCP device serving a Linux-like client).
    public init(
        size: Int, seed: UInt64 = 1, parameters: TCPParameters = .linuxLike, serverParameters: TCPParameters? = nil,
        delay: SimDuration = .microseconds(100), faults: FaultPlan? = nil, duplex: Bool = true,
        extraStages: [LinkStage] = []
    ) {
        network = Network(seed: seed)
        client = network.addHost("client", address: IPv4Address(192, 0, 2, 1), parameters: parameters)
        server = network.addHost("server", address: IPv4Address(192, 0, 2, 2), parameters: serverParameters ?? parameters)
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
        let server = self.server, client = self.client
        if server.stack.parameters.personality == .freeRTOS {
            startFreeRTOSServer()
        } else {
            startServer(receiveHandlers: receiveHandlers)
        }
        client.spawn("bulk-client") { [self] in
            let socket = client.socket()
            try await client.connect(socket, to: Endpoint(server.address, Self.port))
            try await exchange(on: client, socket, sending: clientData, handlers: receiveHandlers) { [self] bytes in
                if bytes.isEmpty { clientFinished = true } else { receivedByClient += bytes }
            }
        }
        network.run(until: { [self] in clientFinished && serverFinished }, limit: .zero + limit)
    }

    private func startServer(receiveHandlers: Bool) {
        let server = self.server
        server.spawn("bulk-server") { [self] in
            let listener = server.socket()
            try server.bind(listener, port: Self.port)
            try server.listen(listener, backlog: 1)
            let connection = try await server.accept(listener)
            try await exchange(on: server, connection, sending: serverData, handlers: receiveHandlers) { [self] bytes in
                if bytes.isEmpty { serverFinished = true } else { receivedByServer += bytes }
            }
        }
    }

    /// A FreeRTOS+TCP device's side, with its API: a writer task and a reader task on the accepted socket.
    /// FreeRTOS+TCP has no half-close (data that arrives after our FIN is not acknowledged), so the device shuts
    /// down only once it has read everything the client sends, then reads until the client's FIN ends the
    /// connection and closes the socket.
    private func startFreeRTOSServer() {
        let server = self.server
        server.spawn("bulk-server") { [self] in
            let listener = server.rtosSocket()
            server.rtosBind(listener, port: Self.port)
            server.rtosListen(listener, backlog: 1)
            guard case .accepted(let connection) = await server.rtosAccept(listener) else { return }
            let done = Countdown(2) { server.rtosShutdown(connection) }
            server.spawn("bulk-server-writer") { [self] in
                var offset = 0
                while offset < serverData.count {
                    let sent = await server.rtosSend(connection, Array(serverData[offset..<min(offset + 8192, serverData.count)]))
                    guard sent > 0 else { break }
                    offset += Int(sent)
                }
                done.tick()
            }
            var counted = false
            while true {
                let (result, bytes) = await server.rtosRecv(connection, upTo: 8192)
                if result < 0 { break }
                receivedByServer += bytes
                if !counted, receivedByServer.count >= clientData.count {
                    counted = true
                    done.tick()
                }
            }
            server.rtosCloseSocket(connection)
            serverFinished = true
        }
    }

    /// Sends `data` and shuts down while reading everything the peer sends (in a second task, or in a
    /// receive handler); `received` gets each chunk and finally an empty array; the socket is closed once
    /// both directions are done.
    private func exchange(
        on host: Host, _ socket: SocketID, sending data: [UInt8], handlers: Bool,
        received: @escaping @Sendable ([UInt8]) -> Void
    ) async throws {
        let done = Countdown(2) { try? host.close(socket) }
        if handlers {
            host.onReceive(socket) { bytes in
                received(bytes)
                if bytes.isEmpty { done.tick() }
            }
        } else {
            host.spawn("reader") {
                while true {
                    let chunk = try await host.recv(socket, upTo: 65536)
                    received(chunk)
                    if chunk.isEmpty { break }
                }
                done.tick()
            }
        }
        try await host.send(socket, data)
        try host.shutdown(socket)
        done.tick()
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
