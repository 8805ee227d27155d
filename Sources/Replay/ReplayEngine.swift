import Devices
import IPConfig
import Scenario
import ScenarioRunner
import SimClock
import Simulation
import TCPCore
import TCPSockets
import TCPWire

/// How the device's listening sockets are made when the app is inferred.
public enum ListenMode: Sendable, Hashable, CustomStringConvertible {
    /// From the capture: REUSE_LISTEN when a SYN to a port that accepts was refused with RST, else a listener.
    case automatic
    /// `FREERTOS_SO_REUSE_LISTEN_SOCKET`: the socket becomes the connection; a fresh one listens after close.
    case reuse
    /// A listener with this backlog; children are accepted.
    case backlog(Int)

    /// `auto`, `reuse` or `backlog:N` (N from 1 to 64); nil otherwise.
    public init?(_ text: String) {
        switch text {
        case "auto": self = .automatic
        case "reuse": self = .reuse
        default:
            guard text.hasPrefix("backlog:"), let count = Int(text.dropFirst("backlog:".count)), (1...64).contains(count)
            else { return nil }
            self = .backlog(count)
        }
    }

    public var description: String {
        switch self {
        case .automatic: "auto"
        case .reuse: "reuse"
        case .backlog(let count): "backlog:\(count)"
        }
    }
}

/// The timing tolerance: absolute, or a share of the time since the previous packet of the connection.
public enum ReplayTolerance: Sendable, Hashable, CustomStringConvertible {
    case absolute(SimDuration)
    case percent(Double)

    /// The real device's 1 ms tick plus up to 1 ms of driver latency, and nothing more.
    public static let `default` = ReplayTolerance.absolute(.milliseconds(2))

    /// `5ms`, `2000us`, `0.5s`, `10%`; nil otherwise.
    public init?(_ text: String) {
        let units: [(String, Double)] = [("ms", 1e6), ("us", 1e3), ("µs", 1e3), ("ns", 1), ("s", 1e9)]
        if text.hasSuffix("%"), let value = Double(text.dropLast()), value >= 0, value <= 1000 {
            self = .percent(value)
            return
        }
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value >= 0, value <= 3600e9 / scale else { return nil }
            self = .absolute(SimDuration(nanoseconds: Int64(value * scale)))
            return
        }
        return nil
    }

    func allowance(since previous: SimDuration) -> SimDuration {
        switch self {
        case .absolute(let duration): duration
        case .percent(let share):
            // At most an hour, so long gaps times large shares stay in range.
            max(.milliseconds(1), SimDuration(nanoseconds: Int64(min(3.6e12, Double(previous.nanoseconds) * share / 100))))
        }
    }

    public var description: String {
        switch self {
        case .absolute(let duration): "\(duration)"
        case .percent(let share): "\(share)%"
        }
    }
}

/// The device's application during a replay.
public enum ReplayApp: Sendable, CustomStringConvertible {
    /// Inferred from what the device sent (see `AppInference`).
    case inferred
    /// The calls (and assertions) of a script in the scenario language, at their times (`--actions FILE`).
    case actions(Script, file: String)
    /// The shutdown-stall report's terminal server, the app of the reference captures.
    case terminalServer(TerminalServerVariant)
    /// An application started on the device by `start` (the user's C program, `--c-app`).
    case external(String, start: ExternalAppStarter)

    var isInferred: Bool {
        if case .inferred = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .inferred: "inferred from the capture"
        case .actions(_, let file): "the calls of \(file)"
        case .terminalServer(let variant): "terminal-server (\(variant.rawValue))"
        case .external(let name, _): name
        }
    }
}

/// What a replay takes besides the capture.
public struct ReplaySettings: Sendable {
    public var app: ReplayApp = .inferred
    public var device: DeviceSelector?
    public var config: IPConfig = .defaults
    public var tolerance: ReplayTolerance = .default
    public var compareWindow = false
    public var compareOptions = false
    public var listen: ListenMode = .automatic
    public var seed: UInt64 = 1
    /// How long the device's 1 ms tick lasted on the capture's clock; nil estimates it (from the device log's
    /// tick stamps, else from the device's timer-driven segments). The FreeRTOS POSIX port of the reference
    /// captures ticks 0.1–1.4 % slow, so its timers (keep-alive, hang protection) fire that much later.
    public var tickLength: SimDuration?
    /// How the device's interface delivers received frames.
    public var driver: ReplayDriver = .automatic
    /// The clock and driver grid a run uses (resolved by `Replay.check` from the two settings above).
    var clock = CaptureClock()
    var pollGrid: PollGrid?
    /// Stop the model at this capture time (for the state at a divergence); nil runs to the end.
    var stopAt: SimDuration?
    /// The device's own log of its state changes, checked against the model's (`--device-log`).
    public var deviceLog: DeviceLog?

    public init() {}
}

/// Runs the model as the device against the capture's peers in virtual time.
final class ReplayEngine: @unchecked Sendable {
    let capture: Capture
    let conversations: Conversations
    let settings: ReplaySettings
    let network: Network
    let device: Host
    private(set) var peers: [IPv4Address: Host] = [:]
    /// The device socket of each conversation, once the app has it (accepted or connecting).
    private var sockets: [Int: SocketID] = [:]
    /// What the run found besides the app's inference (a segment the device processed late), for the report.
    private(set) var inferenceNotes: [String] = []
    /// What the app did (for the report): `t=… FreeRTOS_send(#4, 6) …`.
    private(set) var appLog: [String] = []
    /// The device's state changes, with the socket's endpoints, on the capture's clock (for `--device-log`).
    private(set) var stateChanges: [StateCheck.ModelChange] = []
    private var endpoints: [Int: (port: UInt16, remote: String)] = [:]
    let inference: AppInference
    private var closed: Set<SocketID> = []
    /// REUSE sockets in use as connections, with their port (listened on afresh once closed).
    private var reuseSockets: [SocketID: UInt16] = [:]
    let clock: CaptureClock

    init(capture: Capture, conversations: Conversations, settings: ReplaySettings, stages: [LinkStage] = []) {
        self.capture = capture
        self.conversations = conversations
        self.settings = settings
        clock = settings.clock
        network = Network(seed: settings.seed)
        network.recordsTrace = true
        device = network.addHost("device", address: conversations.device.address,
                                 parameters: .freeRTOS(config: settings.config))
        let driver: [LinkStage] = settings.pollGrid.map { [PollingDriver(grid: $0, towardDevice: .forward)] } ?? []
        for conversation in conversations.list where peers[conversation.peer.address] == nil {
            let peer = network.addHost("peer\(peers.count == 0 ? "" : "\(peers.count + 1)")",
                                       address: conversation.peer.address)
            peer.isScripted = true
            network.connect(peer, device, delay: .zero, stages: stages + driver)
            peers[conversation.peer.address] = peer
        }
        // Built per run: when frames reach the stack depends on the run's clock and driver.
        inference = AppInference(capture: capture, conversations: conversations, settings: settings)
        if settings.deviceLog != nil {
            network.onTrace = { [unowned self] event in
                if case .transition(_, let host, let transition) = event, host == device.name { recordStateChange(transition) }
            }
        }
    }

    /// The model's instant for a capture time, and back.
    func modelTime(_ time: SimDuration) -> SimInstant { clock.model(time) }
    func captureTime(_ instant: SimInstant) -> SimDuration { clock.capture(instant) }

    /// `FreeRTOS_closesocket()` on a conversation's socket unless the app has closed it already.
    private func closeIfOpen(_ conversation: Int, after state: String? = nil, until deadline: SimInstant = .zero) {
        guard let socket = sockets[conversation], !closed.contains(socket) else { return }
        if let state, device.stack.state(of: socket).freeRTOSName != state, network.now < deadline {
            network.at(network.now + .microseconds(100)) { [self] in closeIfOpen(conversation, after: state, until: deadline) }
            return
        }
        finish(socket)
    }

    // MARK: - Running

    /// Schedules the app and the peers' segments, and runs to the end of the capture (plus the tolerance).
    func run() {
        let causes = Self.causes(capture, conversations)
        let processing = Self.processingTimes(capture, conversations, settings.deviceLog)
        // The peers' segments first: an actions script runs the network as it goes.
        for conversation in conversations.list {
            for position in conversation.segments {
                let segment = capture.segments[position]
                guard segment.packet.ip.source == conversation.peer.address,
                    segment.packet.tcp.sourcePort == conversation.peer.port
                else { continue }
                var time = modelTime(segment.time)
                if let late = processing[position] {
                    time = modelTime(late.time)
                    inferenceNotes.append("frame \(segment.frame) reached the stack \(milliseconds(late.time - segment.time)) ms after it arrived (device log line \(late.line))")
                }
                if let cause = causes[position] {
                    network.at(time) { [self] in injectAfter(cause, segment, of: conversation, deadline: time + cause.wait) }
                } else {
                    network.at(time) { [self] in inject(segment, of: conversation) }
                }
            }
        }
        var external: ExternalApp?
        switch settings.app {
        case .inferred:
            startListeners()
            for action in inference.actions { network.at(modelTime(action.time)) { [self] in perform(action) } }
            for close in inference.closes {
                let time = modelTime(close.time)
                network.at(time) { [self] in closeIfOpen(close.conversation, after: close.after, until: time + Self.causalWait) }
            }
        case .terminalServer(let variant):
            TerminalServer(device: device, variant: variant).start()
        case .external(_, let start):
            do {
                external = try start(device)
            } catch {
                appLog.append("\(error)")
            }
        case .actions(let script, let file):
            let peer = peers.values.sorted { $0.address < $1.address }.first ?? device
            do {
                let runner = try ScriptRunner(actions: script, file: file, network: network, device: device, peer: peer)
                runner.endTime = settings.stopAt.map(modelTime)
                if let failure = runner.run().failure {
                    appLog.append(failure.split(separator: "\n").first.map(String.init) ?? failure)
                }
            } catch {
                appLog.append("\(error)")
            }
        }
        let last = capture.segments.last?.time ?? .zero
        let end = settings.stopAt ?? (last + settings.tolerance.allowance(since: last) + .milliseconds(1))
        network.run(until: modelTime(end))
        external?.stop()
        if let halt = network.haltReason { appLog.append(halt) }
    }

    /// The wall-clock second the model ran to (the capture's last segment and the tolerance).
    var endSeconds: Double { Double(capture.epochSeconds) + Double(capture.startNanoseconds + captureTime(network.now).nanoseconds) / 1e9 }

    /// Notes a device state change with its socket's endpoints as the device log names them.
    private func recordStateChange(_ transition: StateTransition) {
        let id = transition.connection.rawValue
        if let info = device.stack.netstat().first(where: { $0.id.rawValue == id }), let local = info.local {
            let remote = info.remote.map { "\($0.address):\($0.port)" } ?? "0.0.0.0:0"
            endpoints[id] = (local.port, remote)
        }
        guard let (port, remote) = endpoints[id] else { return }
        let seconds = Double(capture.epochSeconds) + Double(capture.startNanoseconds + captureTime(transition.time).nanoseconds) / 1e9
        stateChanges.append(StateCheck.ModelChange(time: seconds, port: port, remote: remote,
                                                   from: transition.from.freeRTOSName, to: transition.to.freeRTOSName))
    }

    private func log(_ text: String) { appLog.append("t=\(captureTime(network.now).secondsText) \(text)") }

    private func startListeners() {
        for port in conversations.listeningPorts(in: capture) { listen(on: port) }
    }

    /// A listening socket on `port` and its accept loop.
    private func listen(on port: UInt16) {
        let device = self.device
        let listener = device.rtosSocket()
        device.rtosSetTimeouts(listener, receive: .forever, send: .after(.seconds(2)))
        let mode = inference.listening[port] ?? .backlog(AppInference.openBacklog)
        let backlog: Int
        if case .backlog(let count) = mode { backlog = count } else { backlog = 1 }
        if mode == .reuse { device.rtosSetOption(listener, .reuseListenSocket(true)) }
        device.rtosBind(listener, port: port)
        device.rtosListen(listener, backlog: backlog)
        device.spawn("replay-accept-\(port)") { [self] in
            while true {
                guard case .accepted(let child) = await device.rtosAccept(listener) else { continue }
                if let remote = device.stack.connection(of: child)?.remote,
                    let conversation = conversations.list.last(where: { $0.peer == remote && $0.device.port == port && sockets[$0.index] == nil })
                {
                    sockets[conversation.index] = child
                }
                if child == listener {
                    // REUSE: the socket is the connection; once it is closed, `finish` listens afresh.
                    reuseSockets[child] = port
                    await serve(child)
                    return
                }
                device.spawn("replay-client-\(child.rawValue)") { [self] in await serve(child) }
            }
        }
    }

    /// The app's reading side: reads whatever arrives; once `FreeRTOS_recv()` is negative, closes.
    private func serve(_ socket: SocketID) async {
        device.rtosSetTimeouts(socket, receive: .forever)
        while !closed.contains(socket), await device.rtosRecv(socket, upTo: 65536).result >= 0 {}
        finish(socket)
    }

    /// `FreeRTOS_closesocket()`, once per socket; a REUSE port gets a fresh listening socket.
    private func finish(_ socket: SocketID) {
        guard closed.insert(socket).inserted else { return }
        device.rtosCloseSocket(socket)
        if let port = reuseSockets.removeValue(forKey: socket) { listen(on: port) }
    }

    private func perform(_ action: InferredAction) {
        guard let conversation = conversations.list.first(where: { $0.index == action.conversation }) else { return }
        switch action.kind {
        case .connect:
            let socket = device.rtosSocket()
            device.rtosBind(socket, port: conversation.device.port)
            sockets[conversation.index] = socket
            device.spawn("replay-connect-\(conversation.index)") { [self] in
                if await device.rtosConnect(socket, to: conversation.peer) == 0 { await serve(socket) }
            }
        case .send(let bytes):
            guard let socket = sockets[conversation.index] else {
                log("send of \(bytes.count) bytes on connection #\(conversation.index): the model has no socket for it")
                return
            }
            device.spawn("replay-send-\(conversation.index)") { [self] in
                _ = await device.rtosSend(socket, bytes, dontWait: true)
            }
        case .shutdown:
            guard let socket = sockets[conversation.index] else {
                log("shutdown on connection #\(conversation.index): the model has no socket for it")
                return
            }
            device.rtosShutdown(socket)
        }
    }

    // MARK: - Peers

    /// The model's ISN per conversation, from its SYN or SYN+ACK.
    private var modelISN: [Int: SeqNumber] = [:]
    private var scanned: [IPv4Address: Int] = [:]

    func modelISN(of conversation: Conversation) -> SeqNumber? {
        updateModelISNs()
        return modelISN[conversation.index]
    }

    private func updateModelISNs() {
        for (address, peer) in peers {
            let start = scanned[address] ?? 0
            for (_, packet) in peer.received.dropFirst(start) where packet.tcp.flags.contains(.syn) {
                let remote = Endpoint(packet.ip.destination, packet.tcp.destinationPort)
                if let conversation = conversations.list.last(where: { $0.peer == remote && $0.device.port == packet.tcp.sourcePort
                    && $0.firstTime <= captureTime(network.now) }) {
                    modelISN[conversation.index] = packet.tcp.seq
                }
            }
            scanned[address] = peer.received.count
        }
    }

    /// Sends a captured peer segment, its acknowledgement moved from the captured device's ISN to the model's.
    func inject(_ captured: CapturedSegment, of conversation: Conversation) {
        guard let peer = peers[conversation.peer.address] else { return }
        var segment = captured.packet.tcp
        if segment.flags.contains(.ack), let real = conversation.deviceISN, let model = modelISN(of: conversation) {
            segment.ackNumber = model + (segment.ackNumber - real)
            segment.options = segment.options.map { option in
                guard case .sack(let blocks) = option else { return option }
                return .sack(blocks.map { SACKBlock(left: model + ($0.left - real), right: model + ($0.right - real)) })
            }
        }
        peer.inject(segment, to: conversation.device.address, ttl: captured.packet.ip.ttl)
    }

    /// The model's segments to `conversation`'s peer, with times since the capture's start.
    func modelSegments(of conversation: Conversation) -> [(time: SimDuration, packet: TCPPacket)] {
        guard let peer = peers[conversation.peer.address] else { return [] }
        // A later conversation on the same 4-tuple (a new SYN) takes the segments from its start on.
        let next = conversations.list.first {
            $0.index > conversation.index && $0.peer == conversation.peer && $0.device == conversation.device
        }?.firstTime
        let first = modelTime(conversation.firstTime)
        let end = next.map(modelTime)
        return peer.received.filter { entry in
            entry.packet.tcp.destinationPort == conversation.peer.port
                && entry.packet.tcp.sourcePort == conversation.device.port
                && entry.time >= first && (end.map { entry.time < $0 } ?? true)
        }.map { (captureTime($0.time), $0.packet) }
    }
}
