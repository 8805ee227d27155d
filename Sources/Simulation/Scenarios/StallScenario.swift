import Devices
import SimClock
import TCPCore
import TCPSockets
import TCPWire

/// The FreeRTOS forum report "Forcefully close connected server socket", the 38-second shutdown stall: a FreeRTOS+TCP terminal server whose app kicks a client with
/// `FreeRTOS_shutdown()` on a REUSE_LISTEN port while the client never closes; how long until the port
/// takes a new client.
///
/// C1 connects to 3301 and exchanges a line; 1 s later the release request arrives on port 80; C1's app
/// never closes; C2 tries to connect every 2 s, its first attempt 100 ms after the release request.
public final class StallScenario: @unchecked Sendable {
    public static let deviceAddress = IPv4Address(192, 0, 2, 2)
    public static let hostAddress = IPv4Address(192, 0, 2, 1)
    public static let port: UInt16 = 3301

    public let network: Network
    public let device: Host
    public let host: Host
    /// The Swift model of the terminal server, or nil when another app (the user's C program) runs instead.
    public let server: TerminalServer?
    public let variant: TerminalServerVariant
    public let linkDelay: SimDuration
    public let parameters: TCPParameters
    public var rules: FreeRTOSRules { parameters.freeRTOS }
    /// When C1 connects, and when the release request is sent (1 s after C1's exchange).
    public let c1Start: SimInstant = .zero + .seconds(1)
    public private(set) var releaseSent: SimInstant?
    let connected = ReplyBox()

    public convenience init(variant: TerminalServerVariant = .report, rules: FreeRTOSRules = .defaults,
                            seed: UInt64 = 1, linkDelay: SimDuration = .microseconds(500), stages: [LinkStage] = []) {
        self.init(variant: variant, parameters: .freeRTOS(rules), seed: seed, linkDelay: linkDelay, stages: stages)
    }

    /// `parameters` configure the device (e.g. `.freeRTOS(config:)` from a FreeRTOSIPConfig.h).
    public init(variant: TerminalServerVariant = .report, parameters: TCPParameters, seed: UInt64 = 1,
                linkDelay: SimDuration = .microseconds(500), stages: [LinkStage] = []) {
        self.variant = variant
        self.parameters = parameters
        network = Network(seed: seed)
        device = network.addHost("device", address: Self.deviceAddress, parameters: parameters)
        host = network.addHost("host", address: Self.hostAddress, parameters: .linuxLike)
        network.connect(host, device, delay: linkDelay, stages: stages)
        server = TerminalServer(device: device, variant: variant)
        self.linkDelay = linkDelay
    }

    /// The scenario for another implementation of the terminal server (the user's C program), which the caller
    /// starts on `device` before `run`: the same clients, the verdict read from the trace.
    public init(externalAppWith parameters: TCPParameters, seed: UInt64 = 1, linkDelay: SimDuration = .microseconds(500),
                stages: [LinkStage] = []) {
        variant = .report
        self.parameters = parameters
        network = Network(seed: seed)
        device = network.addHost("device", address: Self.deviceAddress, parameters: parameters)
        host = network.addHost("host", address: Self.hostAddress, parameters: .linuxLike)
        network.connect(host, device, delay: linkDelay, stages: stages)
        server = nil
        self.linkDelay = linkDelay
    }

    /// Runs the scenario until C2 has been served (or `limit`), and returns the verdict.
    @discardableResult
    public func run(limit: SimDuration = .seconds(300)) -> StallVerdict {
        server?.start()
        let terminal = Endpoint(Self.deviceAddress, Self.port)
        host.startNeverClosingClient(at: c1Start, server: terminal, line: "hello\n") { [self] _, _ in
            let release = host.now + .seconds(1)
            releaseSent = release
            host.startHTTPGet(at: release, server: Endpoint(Self.deviceAddress, TerminalServer.controlPort),
                              path: "/release?port=\(Self.port)")
            host.startReconnectingClient(first: release + .milliseconds(100), every: .seconds(2), server: terminal,
                                         line: "new\n") { [connected] time, attempt in
                connected.set("time", "\(time.nanoseconds)")
                connected.set("attempt", "\(attempt)")
            }
        }
        network.run(until: { [self] in
            (server.map { $0.accepts.count >= 2 } ?? true) && connected.values["time"] != nil
        }, limit: .zero + limit)
        network.run(for: .seconds(1))
        return verdict
    }

    /// What the run showed: when the port took a new client after the release, and why.
    public var verdict: StallVerdict {
        guard let server else { return StallTraceVerdict(scenario: self).verdict }
        guard let release = server.releases.first(where: { $0.port == Self.port }) else {
            return StallVerdict(port: Self.port, stall: nil, cause: "the release request never reached the device")
        }
        guard let accept = server.accepts.first(where: { $0.port == Self.port && $0.time > release.time }) else {
            return StallVerdict(port: Self.port, stall: nil, cause: causeOfFreedom(after: release.time))
        }
        return StallVerdict(port: Self.port, stall: accept.time - release.time, cause: causeOfFreedom(after: release.time))
    }

    /// Names what freed the port: the old connection's death (its transition cause) or the app's close.
    private func causeOfFreedom(after release: SimInstant) -> String {
        guard let server else { return "" }
        if variant == .backlog2 {
            return "the listener never left eTCP_LISTEN (no REUSE_LISTEN, backlog 2)"
        }
        guard let close = server.closes.first(where: { $0.port == Self.port && $0.time >= release }) else {
            return "the old connection was never closed"
        }
        let death = close.lastTransition.flatMap { transition in
            transition.time >= release && (transition.to == .closeWait || transition.to == .closed) ? transition : nil
        }
        if let death, case .timer(let why) = death.cause {
            return why
        }
        if let death {
            return "\(death.cause) → \(death.to.freeRTOSName), then \(close.reason)"
        }
        return close.reason
    }
}

/// The stall's length and cause, as the one-line verdict prints them.
public struct StallVerdict: Sendable, CustomStringConvertible {
    public var port: UInt16
    /// From the release request reaching the device to the device accepting a new client on the port.
    public var stall: SimDuration?
    public var cause: String

    public var description: String {
        guard let stall else { return "port \(port) accepted no new client (cause: \(cause))" }
        return "port \(port) accepted a new client after \(stall) (cause: \(cause))"
    }
}
